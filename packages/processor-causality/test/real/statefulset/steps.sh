# A StatefulSet of 3 created, its image updated (pods replaced one by one under the same names),
# then scaled down to 1.
apply_statefulset_db 3
rollout statefulset/db
k set image statefulset/db app=registry.local/app:2
rollout statefulset/db
k scale statefulset/db --replicas=1
wait_for statefulset/db '{.status.replicas}' 1
