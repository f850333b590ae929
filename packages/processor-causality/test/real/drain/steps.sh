# A node cordoned and drained: its pods are evicted and replaced on the other node.
add_node real-node-1
add_node real-node-2
k apply -f - <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 4
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      nodeSelector: { kspan-real: '1' }
      terminationGracePeriodSeconds: 1
      topologySpreadConstraints:
        # Two pods a node; a cordoned node no longer counts (nodeTaintsPolicy: Honor).
        - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, nodeTaintsPolicy: Honor, labelSelector: { matchLabels: { app: web } } }
      containers: [{ name: app, image: registry.local/app:1 }]
YAML
rollout deployment/web
sleep 6
kc drain real-node-1 --ignore-daemonsets --timeout=120s
rollout deployment/web
