# A Deployment of 3 created, and its image changed a second later: both changes inside one 5 s window.
k create deployment web --image=registry.local/app:1 --replicas=3
sleep 1
k set image deployment/web app=registry.local/app:2
rollout deployment/web
