# conf.d for Alpine's privoxy script (privoxy__privoxy) on Debian: nothing to set. The
# script fixes every path in itself (/usr/sbin/privoxy, /etc/privoxy/config), and they are
# Debian's too. It also fixes `--user privoxy.privoxy`: see `prepare`.
