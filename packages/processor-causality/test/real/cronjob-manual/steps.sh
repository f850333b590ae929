# A Job started by hand from a CronJob that never runs by itself.
k create cronjob nightly --image=registry.local/app:1 --schedule='0 0 1 1 *'
sleep 2
k create job nightly-manual --from=cronjob/nightly
k wait --for=condition=complete job/nightly-manual --timeout=120s
