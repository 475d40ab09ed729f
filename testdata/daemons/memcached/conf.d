# conf.d for Alpine's memcached script (memcached__memcached) on Debian. The script reads
# every setting from here; Alpine's conf.d with Debian's user.

MEMCACHED_BINARY="/usr/bin/memcached"
MEMUSAGE="64"
# Debian's package runs memcached as `memcache` (Alpine's as `memcached`, which Debian lacks).
MEMCACHED_RUNAS="memcache"
MAXCONN="1024"
LISTENON="127.0.0.1"
PORT="11211"
UDPPORT="${PORT}"
PIDBASE="/var/run/memcached/memcached"
MISC_OPTS=""
