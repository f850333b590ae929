# A user deletes one of a Deployment's pods; the ReplicaSet replaces it.
k create deployment web --image=registry.local/app:1 --replicas=2
rollout deployment/web
sleep 6
k delete pod "$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')"
rollout deployment/web
