# A Deployment of 30 pods: its ReplicaSet's "Created pod" events pass the aggregator (10) and the
# spam filter (a burst of 25 per object), so some pods have no creation event at all.
k create deployment web --image=registry.local/app:1 --replicas=30
rollout deployment/web
