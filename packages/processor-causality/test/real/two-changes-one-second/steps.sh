# A Deployment of 2 settled; then its image changed and it scaled to 3 in the same second
# (generations 2 and 3, two writers: kubectl-set, and kubectl through the scale subresource).
k create deployment web --image=registry.local/app:1 --replicas=2
rollout deployment/web
sleep 2
# Start at the top of a second so that both writes land in it.
while [ "$(date +%N | cut -c1)" != 0 ]; do sleep 0.02; done
k set image deployment/web app=registry.local/app:2
k scale deployment/web --replicas=3
rollout deployment/web
