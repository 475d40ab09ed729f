#!/bin/bash
# run-one.sh WORKDIR BINDIR
#
# One service, both sides, in a fresh pid+mount+net+uts+ipc namespace (the caller, differential.py,
# runs this under `unshare`; `--inside` is the namespace's pid 1). Nothing on the host is written
# except WORKDIR/out.
#
# WORKDIR/in:  script (the init script, unchanged), confd (its conf.d, if any), svc/ (rc2s6's
#              service directory), meta (shell: NAME PROGRAM USERS_NEEDED GROUPS_NEEDED
#              SSD_FLAVOR SSD_REAL SD_REAL STUBBORN S6_PREFIX WAIT_MS SATISFY_REQUIRED).
# BINDIR:      probe, wrap (compiled by differential.py), s6-svscan (the s6-svscan service of
#              OpenRC 0.16-0.62 from testdata/openrc/system/init.d).
#
# The root is an overlay (lower = the host's /, upper = tmpfs), so the script may create what it
# likes; /run and /tmp are fresh tmpfs. In it:
#  1. users and groups the service needs are added to /etc/passwd and /etc/group; /.dockerenv
#     is removed (OpenRC would take this for a Docker container); /etc/rc.conf is emptied (rc2s6
#     compiles with --no-rc-conf); /etc/conf.d/NAME and /etc/init.d/NAME are the inputs.
#  2. the probe is bind-mounted over PROGRAM (created when Debian lacks it), start-stop-daemon and
#     supervise-daemon are wrapped (wrap.c) for the OpenRC side only.
#  3. OpenRC side: `openrc-run /etc/init.d/NAME --nodeps start` (Debian's OpenRC 0.45.2, the
#     script's own start-stop-daemon or supervise-daemon path; start-stop-daemon is SSD_REAL:
#     OpenRC's own 0.45.2 or Debian's), wait for the probe's record, give
#     a daemon that was expected to fork its pidfile, `... stop`, collect the signals; every
#     process left is killed.
#  4. s6 side, same root (what start_pre made is still there, as after a migration where OpenRC
#     runs start_pre and then s6): the wrappers are removed, s6-svscan is started the way a
#     system with OpenRC 0.45 starts it (the s6-svscan service, through the same
#     start-stop-daemon as the OpenRC side used),
#     rc2s6's service directory is copied to /var/svc.d/NAME and linked into
#     /run/openrc/s6-scan (as OpenRC 0.45's s6.sh does), the probe's record is awaited,
#     `s6-svc -d`, signals collected, s6-svscan stopped.
set -u

if [ "${1:-}" != --inside ]; then
	echo "usage: run under unshare by differential.py" >&2
	exit 100
fi
W=$2 B=$3
T=$(mktemp -d /tmp/rc2s6-diff.XXXXXX)
set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0700 tmpfs "$T"
mkdir "$T/up" "$T/wk" "$T/root"
R=$T/root
mount -t overlay overlay -o "lowerdir=/,upperdir=$T/up,workdir=$T/wk" "$R"
mount -t proc proc "$R/proc"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
# /dev: a tmpfs with the host's harmless devices bound in, so nothing a script makes there
# reaches the host; /dev/log is the harness's syslogd (stage 2)
mount -t tmpfs -o mode=0755,nosuid tmpfs "$R/dev"
for d in null zero full random urandom tty net/tun fuse; do
	[ -c "/dev/$d" ] || continue
	mkdir -p "$(dirname "$R/dev/$d")" && : > "$R/dev/$d" && mount --bind "/dev/$d" "$R/dev/$d"
done
mkdir "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
: > "$R/run/console.log"
: > "$R/dev/console"
mount --bind "$R/run/console.log" "$R/dev/console"
# openrc-run moves itself between cgroups: an empty hierarchy of its own
mount -t tmpfs tmpfs "$R/sys" 2>/dev/null || :
mkdir -p "$R/sys/fs/cgroup"
mkdir -p "$R/run/rc2s6-work" "$R/run/rc2s6-bin"
mount --bind "$W" "$R/run/rc2s6-work"
mount --bind "$B" "$R/run/rc2s6-bin"
mount -o remount,bind,ro "$R/run/rc2s6-bin"
set +e

cat > "$R/run/rc2s6-stage2.sh" <<'STAGE2'
# ---------------- stage 2: chrooted into the overlay root ----------------
. /run/rc2s6-work/in/meta
O=/run/rc2s6-work/out
P=/run/rc2s6-probe
mkdir -p $O
exec >$O/log.txt 2>&1
say() { echo ">>> $(cut -d' ' -f1 /proc/uptime) $*"; }
ms() { local u; u=$(cut -d' ' -f1 /proc/uptime); echo $(( ${u%.*} * 1000 + 10#${u#*.} * 10 )); }
fail() { echo "setup: $*"; echo "setup: $*" > $O/setup-failed; exit 0; }

# --- the system
rm -f /.dockerenv
: > /etc/rc.conf
rm -rf /etc/conf.d /etc/runlevels/*/*
mkdir -p /etc/conf.d /run/openrc /var/svc.d
for d in daemons exclusive failed hotplugged inactive options scheduled started starting stopping tmp wasinactive; do
	mkdir -p /run/openrc/$d
done
echo default > /run/openrc/softlevel
install -m 755 /run/rc2s6-work/in/script "/etc/init.d/$NAME" || fail "cannot install the script"
[ -f /run/rc2s6-work/in/confd ] && install -m 644 /run/rc2s6-work/in/confd "/etc/conf.d/$NAME"
install -m 755 /run/rc2s6-bin/s6-svscan /etc/init.d/s6-svscan
# users and groups: NAME[:GROUP] ... ; ids from 20000 up in the order given (deterministic)
n=20000
for g in $GROUPS_NEEDED; do
	getent group "$g" >/dev/null || echo "$g:x:$n:" >> /etc/group
	n=$((n + 1))
done
for u in $USERS_NEEDED; do
	if ! getent passwd "$u" >/dev/null; then
		getent group "$u" >/dev/null || echo "$u:x:$n:" >> /etc/group
		echo "$u:x:$n:$(getent group "$u" | cut -d: -f3):$u:/var/lib/$u:/sbin/nologin" >> /etc/passwd
		echo "$u:!:19000::::::" >> /etc/shadow
	fi
	n=$((n + 1))
done

# command_args_foreground and command_args_background as the script's top level leaves them (it
# is sourced as OpenRC's gendepends does), word-split as the backends' eval does, NUL-separated:
# only to tell the argv differences these explain (they are SD/s6-only and SSD-only)
for v in command_args_foreground command_args_background; do
	timeout 5 sh -c '. /lib/rc/sh/functions.sh; RC_SVCNAME=$1 SVCNAME=$1 RC_SERVICE=/etc/init.d/$1
		[ -f /etc/conf.d/$1 ] && . /etc/conf.d/$1; . /etc/init.d/$1
		eval "set -- \$$2"; for a; do printf "%s\0" "$a"; done' sh "$NAME" $v > $O/$v 2>/dev/null < /dev/null || :
done

# syslog: what supervise-daemon and failed start-stop-daemon children report
/run/rc2s6-bin/syslogd /dev/log $O/syslog.txt &
SYSLOGD=$!

# a stubborn probe outlives the stop signals: wait for the whole schedule
if [ -n "$STUBBORN" ]; then
	STOP_TIMEOUT=$((STUBBORN + 40))
	S6_STOP_WAIT_MS=$((STUBBORN * 1000 + 3000))
	OPENRC_GONE_WAIT_MS=$((STUBBORN * 1000 + 3000))
fi

# --- the probe over the program, the wrappers over the supervisors
mkdir -p $P/rec $P/real
chmod 1777 $P/rec
chmod 755 $P
{ echo "${STUBBORN:+stubborn=$STUBBORN}"; [ "$DIRECT_LAUNCH" = 1 ] && echo direct=1; } > $P/config
[ -e "$PROGRAM" ] || { mkdir -p "$(dirname "$PROGRAM")" && : > "$PROGRAM"; } || fail "cannot create $PROGRAM"
[ -d "$PROGRAM" ] && fail "$PROGRAM is a directory"
mount --bind /run/rc2s6-bin/probe "$PROGRAM" || fail "cannot mount the probe over $PROGRAM"
cmp -s /run/rc2s6-bin/probe "$PROGRAM" || fail "$PROGRAM is not the probe after mounting"
cp "$SSD_REAL" $P/real/start-stop-daemon
cp "$(readlink -f "$SD_REAL")" $P/real/supervise-daemon
echo "$SSD_FLAVOR" > $P/ssd-flavor
mount --bind /run/rc2s6-bin/wrap "$(readlink -f /sbin/start-stop-daemon)"
mount --bind /run/rc2s6-bin/wrap "$(readlink -f /sbin/supervise-daemon)"

# waits up to $2 ms for a record of side $1 in a daemon mode; prints its file: the newest (highest
# pid) a little after the first one came, should the script have started the program twice
await_record() {
	local side=$1 until=$(( $(ms) + $2 )) f found=
	while :; do
		for f in $P/rec/$side.*.rec; do
			[ -f "$f" ] && grep -qx 'mode daemon\(-forks\)\?' "$f" && found=1
		done
		[ -n "$found" ] && break
		[ "$(ms)" -ge "$until" ] && return 1
		sleep 0.05
	done
	sleep 0.2
	for f in $P/rec/$side.*.rec; do
		grep -qx 'mode daemon\(-forks\)\?' "$f" && echo "${f##*/} $f"
	done | sed "s/^$side\.\([0-9]*\)\.rec /\1 /" | sort -n | tail -n 1 | cut -d' ' -f2
}
# the pid the daemon probe runs as now (after its fork, if any): the `running` line of its .sig
running_pid() { local s=${1%.rec}.sig; [ -f "$s" ] && sed -n 's/^running //p' "$s" | tail -n 1; }
# waits up to $2 ms for pid $1 to be gone
await_gone() {
	local until=$(( $(ms) + $2 ))
	while kill -0 "$1" 2>/dev/null; do
		[ "$(ms)" -ge "$until" ] && return 1
		sleep 0.05
	done
	return 0
}
# kills every process of the namespace but pid 1 and this shell
kill_rest() {
	local p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = 1 ] || [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] || [ "$p" = "$SYSLOGD" ] || kill -9 "$p" 2>/dev/null
	done
	sleep 0.1
}
# for each pipe or socket in record $1, the other processes holding it (the probe may not read
# other users' /proc/PID/fd: this runs as root): "TARGET<tab>NAME<tab>ARGV" lines, ARGV with
# spaces between the words
holders() {
	local me targets
	me=$(sed -n 's/^pid //p' "$1")
	targets=$(sed -n 's/^fd [0-9]*%09\(\(pipe\|socket\):\[[0-9]*\]\)%09.*/\1/p' "$1" | sort -u)
	[ -n "$targets" ] || return 0
	ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v me="$me" -v targets="$targets" '
		BEGIN { n = split(targets, t, "\n"); for (i = 1; i <= n; i++) want[t[i]] = 1 }
		/^\/proc\/[0-9]+\/fd:$/ { split($0, p, "/"); pid = p[3]; next }
		pid != me && ($NF in want) { print $NF, pid }' | sort -u |
	while read -r t pid; do
		[ -r /proc/$pid/comm ] || continue
		printf '%s\t%s\t%s\n' "$t" "$(cat /proc/$pid/comm)" "$(tr '\0' ' ' < /proc/$pid/cmdline | sed 's/ $//')"
	done
}
ps_tree() { ps -e --forest -o pid,ppid,uid,gid,sid,args 2>&1 | grep -v 'ps -e --forest'; }

# upstream OpenRC 0.45.2 refuses to start when a required_files entry is not readable
# (sh/openrc-run.sh.in:292-298 at tag 0.45.2); Debian's 0.45.2-2 openrc-run.sh lacks that check:
# put upstream's lines back in this root's copy, after the required_dirs check.
if ! grep -q required_files /lib/rc/sh/openrc-run.sh; then
	cat > /tmp/rc2s6-required-files <<'EOF'
	eval "printf '%s\n' $required_files" | while read _f; do
		if [ -n "$_f" ] && [ ! -r "$_f" ]; then
			eerror "$RC_SVCNAME: \`$_f' is not readable"
			exit 1
		fi
	done
	[ $? -ne 0 ] && exit 1
	unset _f
EOF
	sed -i '/^\tunset _d$/r /tmp/rc2s6-required-files' /lib/rc/sh/openrc-run.sh
	grep -q required_files /lib/rc/sh/openrc-run.sh || fail "cannot restore the required_files check"
fi

# --- OpenRC side
echo openrc > $P/side
# A start that fails only because this machine lacks an account or (with SATISFY_REQUIRED) a
# required file or directory is retried once that is made; each fix is listed in fixes.txt.
add_account() {
	local u=${1%%:*} g=
	case $1 in *:*) g=${1#*:} ;; esac
	if [ -n "$g" ] && ! getent group "$g" >/dev/null; then
		echo "$g:x:$((21000 + $(wc -l < /etc/group))):" >> /etc/group
	fi
	if [ -n "$u" ] && ! getent passwd "$u" >/dev/null; then
		getent group "$u" >/dev/null || echo "$u:x:$((21000 + $(wc -l < /etc/group))):" >> /etc/group
		echo "$u:x:$((21000 + $(wc -l < /etc/passwd))):$(getent group "$u" | cut -d: -f3):$u:/var/lib/$u:/sbin/nologin" >> /etc/passwd
		echo "$u:!:19000::::::" >> /etc/shadow
	fi
}
# What made a start fail that a package install would have provided: the first such thing still
# missing, made now; prints what was done (nothing when there is nothing to do). Reads what the
# start printed and what supervise-daemon / start-stop-daemon children sent to syslog.
fix_one() {
	local said l a
	said=$(cat $O/openrc-start.txt $O/syslog.txt 2>/dev/null)
	# an account: start-stop-daemon `user `X' not found', checkpath `owner `X' not found', ...
	for a in $(printf '%s\n' "$said" | sed -n "s/.*\(user\|owner\|group\) [\`'\"]\([^\`'\"]*\)['\"] not found.*/\1=\2/p"); do
		case $a in
			group=*) getent group "${a#group=}" >/dev/null || { add_account ":${a#group=}"; echo "group ${a#group=}"; return; } ;;
			*) l=${a#*=}; getent passwd "${l%%:*}" >/dev/null && { [ "${l#*:}" = "$l" ] || getent group "${l#*:}" >/dev/null; } ||
				{ add_account "$l"; echo "account $l"; return; } ;;
		esac
	done
	[ "$SATISFY_REQUIRED" = 1 ] || return 0
	# required_files, required_dirs (openrc-run.sh)
	for l in $(printf '%s\n' "$said" | sed -n "s/.*: \`\(\/[^']*\)' is not readable.*/\1/p"); do
		[ -e "$l" ] || { mkdir -p "$(dirname "$l")" && touch "$l" && echo "required_files $l"; return; }
	done
	for l in $(printf '%s\n' "$said" | sed -n "s/.*: \`\(\/[^']*\)' is not a directory.*/\1/p"); do
		[ -d "$l" ] || { mkdir -p "$l" && echo "required_dirs $l"; return; }
	done
	# output_log/error_log in a directory the package would have made (writable by the daemon's user)
	for l in $(printf '%s\n' "$said" | sed -n "s/.*unable to open the logfile for std[a-z]* \`\(\/[^']*\)': No such file or directory.*/\1/p"); do
		[ -d "$(dirname "$l")" ] || { mkdir -p -m 1777 "$(dirname "$l")" && echo "log_dir $(dirname "$l")"; return; }
	done
	# checkpath does not make parents: `checkpath: /var/log/jitsi/jigasi.log: could not open jitsi`
	for l in $(printf '%s\n' "$said" | sed -n "s/.*checkpath: \(\/[^:]*\): could not open [^:]*: No such file or directory.*/\1/p"); do
		[ -d "$(dirname "$l")" ] || { mkdir -p "$(dirname "$l")" && echo "checkpath_parent $(dirname "$l")"; return; }
	done
	# --chdir (directory), the pidfile's directory
	for l in $(printf '%s\n' "$said" | sed -n "s/.*: chdir \`\(\/[^']*\)': No such file or directory.*/\1/p"); do
		[ -d "$l" ] || { mkdir -p "$l" && echo "directory $l"; return; }
	done
	for l in $(printf '%s\n' "$said" | sed -n "s/.*: fopen \`\(\/[^']*\)': No such file or directory.*/\1/p"); do
		[ -d "$(dirname "$l")" ] || { mkdir -p "$(dirname "$l")" && echo "pidfile_dir $(dirname "$l")"; return; }
	done
}
attempt=0
rec=
waited=
while :; do
	say "openrc start (attempt $attempt)"
	t0=$(ms)
	timeout -k 2 "${START_TIMEOUT:-20}" openrc-run "/etc/init.d/$NAME" --nodeps start > $O/openrc-start.txt 2>&1
	echo $? > $O/openrc-start.rc
	say "openrc start returned $(cat $O/openrc-start.rc) after $(( $(ms) - t0 )) ms"
	cp $O/openrc-start.txt $O/openrc-start.$attempt.txt
	if [ "$(cat $O/openrc-start.rc)" = 0 ]; then
		rec=$(await_record openrc "$WAIT_MS") && break
		waited=1
		# started, but no daemon: a --background child can fail after start-stop-daemon returned
		openrc-run "/etc/init.d/$NAME" --nodeps stop > /dev/null 2>&1
		openrc-run "/etc/init.d/$NAME" --nodeps zap > /dev/null 2>&1
	else
		rec=$(await_record openrc 300) && break
	fi
	[ $attempt -ge 6 ] && break
	fixed=$(fix_one)
	[ -n "$fixed" ] || break
	echo "$fixed" >> $O/fixes.txt
	say "retrying after: $fixed"
	attempt=$((attempt + 1))
done
[ -n "$rec" ] || [ -n "$waited" ] || rec=$(await_record openrc "$WAIT_MS")
# for investigations: WORKDIR/in/hook-openrc (sh), sourced here, its output in log.txt
[ -f /run/rc2s6-work/in/hook-openrc ] && . /run/rc2s6-work/in/hook-openrc
if [ -n "$rec" ]; then
	cp "$rec" $O/openrc.rec
	holders "$rec" > $O/openrc.holders
	pid=$(running_pid "$rec")
	echo "${pid:-}" > $O/openrc.pid
	# a daemon that was to fork writes its own pidfile: do it for the probe, where the
	# start-stop-daemon call that started it said (--pidfile, under --chroot)
	# (and so does one that --background starts with a --pidfile but no --make-pidfile:
	# start-stop-daemon only reads that file, the daemon must write it)
	pf= ch= bg= mk=
	via=$(sed -n 's/^via ssd:\([0-9]*\):.*/\1/p' "$rec")
	if [ -n "$via" ] && [ -f $P/rec/start-stop-daemon.$via.argv ]; then
		prev=
		while IFS= read -r -d '' a; do
			[ "$a" = -- ] && break
			case $prev in -p|--pidfile) pf=$a ;; -r|--chroot) ch=$a ;; esac
			case $a in --pidfile=*) pf=${a#*=} ;; --chroot=*) ch=${a#*=} ;; esac
			case $a in -b|--background) bg=1 ;; -m|--make-pidfile) mk=1 ;; -bm|-mb) bg=1 mk=1 ;; esac
			prev=$a
		done < $P/rec/start-stop-daemon.$via.argv
		[ -n "$pf" ] && pf=$ch$pf
	fi
	# and where its own arguments say it writes one (-P FILE.pid, --pidfile=FILE.pid, ...)
	pfs=$(sed -n 's/^argv \(.*=\)\?\(\/[^=]*\.pid\)$/\2/p' "$rec" | sed 's/%\([0-9A-F][0-9A-F]\)/\\x\1/g' | xargs -0 printf '%b' 2>/dev/null)
	if { grep -qx 'mode daemon-forks' "$rec" || { [ -n "$bg" ] && [ -z "$mk" ] && [ -n "$pf" ]; }; } && [ -n "$pid" ]; then
		printf '%s\n' "$pf" $pfs | sort -u | while read -r f; do
			[ -n "$f" ] && mkdir -p "$(dirname "$f")" && echo "$pid" > "$f" && echo "wrote $pid into $f"
		done
	fi
	ps_tree > $O/openrc-ps.txt
	say "openrc stop"
	s0=$(ms)
	echo "$s0" > $O/openrc-stop.t0
	timeout -k 2 "${STOP_TIMEOUT:-30}" openrc-run "/etc/init.d/$NAME" --nodeps stop > $O/openrc-stop.txt 2>&1
	echo $? > $O/openrc-stop.rc
	say "openrc stop returned $(cat $O/openrc-stop.rc) after $(( $(ms) - s0 )) ms"
	[ -n "$pid" ] && { await_gone "$pid" "${OPENRC_GONE_WAIT_MS:-3000}" && echo gone > $O/openrc.after-stop || echo alive > $O/openrc.after-stop; }
else
	ps_tree > $O/openrc-ps.txt
	say "no daemon record on the OpenRC side"
fi
for f in $P/rec/*; do [ -e "$f" ] && cp "$f" $O/; done
kill_rest
umount "$(readlink -f /sbin/start-stop-daemon)" "$(readlink -f /sbin/supervise-daemon)"
# s6-svscan is started by the same start-stop-daemon as the service was (no wrapper now)
mount --bind $P/real/start-stop-daemon "$(readlink -f /sbin/start-stop-daemon)"
rm -rf $P/rec/* /run/openrc/started/$NAME /run/openrc/options/$NAME /run/openrc/daemons/$NAME

# --- s6 side
echo s6 > $P/side
echo "${STUBBORN:+stubborn=$STUBBORN}" > $P/config
if [ -n "${S6_PREFIX:-}" ]; then
	# as ../shared/vendor/run063.sh does: the new programs where every PATH finds them first
	for f in "$S6_PREFIX"/bin/*; do ln -sfn "$f" /usr/bin/; done
fi
say "s6-svscan start"
timeout -k 2 20 openrc-run /etc/init.d/s6-svscan --nodeps start > $O/s6-svscan-start.txt 2>&1
echo $? > $O/s6-svscan-start.rc
cp -a /run/rc2s6-work/in/svc "/var/svc.d/$NAME"
ln -s "/var/svc.d/$NAME" "/run/openrc/s6-scan/$NAME"
say "s6-svscanctl -an"
t0=$(ms)
# s6-svscan was started in the background: wait until it listens (OpenRC 0.45's s6.sh sleeps 1.5 s)
until s6-svscanctl -an /run/openrc/s6-scan 2>/dev/null; do
	[ $(( $(ms) - t0 )) -ge 5000 ] && { echo "s6-svscan does not listen" > $O/s6-svscan-failed; break; }
	sleep 0.05
done
rec=$(await_record s6 "$WAIT_MS")
say "s6 record: ${rec:-none} after $(( $(ms) - t0 )) ms"
if [ -n "$rec" ]; then
	cp "$rec" $O/s6.rec
	holders "$rec" > $O/s6.holders
	pid=$(running_pid "$rec")
	echo "${pid:-}" > $O/s6.pid
	ps_tree > $O/s6-ps.txt
	s6-svstat "/run/openrc/s6-scan/$NAME" > $O/s6-svstat.txt 2>&1
	s0=$(ms)
	echo "$s0" > $O/s6-stop.t0
	s6-svc -d "/run/openrc/s6-scan/$NAME"
	echo $? > $O/s6-stop.rc
	[ -n "$pid" ] && { await_gone "$pid" "${S6_STOP_WAIT_MS:-6000}" && echo gone > $O/s6.after-stop || echo alive > $O/s6.after-stop; }
	say "s6 stop: $(cat $O/s6.after-stop 2>/dev/null) after $(( $(ms) - s0 )) ms"
else
	ps_tree > $O/s6-ps.txt
	s6-svstat "/run/openrc/s6-scan/$NAME" > $O/s6-svstat.txt 2>&1
fi
for f in $P/rec/*; do [ -e "$f" ] && cp "$f" $O/; done
[ -f "/var/log/$NAME/current" ] && cp "/var/log/$NAME/current" $O/s6-log.txt
timeout -k 2 20 openrc-run /etc/init.d/s6-svscan --nodeps stop > $O/s6-svscan-stop.txt 2>&1
kill_rest
say done
echo done > $O/done
STAGE2
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb HOME=/root \
	chroot "$R" /bin/bash /run/rc2s6-stage2.sh </dev/null >/dev/null 2>&1
exit 0
