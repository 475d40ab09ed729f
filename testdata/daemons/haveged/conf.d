# conf.d for Alpine's haveged script (haveged__haveged) on Debian. /usr/sbin/haveged is
# Debian's path too, and haveged runs as root on both.

# -v 1 makes haveged report its setup at start and its totals at exit, on stderr (s6-log).
command_args="-v 1"
