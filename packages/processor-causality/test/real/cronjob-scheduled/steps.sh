# A CronJob every minute; one scheduled run, seen completed by the CronJob controller, then suspended.
k create cronjob tick --image=registry.local/app:1 --schedule='* * * * *'
end=$((SECONDS + 150))
until k get events --field-selector reason=SawCompletedJob -o name | grep -q .; do
  [ $SECONDS -lt $end ] || { log "no SawCompletedJob within 150 s"; exit 1; }
  sleep 2
done
k patch cronjob tick -p '{"spec":{"suspend":true}}'
