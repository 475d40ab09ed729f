/* rc2s6 differential: bind-mounted over start-stop-daemon and supervise-daemon on the OpenRC
 * side only. It writes its argv (NUL-separated) to /run/rc2s6-probe/rec/NAME.PID.argv, where NAME
 * is start-stop-daemon or supervise-daemon, puts RC2S6_PROBE_VIA=ssd:PID:BG (or sd:PID:0) into
 * the environment so the probe knows it was started by this call (the probe removes it from
 * what it records), and execs the real program, kept at /run/rc2s6-probe/real/NAME, with the
 * same argv. Nothing else is changed: no fd is left open (the log is closed before the exec).
 *
 * BG is 1 when the call has --background/-b before `--`, read with the real program's own
 * option letters (/run/rc2s6-probe/ssd-flavor: `debian` for dpkg's start-stop-daemon, `openrc`
 * for OpenRC's): a call without it expects the daemon to fork by itself (0), unless it has
 * neither --start nor --pidfile: then it is a command run once, as start_pre does (1S).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_DIR "/run/rc2s6-probe"

/* Short options that take an argument: dpkg 1.21 start-stop-daemon(8); OpenRC 0.45
 * src/start-stop-daemon/start-stop-daemon.c getoptstring "I:KN:PR:Sa:bc:d:e:g:ik:mn:op:s:tu:r:w:x:1:2:3:4:". */
static const char *debian_args = "pxnugcsardNPIkOR";
static const char *openrc_args = "INRacdegknpsurwx1234";

/* What a start-stop-daemon call says before `--`: BG (--background/-b), START (--start/-S),
 * PIDFILE (--pidfile/-p). getopt_long takes any unambiguous prefix of a long option. */
enum { BG = 1, START = 2, PIDFILE = 4 };

static int long_is(const char *a, const char *opt)
{
	size_t n = strcspn(a, "=");
	return n >= 3 && n <= strlen(opt) && !strncmp(opt, a, n);
}

static int scan(char **argv, const char *with_arg)
{
	int flags = 0;
	for (int i = 1; argv[i]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		if (!strncmp(a, "--", 2)) {
			flags |= long_is(a, "--background") ? BG : 0;
			flags |= long_is(a, "--start") ? START : 0;
			flags |= long_is(a, "--pidfile") ? PIDFILE : 0;
			continue;
		}
		if (a[0] != '-' || !a[1])
			continue;
		for (const char *c = a + 1; *c; c++) {
			flags |= *c == 'b' ? BG : *c == 'S' ? START : *c == 'p' ? PIDFILE : 0;
			if (strchr(with_arg, *c)) {
				if (!c[1])
					i++; /* the argument is the next word */
				break;
			}
		}
		if (!argv[i])
			break;
	}
	return flags;
}

int main(int argc, char **argv)
{
	(void)argc;
	char *copy = strdup(argv[0]);
	const char *name = strstr(basename(copy), "supervise-daemon") ? "supervise-daemon" : "start-stop-daemon";
	char path[256], via[128], flavor[32] = "debian";
	snprintf(path, sizeof path, PROBE_DIR "/rec/%s.%d.argv", name, (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		for (int i = 0; argv[i]; i++)
			if (write(fd, argv[i], strlen(argv[i]) + 1) < 0)
				break;
		close(fd);
	}
	fd = open(PROBE_DIR "/ssd-flavor", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, flavor, sizeof flavor - 1);
		flavor[n > 0 ? n : 0] = 0;
		flavor[strcspn(flavor, "\n")] = 0;
		close(fd);
	}
	if (!strcmp(name, "supervise-daemon"))
		snprintf(via, sizeof via, "sd:%d:0", (int)getpid());
	else {
		int f = scan(argv, strcmp(flavor, "openrc") ? debian_args : openrc_args);
		/* no --background: the daemon is expected to fork (BG 0); with neither --start nor
		 * --pidfile either, a command run to completion in start_pre (`lotide migrate`): 1S */
		snprintf(via, sizeof via, "ssd:%d:%s", (int)getpid(),
			f & BG ? "1" : f & (START | PIDFILE) ? "0" : "1S");
	}
	setenv("RC2S6_PROBE_VIA", via, 1);
	snprintf(path, sizeof path, PROBE_DIR "/real/%s", name);
	execv(path, argv);
	dprintf(2, "rc2s6 wrap: cannot exec %s\n", path);
	return 111;
}
