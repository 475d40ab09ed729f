# conf.d for Alpine's dnsmasq script (dnsmasq__dnsmasq) on Debian.

# Debian's dnsmasq user has no group of its own: its primary group is nogroup. The script
# makes the lease file theirs (checkpath -o "$user:$group").
user="dnsmasq"
group="nogroup"
