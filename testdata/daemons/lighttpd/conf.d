# conf.d for Alpine's lighttpd script (lighttpd__lighttpd) on Debian: Alpine's own settings,
# which are Debian's paths too.
#
# The script's start() makes /run/lighttpd owned by lighttpd:lighttpd, a user Debian does
# not have (lighttpd runs as www-data): checkpath complains and start() goes on, since it
# ignores checkpath's status. Nothing in lighttpd.conf uses /run/lighttpd.
LIGHTTPD_CONF="/etc/lighttpd/lighttpd.conf"
LIGHTTPD_PID="/run/lighttpd.pid"
