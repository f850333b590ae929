# Two Deployments, then both given a new image by one command (the same second).
k create deployment api --image=registry.local/app:1 --replicas=2
k create deployment web --image=registry.local/app:1 --replicas=2
rollout deployment/api
rollout deployment/web
k set image deployment --all app=registry.local/app:2
rollout deployment/api
rollout deployment/web
