/* rc2s6 differential: the namespace's /dev/log. supervise-daemon, and a start-stop-daemon child
 * that fails after the parent returned, report only to syslog (libeinfo's eerror logs there when
 * EINFO_LOG is set, as openrc-run sets it): this keeps those lines, one per datagram, in a file,
 * so a refusal can be told. Usage: syslogd SOCKET FILE (runs until killed). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		dprintf(2, "usage: syslogd SOCKET FILE\n");
		return 100;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", argv[1]);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unlink(argv[1]);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || chmod(argv[1], 0666) != 0) {
		perror("syslogd: /dev/log");
		return 111;
	}
	int out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out < 0) {
		perror("syslogd: output");
		return 111;
	}
	char buf[8192];
	for (;;) {
		ssize_t n = recv(s, buf, sizeof buf - 1, 0);
		if (n <= 0)
			continue;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == 0))
			n--;
		buf[n++] = '\n';
		if (write(out, buf, (size_t)n) < 0)
			return 111;
	}
}
