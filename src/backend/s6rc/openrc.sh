# rc2s6's stand-in for openrc-run, for the s6-rc backend: the functions OpenRC gives an init
# script's start(), stop() and their _pre/_post hooks, in POSIX sh, so the hooks run where
# OpenRC is not installed. rc2s6 puts this text (without its comment lines) at the head of every
# oneshot's `up` and `down`. Each function follows the OpenRC 0.63.3 source named beside it.
#
# Lines that start with `#` are comments and are left out of the generated scripts: no line of
# code below starts with `#`, and nothing below is a here-document.

# src/libeinfo/libeinfo.c: is_quiet(), is_verbose() read these through yesno().
_rc2s6_quiet() { yesno "${EINFO_QUIET:-}"; }
_rc2s6_verbose() { yesno "${EINFO_VERBOSE:-}"; }

# libeinfo's plain (non-colour) output: " * " and the message, indented by EINFO_INDENT; with
# `n` first, no newline after it.
_rc2s6_say() {
	_rc2s6_n=$1
	shift
	if [ "$_rc2s6_n" = n ]; then
		printf ' * %*s%s' "${EINFO_INDENT:-0}" '' "$*"
	else
		printf ' * %*s%s\n' "${EINFO_INDENT:-0}" '' "$*"
	fi
}

# src/einfo/einfo.c and libeinfo.c: einfo, ewarn and ebegin are silenced by EINFO_QUIET and
# return 0; eerror is never silenced and returns 1; ewarn and eerror write to stderr.
einfo() { _rc2s6_quiet || _rc2s6_say - "$@"; return 0; }
einfon() { _rc2s6_quiet || _rc2s6_say n "$@"; return 0; }
ewarn() { _rc2s6_quiet || _rc2s6_say - "$@" >&2; return 0; }
ewarnn() { _rc2s6_quiet || _rc2s6_say n "$@" >&2; return 0; }
eerror() { _rc2s6_say - "$@" >&2; return 1; }
eerrorn() { _rc2s6_say n "$@" >&2; return 1; }
ebegin() { _rc2s6_quiet || _rc2s6_say - "$* ..."; return 0; }

# eend/ewend RETVAL [MESSAGE]: a RETVAL that is not a number is part of the message and the
# result is 1 (src/einfo/einfo.c, strtoimax); a failure prints " [ !! ]", after MESSAGE and on
# stderr with it when there is one, a success " [ ok ]" on stdout (libeinfo.c, _do_eend).
_rc2s6_eend() {
	shift
	_rc2s6_rv=0
	if [ $# -gt 0 ]; then
		case $1 in
		'' | *[!0-9]*) _rc2s6_rv=1 ;;
		*)
			_rc2s6_rv=$1
			shift
			;;
		esac
	fi
	if [ "$_rc2s6_rv" -ne 0 ] && [ -n "$*" ]; then
		_rc2s6_say - "$@" >&2
		printf ' [ !! ]\n' >&2
	elif [ "$_rc2s6_rv" -ne 0 ]; then
		printf ' [ !! ]\n'
	else
		printf ' [ ok ]\n'
	fi
	return "$_rc2s6_rv"
}
eend() {
	if _rc2s6_quiet; then _rc2s6_status "$@"; else _rc2s6_eend error "$@"; fi
}
ewend() {
	if _rc2s6_quiet; then _rc2s6_status "$@"; else _rc2s6_eend warn "$@"; fi
}
_rc2s6_status() {
	case ${1-0} in
	'' | *[!0-9]*) return 1 ;;
	*) return "${1-0}" ;;
	esac
}

# The verbose forms print only when EINFO_VERBOSE says yes (libeinfo.c, einfov and friends).
veinfo() { _rc2s6_verbose && einfo "$@"; return 0; }
veinfon() { _rc2s6_verbose && einfon "$@"; return 0; }
vewarn() { _rc2s6_verbose && ewarn "$@"; return 0; }
vewarnn() { _rc2s6_verbose && ewarnn "$@"; return 0; }
vebegin() { _rc2s6_verbose && ebegin "$@"; return 0; }
veend() { if _rc2s6_verbose; then eend "$@"; else _rc2s6_status "$@"; fi; }
vewend() { if _rc2s6_verbose; then ewend "$@"; else _rc2s6_status "$@"; fi; }

# libeinfo.c, eindent()/eoutdent(): two columns more or less, between 0 and 40.
eindent() {
	EINFO_INDENT=$((${EINFO_INDENT:-0} + 2))
	[ "$EINFO_INDENT" -gt 40 ] && EINFO_INDENT=40
	export EINFO_INDENT
	return 0
}
eoutdent() {
	EINFO_INDENT=$((${EINFO_INDENT:-0} - 2))
	[ "$EINFO_INDENT" -lt 0 ] && EINFO_INDENT=0
	export EINFO_INDENT
	return 0
}
veindent() { _rc2s6_verbose && eindent; return 0; }
veoutdent() { _rc2s6_verbose && eoutdent; return 0; }

# esyslog PRIORITY TAG MESSAGE (einfo.c): to syslog through logger(1).
esyslog() {
	[ $# -ge 3 ] || { eerror "esyslog: not enough arguments"; return 1; }
	_rc2s6_p=$1 _rc2s6_t=$2
	shift 2
	logger -p "$_rc2s6_p" -t "$_rc2s6_t" -- "$*"
	return 0
}

# ewaitfile TIMEOUT FILE... (einfo.c): waits for each file to exist, at most TIMEOUT seconds in
# all (0 or less: forever), polling every 20 ms (here: every 0.1 s where sleep takes fractions).
ewaitfile() {
	case ${1-} in
	'' | *[!0-9-]*)
		eerror "ewaitfile: invalid timeout"
		return 1
		;;
	esac
	_rc2s6_left=$(($1 * 10))
	shift
	[ $# -gt 0 ] || { eerror "ewaitfile: not enough arguments"; return 1; }
	for _rc2s6_f; do
		vebegin "Waiting for $_rc2s6_f"
		while [ ! -e "$_rc2s6_f" ] && [ ! -L "$_rc2s6_f" ]; do
			sleep 0.1 2>/dev/null || sleep 1
			if [ "$_rc2s6_left" -gt 0 ]; then
				_rc2s6_left=$((_rc2s6_left - 1))
				if [ "$_rc2s6_left" -eq 0 ]; then
					veend 1 "timed out waiting for $_rc2s6_f"
					return 1
				fi
			fi
		done
		veend 0
	done
	return 0
}

# sh/functions.sh.in, yesno(): the value itself, or else the variable it names.
yesno() {
	[ -z "${1:-}" ] && return 1
	case "$1" in
	[Yy][Ee][Ss] | [Tt][Rr][Uu][Ee] | [Oo][Nn] | 1) return 0 ;;
	[Nn][Oo] | [Ff][Aa][Ll][Ss][Ee] | [Oo][Ff][Ff] | 0) return 1 ;;
	esac
	case "$1" in
	*[!A-Za-z0-9_]* | [0-9]*)
		vewarn "\$$1 is not set properly"
		return 2
		;;
	esac
	eval "_rc2s6_v=\${$1:-}"
	case "$_rc2s6_v" in
	[Yy][Ee][Ss] | [Tt][Rr][Uu][Ee] | [Oo][Nn] | 1) return 0 ;;
	[Nn][Oo] | [Ff][Aa][Ll][Ss][Ee] | [Oo][Ff][Ff] | 0) return 1 ;;
	*)
		vewarn "\$$1 is not set properly"
		return 2
		;;
	esac
}

# src/shell_var/shell_var.c: every character that is not a letter, digit or `_` becomes `_`;
# the arguments are printed separated by spaces.
shell_var() {
	_rc2s6_out=
	for _rc2s6_w; do
		_rc2s6_out="$_rc2s6_out${_rc2s6_out:+ }$(printf '%s' "$_rc2s6_w" | tr -c 'A-Za-z0-9_' '_')"
	done
	printf '%s\n' "$_rc2s6_out"
}

# sh/rc-functions.sh, get_bootparam() and get_bootparam_value().
get_bootparam() {
	_rc2s6_m=${1:-}
	[ -z "$_rc2s6_m" ] || [ ! -r /proc/cmdline ] && return 1
	for _rc2s6_w in $(cat /proc/cmdline); do
		[ "$_rc2s6_w" = "$_rc2s6_m" ] && return 0
		case "$_rc2s6_w" in
		gentoo=*)
			_rc2s6_ifs=$IFS
			IFS=,
			for _rc2s6_x in ${_rc2s6_w##*=}; do
				if [ "$_rc2s6_x" = "$_rc2s6_m" ]; then
					IFS=$_rc2s6_ifs
					return 0
				fi
			done
			IFS=$_rc2s6_ifs
			;;
		esac
	done
	return 1
}
get_bootparam_value() {
	_rc2s6_m=${1:-} _rc2s6_which=${2:-} _rc2s6_sep=${3:-} _rc2s6_res=
	if [ -n "$_rc2s6_m" ] && [ -r /proc/cmdline ]; then
		for _rc2s6_w in $(cat /proc/cmdline); do
			case "$_rc2s6_w" in
			"$_rc2s6_m"=*)
				_rc2s6_v=${_rc2s6_w##*=}
				case "$_rc2s6_which" in
				all)
					[ -z "$_rc2s6_sep" ] && _rc2s6_sep=' '
					_rc2s6_res="$_rc2s6_res${_rc2s6_res:+$_rc2s6_sep}$_rc2s6_v"
					;;
				last) _rc2s6_res=$_rc2s6_v ;;
				*)
					_rc2s6_res=$_rc2s6_v
					break
					;;
				esac
				;;
			esac
		done
	fi
	echo $_rc2s6_res
}

# src/value/value.c and librc.c (rc_service_value_set/get): one file per key under
# $RC_SVCDIR/options/$RC_SVCNAME, written without a newline.
service_set_value() {
	[ -n "${1:-}" ] || { eerror "service_set_value: no option specified"; return 1; }
	mkdir -p "$RC_SVCDIR/options/$RC_SVCNAME" 2>/dev/null || return 1
	if [ $# -lt 2 ]; then
		rm -f "$RC_SVCDIR/options/$RC_SVCNAME/$1"
	else
		printf '%s' "$2" > "$RC_SVCDIR/options/$RC_SVCNAME/$1"
	fi
}
service_get_value() {
	[ -n "${1:-}" ] || { eerror "service_get_value: no option specified"; return 1; }
	[ -f "$RC_SVCDIR/options/$RC_SVCNAME/$1" ] || return 1
	cat "$RC_SVCDIR/options/$RC_SVCNAME/$1"
}
save_options() { service_set_value "$@"; }
get_options() { service_get_value "$@"; }

# src/checkpath/checkpath.c: checkpath [-d|-D|-f|-F|-p] [-m MODE] [-o OWNER[:GROUP]] [-W] PATH...
# Creates what is missing (directories 0775 and fifos 0600 whatever the umask, files 0664 less
# the umask, or MODE), never follows a symbolic link as the last component, then corrects the
# mode and owner; -F truncates a file; -W only checks that PATH is writable.
checkpath() {
	_rc2s6_type= _rc2s6_trunc= _rc2s6_mode= _rc2s6_owner= _rc2s6_w=
	while [ $# -gt 0 ]; do
		case $1 in
		-d | --directory | -D | --directory-truncate) _rc2s6_type=dir ;;
		-f | --file) _rc2s6_type=file ;;
		-F | --file-truncate) _rc2s6_type=file _rc2s6_trunc=1 ;;
		-p | --pipe) _rc2s6_type=fifo ;;
		-m | --mode)
			_rc2s6_mode=${2-}
			shift
			;;
		--mode=*) _rc2s6_mode=${1#--mode=} ;;
		-m*) _rc2s6_mode=${1#-m} ;;
		-o | --owner)
			_rc2s6_owner=${2-}
			shift
			;;
		--owner=*) _rc2s6_owner=${1#--owner=} ;;
		-o*) _rc2s6_owner=${1#-o} ;;
		-W | --writable) _rc2s6_w=1 ;;
		-s | --symlinks | -q | --quiet | -v | --verbose | -C | --nocolor | -U | --user) ;;
		--)
			shift
			break
			;;
		-[dDfFpWsqvCU]*)
			_rc2s6_rest=${1#-?}
			_rc2s6_first=${1%"$_rc2s6_rest"}
			shift
			set -- "$_rc2s6_first" "-$_rc2s6_rest" "$@"
			continue
			;;
		-*)
			eerror "checkpath: unrecognized option '$1'"
			return 1
			;;
		*) break ;;
		esac
		shift
	done
	[ $# -gt 0 ] || { eerror "checkpath: no path given"; return 1; }
	if [ -n "$_rc2s6_mode" ]; then
		case $_rc2s6_mode in
		*[!0-7]*)
			eerror "checkpath: invalid mode '$_rc2s6_mode'"
			return 1
			;;
		esac
		_rc2s6_mode=$(printf '%o' "$((0$_rc2s6_mode))")
	fi
	_rc2s6_uid= _rc2s6_gid=
	if [ -n "$_rc2s6_owner" ]; then
		_rc2s6_ids=$(_rc2s6_owner_ids "$_rc2s6_owner") || {
			eerror "checkpath: owner '$_rc2s6_owner' not found"
			return 1
		}
		_rc2s6_uid=${_rc2s6_ids%:*} _rc2s6_gid=${_rc2s6_ids#*:}
	fi
	_rc2s6_ret=0
	for _rc2s6_p; do
		_rc2s6_checkpath_one "$_rc2s6_p" || _rc2s6_ret=1
	done
	return $_rc2s6_ret
}

# OWNER[:GROUP] as checkpath.c's parse_owner reads it, printed as UID:GID: a user alone brings
# its primary group, a group alone keeps root's uid; numbers must name an existing entry.
_rc2s6_owner_ids() {
	_rc2s6_u=${1%%:*} _rc2s6_g=
	case $1 in *:*) _rc2s6_g=${1#*:} ;; esac
	_rc2s6_ou=$(id -u) _rc2s6_og=$(id -g)
	if [ -n "$_rc2s6_u" ]; then
		_rc2s6_ou=$(_rc2s6_lookup passwd "$_rc2s6_u" 3) || return 1
		_rc2s6_og=$(_rc2s6_lookup passwd "$_rc2s6_u" 4) || return 1
	fi
	if [ -n "$_rc2s6_g" ]; then
		_rc2s6_og=$(_rc2s6_lookup group "$_rc2s6_g" 3) || return 1
	fi
	printf '%s:%s\n' "$_rc2s6_ou" "$_rc2s6_og"
}

# Field FIELD of the passwd or group entry named (or numbered) KEY: getent where it exists, else
# the file in /etc.
_rc2s6_lookup() {
	case $2 in
	*[!0-9]*) _rc2s6_col=1 ;;
	*) _rc2s6_col=3 ;;
	esac
	if command -v getent >/dev/null 2>&1; then
		_rc2s6_e=$(getent "$1" "$2") || return 1
	else
		_rc2s6_e=$(awk -F: -v k="$2" -v c="$_rc2s6_col" '$c == k { print; exit }' "/etc/$1")
	fi
	[ -n "$_rc2s6_e" ] || return 1
	printf '%s\n' "$_rc2s6_e" | awk -F: -v f="$3" '{ print $f; exit }'
}

_rc2s6_checkpath_one() {
	_rc2s6_p=$1
	case $_rc2s6_p in
	/*) ;;
	*)
		eerror "checkpath: empty or relative path"
		return 1
		;;
	esac
	if [ -n "$_rc2s6_w" ]; then
		[ -w "$_rc2s6_p" ] && return 0
		{ [ -e "$_rc2s6_p" ] || [ -L "$_rc2s6_p" ] || [ -z "$_rc2s6_type" ]; } && return 1
	fi
	if [ -L "$_rc2s6_p" ]; then
		eerror "checkpath: open: $_rc2s6_p is a symbolic link"
		return 1
	fi
	if [ ! -e "$_rc2s6_p" ]; then
		case $_rc2s6_type in
		dir)
			einfo "$_rc2s6_p: creating directory"
			(umask 0 && mkdir -m "${_rc2s6_mode:-775}" -- "$_rc2s6_p") || return 1
			;;
		file)
			einfo "$_rc2s6_p: creating file"
			if [ -n "$_rc2s6_mode" ]; then
				(umask 077 && : >> "$_rc2s6_p") || return 1
			else
				(umask "$(printf '%o' "$(($(umask) | 2))")" && : >> "$_rc2s6_p") || return 1
			fi
			;;
		fifo)
			einfo "$_rc2s6_p: creating fifo"
			mkfifo -m "${_rc2s6_mode:-600}" -- "$_rc2s6_p" || return 1
			;;
		*)
			eerror "checkpath: open: $_rc2s6_p: No such file or directory"
			return 1
			;;
		esac
	elif [ -n "$_rc2s6_trunc" ] && [ "$_rc2s6_type" = file ] && [ -f "$_rc2s6_p" ]; then
		: > "$_rc2s6_p" || return 1
	fi
	if [ "$_rc2s6_type" != dir ] && [ -d "$_rc2s6_p" ]; then
		eerror "$_rc2s6_p: is a directory"
		return 1
	fi
	if [ "$_rc2s6_type" != file ] && [ -f "$_rc2s6_p" ]; then
		eerror "$_rc2s6_p: is a file"
		return 1
	fi
	if [ "$_rc2s6_type" != fifo ] && [ -p "$_rc2s6_p" ]; then
		eerror "$_rc2s6_p: is a fifo"
		return 1
	fi
	_rc2s6_links=$(stat -c %h -- "$_rc2s6_p") || return 1
	if [ -n "$_rc2s6_mode" ] && [ "$(stat -c %a -- "$_rc2s6_p")" != "$_rc2s6_mode" ]; then
		if [ "$_rc2s6_type" != dir ] && [ "$_rc2s6_links" -gt 1 ]; then
			eerror "checkpath: chmod: Too many hard links to $_rc2s6_p"
			return 1
		fi
		einfo "$_rc2s6_p: correcting mode"
		chmod "$_rc2s6_mode" -- "$_rc2s6_p" || return 1
	fi
	if [ -n "$_rc2s6_uid" ] && [ "$(stat -c %u:%g -- "$_rc2s6_p")" != "$_rc2s6_uid:$_rc2s6_gid" ]; then
		if [ "$_rc2s6_type" != dir ] && [ "$_rc2s6_links" -gt 1 ]; then
			eerror "checkpath: chown: Too many hardlinks to $_rc2s6_p"
			return 1
		fi
		einfo "$_rc2s6_p: correcting owner"
		chown "$_rc2s6_uid:$_rc2s6_gid" -- "$_rc2s6_p" || return 1
	fi
	return 0
}

# sh/openrc-run.sh.in: the dependency functions print for gendepends; nothing reads them here.
config() { :; }
need() { :; }
use() { :; }
want() { :; }
before() { :; }
after() { :; }
provide() { :; }
keyword() { :; }

# OpenRC programs that keep or read its service states and mounts have nothing to stand for
# them once s6-rc runs the services: rc2s6 refuses scripts that call them
# (rc2s6::s6rc::openrc_command), and these say so should one be reached anyway.
_rc2s6_absent() {
	eerror "$RC_SVCNAME: $1 is part of OpenRC, which does not run this service (rc2s6's s6-rc backend)"
	return 1
}

# openrc-run.sh.in, sourcex(): a file whose last command fails stops everything. The file's
# text is evaluated inside this function, as openrc-run sources it inside sourcex: `return`
# leaves the file, `local` is local to it, and $1 is the file's path.
_rc2s6_source() {
	_rc2s6_text=$1
	shift
	if ! eval "$_rc2s6_text"; then
		eerror "$RC_SVCNAME: error loading $1"
		exit 1
	fi
}

# openrc-run.sh.in, apply_ulimits(): rc_ulimit's pairs of `ulimit` arguments.
_rc2s6_ulimits() {
	if [ $(($# % 2)) -eq 1 ]; then
		eerror "${RC_SVCNAME}: Invalid RC_ULIMIT setting"
		return 1
	fi
	while [ $# -gt 0 ]; do
		if ! ulimit "${1}" "${2}"; then
			eerror "${RC_SVCNAME}: unable to apply RC_ULIMIT settings"
		fi
		shift 2
	done
}

# openrc-run.sh.in after loading the script: rc_verbose, rc_ulimit, then (with `check`)
# required_dirs and required_files.
_rc2s6_loaded() {
	if yesno "${rc_verbose:-${RC_VERBOSE:-}}"; then
		EINFO_VERBOSE=yes
		export EINFO_VERBOSE
	fi
	[ -n "${rc_ulimit:-${RC_ULIMIT:-}}" ] && _rc2s6_ulimits ${rc_ulimit:-$RC_ULIMIT}
	[ "${1:-}" = check ] || return 0
	eval "printf '%s\n' ${required_dirs:-}" | while read _rc2s6_d; do
		if [ -n "$_rc2s6_d" ] && [ ! -d "$_rc2s6_d" ]; then
			eerror "$RC_SVCNAME: \`$_rc2s6_d' is not a directory"
			exit 1
		fi
	done
	[ $? -ne 0 ] && exit 1
	eval "printf '%s\n' ${required_files:-}" | while read _rc2s6_f; do
		if [ -n "$_rc2s6_f" ] && [ ! -r "$_rc2s6_f" ]; then
			eerror "$RC_SVCNAME: \`$_rc2s6_f' is not readable"
			exit 1
		fi
	done
	[ $? -ne 0 ] && exit 1
	return 0
}

# openrc-run.sh.in's dispatch: a hook runs if it is defined, and a failure ends the script with
# its status.
_rc2s6_hook() {
	[ "$(command -v "$1")" = "$1" ] || return 0
	"$1" || exit $?
}
