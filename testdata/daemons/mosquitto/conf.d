# conf.d for Alpine's mosquitto script (mosquitto__mosquitto) on Debian: nothing to adapt.
# /usr/sbin/mosquitto and /etc/mosquitto/mosquitto.conf are Debian's paths too; mosquitto
# itself drops root for the `mosquitto` user, which both distributions have.
