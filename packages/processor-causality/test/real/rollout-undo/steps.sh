# Create, roll to a new image, then `kubectl rollout undo`: the undo is the deployment's 10th+
# ScalingReplicaSet step, so client-go's aggregator rewrites it as "(combined from similar events): …".
k create deployment web --image=registry.local/app:1 --replicas=3
rollout deployment/web
k set image deployment/web app=registry.local/app:2
rollout deployment/web
k rollout undo deployment/web
rollout deployment/web
