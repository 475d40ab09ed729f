# conf.d for Alpine's rsyncd script (rsync__rsyncd) on Debian: nothing to adapt.
# /usr/bin/rsync and /etc/rsyncd.conf are Debian's paths too.
