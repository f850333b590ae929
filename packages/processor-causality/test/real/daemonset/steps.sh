# A DaemonSet on three KWOK nodes (kwok-node-0 and two extra ones), then a new image.
add_node real-node-1
add_node real-node-2
k apply -f - <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      terminationGracePeriodSeconds: 1
      # Only these three nodes: others' test nodes may come and go on the shared cluster.
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - { key: kubernetes.io/hostname, operator: In, values: [kwok-node-0, real-node-1, real-node-2] }
      containers: [{ name: app, image: registry.local/app:1 }]
YAML
rollout daemonset/agent
k set image daemonset/agent app=registry.local/app:2
rollout daemonset/agent
