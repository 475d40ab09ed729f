# conf.d for Alpine's redis script (redis__redis) on Debian.

# Debian keeps redis.conf in /etc/redis (Alpine in /etc). The user and group, redis:redis,
# are the same on both.
cfgfile="/etc/redis/redis.conf"
