# A pod that fits no node, retried by the scheduler while later changes happen: the Deployment is
# scaled (a new pod, also unschedulable), a node without the label appears (both retried), and at
# last the node gets the label (both scheduled).
k apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { nodeSelector: { disk: ssd }, containers: [{ name: app, image: registry.local/app:1 }] }
YAML
sleep 8
k scale deployment/web --replicas=2
sleep 8
add_node real-node-1
sleep 8
kc label node real-node-1 disk=ssd
rollout deployment/web
