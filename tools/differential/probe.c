/* rc2s6 differential probe: stands in for a daemon's program and records what it was given.
 *
 * Bind-mounted over the daemon's program path, in a private namespace, by run-one.sh. At exec
 * time it writes one record into /run/rc2s6-probe (below: $DIR; never part of what is compared):
 * argv, environment, ids, groups, cwd, root, umask, every open fd (where it points, its open
 * flags; run-one.sh adds which processes hold a pipe or socket), rlimits, nice, ionice,
 * scheduler, oom_score_adj, capabilities, no_new_privs, securebits, signal mask and ignored
 * signals, session and process group, the parent process. Then, as a daemon, it waits for
 * signals and logs each one (number, time, sender) until one whose default action ends a
 * process arrives.
 *
 * Which invocation is the daemon: one started by start-stop-daemon or supervise-daemon (wrap.c,
 * over them on the OpenRC side, sets RC2S6_PROBE_VIA=ssd:PID:BG or sd:PID:0 in the environment,
 * which is left out of the record), or whose parent is s6-supervise. Any other invocation (a config check such as
 * `nginx -t` in start_pre, `--version`) is recorded as "other" and exits 0 at once, so it never
 * hangs the start.
 *
 * A start-stop-daemon call with neither --start, --pidfile nor --background (BG = 1S) runs a
 * command to completion (start_pre's `start-stop-daemon --exec lotide -- migrate`): "other".
 * A daemon started by a start-stop-daemon call without --background (BG = 0) is one the script
 * expects to fork: the probe forks, the parent exits 0 so start-stop-daemon returns, and the
 * child stays (setsid, as daemons do). Its record is of the process exec gave, before the fork.
 *
 * $DIR/config (optional): `stubborn=SECONDS`: ignore catchable signals (still logging them) for
 * that long after the first one, to watch a whole stop schedule (a KILL shows as death with no
 * `exit` line); `direct=1`: start() runs the program itself, so an invocation from the script's
 * shell is the daemon (expected to fork; the newest such record is taken). $DIR/side names the side ("openrc", "s6"), used in the file names.
 *
 * Files: $DIR/rec/SIDE.PID.rec (the record, renamed into place when complete), SIDE.PID.sig (the
 * signal log: `sig N MS SENDERPID SENDERCOMM`, `running PID`, `exit`).
 * Everything is written with %XX escapes for bytes outside 0x21-0x7e and for `%` and `\`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define PROBE_DIR "/run/rc2s6-probe"
#define VIA "RC2S6_PROBE_VIA="

extern char **environ;
static FILE *rec;
static int sigfd = -1;
static long stubborn;
static long long first_signal = -1;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One value, escaped so that it is one word with no blank or control byte. */
static void put(const char *key, const char *v, size_t n)
{
	fprintf(rec, "%s ", key);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c < 0x21 || c > 0x7e || c == '%' || c == '\\')
			fprintf(rec, "%%%02X", c);
		else
			fputc(c, rec);
	}
	fputc('\n', rec);
}

static void puts_kv(const char *key, const char *v) { put(key, v, strlen(v)); }

static void putf(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	puts_kv(key, buf);
}

/* A whole small file (/proc), NUL-terminated; length in *n. */
static char *slurp(const char *path, size_t *n)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	if (fd < 0)
		return NULL;
	for (ssize_t r; len < sizeof buf - 1 && (r = read(fd, buf + len, sizeof buf - 1 - len)) != 0;) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = 0;
	if (n)
		*n = len;
	return buf;
}

static void link_of(const char *path, char *out, size_t size)
{
	ssize_t r = readlink(path, out, size - 1);
	out[r < 0 ? 0 : r] = 0;
}

static void comm_of(pid_t pid, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	char *c = slurp(path, NULL);
	snprintf(out, size, "%s", c ? c : "?");
	out[strcspn(out, "\n")] = 0;
}

static void record_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	int skip = dirfd(d);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == skip || atoi(e->d_name) == fileno(rec))
			continue;
		char path[300], target[PATH_MAX], info[300];
		snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
		link_of(path, target, sizeof target);
		snprintf(path, sizeof path, "/proc/self/fdinfo/%s", e->d_name);
		char *fi = slurp(path, NULL);
		char *flags = fi ? strstr(fi, "flags:") : NULL;
		unsigned long fl = flags ? strtoul(flags + 6, NULL, 8) : 0;
		/* fd, target, flags (octal, as fdinfo shows them) */
		snprintf(info, sizeof info, "%s", e->d_name);
		char line[PATH_MAX + 700];
		snprintf(line, sizeof line, "%s\t%s\t%lo", info, target, fl);
		puts_kv("fd", line);
	}
	closedir(d);
}

static char **argv_saved;

static const char *rlimit_names[] = {"cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
	"memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio", "rttime"};

static void record(const char *mode, const char *via)
{
	char buf[PATH_MAX];
	for (char **a = argv_saved; *a; a++)
		puts_kv("argv", *a);
	for (char **e = environ; *e; e++)
		if (strncmp(*e, VIA, strlen(VIA)) != 0)
			puts_kv("env", *e);
	puts_kv("mode", mode);
	puts_kv("via", via ? via : "-");
	putf("pid", "%d", (int)getpid());
	struct timespec bt;
	clock_gettime(CLOCK_BOOTTIME, &bt); /* the clock of /proc/uptime, which run-one.sh reads */
	putf("boottime_ms", "%lld", (long long)bt.tv_sec * 1000 + bt.tv_nsec / 1000000);
	putf("ppid", "%d", (int)getppid());
	comm_of(getppid(), buf, sizeof buf);
	puts_kv("parent", buf);
	putf("session_leader", "%d", getsid(0) == getpid());
	putf("pgrp_leader", "%d", getpgrp() == getpid());
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	putf("uid", "%u/%u/%u", r, e, s);
	putf("gid", "%u/%u/%u", gr, ge, gs);
	gid_t groups[NGROUPS_MAX];
	int ng = getgroups(NGROUPS_MAX, groups);
	char gl[4096] = "";
	for (int i = 0; i < ng; i++)
		snprintf(gl + strlen(gl), sizeof gl - strlen(gl), "%s%u", i ? "," : "", groups[i]);
	puts_kv("groups", ng > 0 ? gl : "-");
	link_of("/proc/self/cwd", buf, sizeof buf);
	puts_kv("cwd", buf);
	link_of("/proc/self/root", buf, sizeof buf);
	puts_kv("root", buf);
	mode_t m = umask(0);
	umask(m);
	putf("umask", "%04o", m);
	for (int i = 0; i < RLIM_NLIMITS && i < 16; i++) {
		struct rlimit rl;
		if (getrlimit(i, &rl) != 0)
			continue;
		char v[128];
		snprintf(v, sizeof v, "%s=", rlimit_names[i]);
		if (rl.rlim_cur == RLIM_INFINITY)
			strcat(v, "unlimited");
		else
			snprintf(v + strlen(v), sizeof v - strlen(v), "%llu", (unsigned long long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			strcat(v, "/unlimited");
		else
			snprintf(v + strlen(v), sizeof v - strlen(v), "/%llu", (unsigned long long)rl.rlim_max);
		puts_kv("rlimit", v);
	}
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	putf("nice", "%d", errno ? 999 : nice);
	long io = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
	putf("ioprio", "class=%ld data=%ld", io < 0 ? -1 : io >> 13, io < 0 ? -1 : io & 0x1fff);
	struct sched_param sp;
	sched_getparam(0, &sp);
	putf("sched", "policy=%d priority=%d", sched_getscheduler(0), sp.sched_priority);
	char *oom = slurp("/proc/self/oom_score_adj", NULL);
	puts_kv("oom_score_adj", oom ? strtok(oom, "\n") : "?");
	putf("no_new_privs", "%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	putf("securebits", "0x%x", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	char *st = slurp("/proc/self/status", NULL);
	for (char *line = st ? strtok(st, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		static const char *keep[] = {"CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
			"SigBlk:", "SigIgn:", "Seccomp:"};
		for (size_t k = 0; k < sizeof keep / sizeof *keep; k++)
			if (!strncmp(line, keep[k], strlen(keep[k]))) {
				char key[16];
				snprintf(key, sizeof key, "%.*s", (int)strlen(keep[k]) - 1, line);
				for (char *c = key; *c; c++)
					*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
				char *v = line + strlen(keep[k]);
				while (*v == '\t' || *v == ' ')
					v++;
				puts_kv(key, v);
			}
	}
	char *stat = slurp("/proc/self/stat", NULL);
	char *after = stat ? strrchr(stat, ')') : NULL;
	int tty = 0;
	if (after)
		sscanf(after + 2, "%*c %*d %*d %*d %d", &tty);
	putf("tty", "%d", tty);
	record_fds();
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	char line[160], comm[64] = "?";
	long long t = now_ms();
	if (si && si->si_pid > 0)
		comm_of(si->si_pid, comm, sizeof comm);
	int n = snprintf(line, sizeof line, "sig %d %lld %d %s\n", sig, t, si ? (int)si->si_pid : 0, comm);
	if (sigfd >= 0 && write(sigfd, line, (size_t)n) < 0) {
	}
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
		return; /* default action: ignore */
	}
	if (first_signal < 0)
		first_signal = t;
	if (stubborn > 0 && t - first_signal < stubborn * 1000)
		return;
	if (sigfd >= 0 && write(sigfd, "exit\n", 5) < 0) {
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	(void)argc;
	argv_saved = argv;
	char side[32] = "unknown", *s, path[PATH_MAX], tmp[PATH_MAX];
	if ((s = slurp(PROBE_DIR "/side", NULL)))
		snprintf(side, sizeof side, "%s", strtok(s, "\n") ? s : "unknown");
	int direct = 0;
	if ((s = slurp(PROBE_DIR "/config", NULL))) {
		direct = strstr(s, "direct=1") != NULL;
		if ((s = strstr(s, "stubborn=")))
			stubborn = atol(s + 9);
	}

	const char *via = getenv("RC2S6_PROBE_VIA");
	char parent[64];
	comm_of(getppid(), parent, sizeof parent);
	int daemon = via || !strcmp(parent, "s6-supervise") || !strncmp(parent, "supervise-daem", 14);
	/* ssd:PID:BG of the start-stop-daemon call: BG 0 = no --background, the daemon must fork. */
	int expect_fork = via && !strncmp(via, "ssd:", 4) && strrchr(via, ':') && !strcmp(strrchr(via, ':'), ":0");
	/* ssd:PID:1S: start-stop-daemon running a command to completion (no --start, --pidfile or
	 * --background: `start-stop-daemon --exec lotide --user lotide -- migrate` in start_pre) */
	if (via && strrchr(via, ':') && !strcmp(strrchr(via, ':'), ":1S"))
		daemon = 0;
	/* direct=1 (OpenRC side of a script whose start() runs the program itself, as rc2s6's
	 * manifest says): an invocation from the script's shell is the daemon, expected to fork */
	if (!daemon && !via && direct && strcmp(parent, "s6-supervise") != 0) {
		/* `cmd &`: a non-interactive shell starts an asynchronous list with SIGINT and SIGQUIT
		 * ignored (POSIX XCU 2.11): then it need not fork; otherwise the script waits for it */
		struct sigaction si, sq;
		sigaction(SIGINT, NULL, &si);
		sigaction(SIGQUIT, NULL, &sq);
		daemon = 1;
		expect_fork = !(si.sa_handler == SIG_IGN && sq.sa_handler == SIG_IGN);
	}
	const char *mode = !daemon ? "other" : expect_fork ? "daemon-forks" : "daemon";

	snprintf(path, sizeof path, PROBE_DIR "/rec/%s.%d.rec", side, (int)getpid());
	snprintf(tmp, sizeof tmp, PROBE_DIR "/rec/.%s.%d.tmp", side, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && (rec = fdopen(fd, "w"))) {
		record(mode, via);
		fclose(rec);
		rename(tmp, path);
	} else {
		dprintf(2, "rc2s6-probe: cannot write %s: %s\n", tmp, strerror(errno));
	}
	if (!daemon)
		return 0;

	snprintf(path, sizeof path, PROBE_DIR "/rec/%s.%d.sig", side, (int)getpid());
	sigfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	struct sigaction sa = {0};
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (expect_fork) {
		pid_t child = fork();
		if (child < 0)
			return 111;
		if (child > 0)
			_exit(0);
		setsid();
	}
	char line[64];
	int n = snprintf(line, sizeof line, "running %d\n", (int)getpid());
	if (sigfd >= 0 && write(sigfd, line, (size_t)n) < 0) {
	}
	for (;;)
		pause();
}
