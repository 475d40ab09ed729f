# conf.d for Alpine's unbound script (unbound__unbound) on Debian: nothing to adapt.
# /usr/sbin/unbound and /etc/unbound/unbound.conf are Debian's paths too; unbound drops root
# for the `unbound` user, which both distributions have.
