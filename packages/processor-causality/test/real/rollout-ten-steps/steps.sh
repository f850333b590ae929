# A rollout of 6 pods one at a time (maxSurge 1, maxUnavailable 0): 12 scaling steps, past the
# aggregator's 10 similar events, so later steps are "(combined from similar events): …".
k apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 6
  selector: { matchLabels: { app: web } }
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: registry.local/app:1 }] }
YAML
rollout deployment/web
k set image deployment/web app=registry.local/app:2
rollout deployment/web
