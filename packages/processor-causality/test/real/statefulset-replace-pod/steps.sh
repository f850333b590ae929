# A user deletes a StatefulSet pod; the controller recreates it under the same name.
k apply -f - <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: app, image: registry.local/app:1 }] }
YAML
rollout statefulset/db
sleep 6
k delete pod db-1
sleep 2
rollout statefulset/db
