# conf.d for Alpine's chronyd script (chrony__chronyd) on Debian. Alpine's conf.d with one
# change: chronyd runs with -x.
CFGFILE="/etc/chrony/chrony.conf"
FAST_STARTUP=no
# -x: chronyd does not touch the system clock. The clock is not namespaced, and a test must
# not steer the machine's clock (nor need the right to).
ARGS="-x"
