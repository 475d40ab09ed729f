# conf.d for Alpine's dropbear script (dropbear__dropbear) on Debian. The script's paths
# (/usr/sbin/dropbear, /usr/bin/dropbearkey, host keys in /etc/dropbear) are Debian's
# dropbear-bin's too; /etc/dropbear itself comes from Debian's dropbear package, which is
# not installed: see `prepare`.

# Listen on the loopback address only; -E logs to stderr (s6-log) instead of syslog, which
# the namespace lacks.
DROPBEAR_OPTS="-p 127.0.0.1:22 -E"
