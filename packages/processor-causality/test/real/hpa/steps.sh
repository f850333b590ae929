# An HPA whose minReplicas is above the Deployment's replicas: the HPA controller rescales it
# ("Current number of replicas below Spec.MinReplicas"; no metrics server is needed for that).
k create deployment web --image=registry.local/app:1 --replicas=1
rollout deployment/web
k autoscale deployment web --min=3 --max=5
wait_for deployment/web '{.status.readyReplicas}' 3 120
# The HPA's next sync (15 s later) finds no metrics server: its warnings are the HPA's own, no rescale.
until k get events --field-selector reason=FailedGetResourceMetric -o name | grep -q .; do sleep 1; done
