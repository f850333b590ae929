# A StatefulSet of 3 created, its image updated (pods replaced one by one under the same names),
# then scaled down to 1.
k apply -f - <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 3
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { terminationGracePeriodSeconds: 1, containers: [{ name: app, image: registry.local/app:1 }] }
YAML
rollout statefulset/db
k set image statefulset/db app=registry.local/app:2
rollout statefulset/db
k scale statefulset/db --replicas=1
wait_for statefulset/db '{.status.replicas}' 1
