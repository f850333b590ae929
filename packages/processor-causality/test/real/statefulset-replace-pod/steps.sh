# A user deletes a StatefulSet pod; the controller recreates it under the same name.
apply_statefulset_db 2
rollout statefulset/db
sleep 6
k delete pod db-1
sleep 2
rollout statefulset/db
