# conf.d for Alpine's nginx script (nginx__nginx) on Debian.
#
# Debian's paths are Alpine's: /usr/sbin/nginx, /etc/nginx/nginx.conf. The script's
# start_pre makes /run/nginx owned by nginx:nginx, a user Debian does not have (nginx runs
# as www-data): checkpath complains and start_pre goes on, since its status is nginx -t's.
# Debian's nginx keeps its pid in /run/nginx.pid, so nothing needs /run/nginx.
cfgfile="/etc/nginx/nginx.conf"
