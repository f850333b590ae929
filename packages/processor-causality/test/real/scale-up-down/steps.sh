# Scale 1 → 10 and at once back to 2: the second change supersedes the first before it is done.
k create deployment web --image=registry.local/app:1 --replicas=1
rollout deployment/web
k scale deployment/web --replicas=10
k scale deployment/web --replicas=2
rollout deployment/web
