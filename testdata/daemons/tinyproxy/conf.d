# conf.d for Alpine's tinyproxy script (tinyproxy__tinyproxy) on Debian: nothing to set.
# The binary (/usr/bin/tinyproxy), the configuration (/etc/tinyproxy/tinyproxy.conf) and the
# user and group (tinyproxy:tinyproxy) are Debian's too. The script's output_log, in
# /var/log/tinyproxy, cannot be changed here (the script sets it after reading this file):
# see `prepare`.
