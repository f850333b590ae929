# A CronJob's spec changed twice (its image, then its schedule), then a Job started by hand from it.
k create cronjob nightly --image=registry.local/app:1 --schedule='0 0 1 1 *'
sleep 3
k set image cronjob/nightly nightly=registry.local/app:2
sleep 3
k patch cronjob nightly -p '{"spec":{"schedule":"30 2 * * *"}}'
sleep 3
k create job nightly-manual --from=cronjob/nightly
k wait --for=condition=complete job/nightly-manual --timeout=120s
