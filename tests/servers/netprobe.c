/* netprobe — two small network helpers for the tests, loopback only.
 *
 *   netprobe drop ADDR PORT    listen on ADDR:PORT with a backlog of 0 and
 *                              fill the accept queue, so that every further
 *                              SYN goes unanswered (a DROPPED endpoint, for
 *                              real: the kernel discards the SYNs); prints
 *                              "ready" and waits to be killed
 *   netprobe wait ADDR PORT [SECONDS]
 *                              wait until something accepts connections on
 *                              ADDR:PORT (default 10 s); exit 0, or 1
 *
 * ADDR must be a loopback address (127.0.0.0/8 or ::1): the tests never
 * send traffic anywhere else. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int addr_of(const char *host, const char *port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	long p = strtol(port, NULL, 10);

	memset(ss, 0, sizeof *ss);
	if (p <= 0 || p > 65535)
		return -1;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127)
			return -1;
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)p);
		*len = sizeof *v4;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1 && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)p);
		*len = sizeof *v6;
		return 0;
	}
	return -1;
}

/* Start a non-blocking connect; returns 1 connected within ms, 0 not,
 * -1 on error.  The socket is kept open either way (*fd). */
static int try_connect(const struct sockaddr_storage *ss, socklen_t len, int ms, int *fd)
{
	struct pollfd p;
	int err = 0;
	socklen_t elen = sizeof err;

	*fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (*fd < 0)
		return -1;
	if (connect(*fd, (const struct sockaddr *)ss, len) == 0)
		return 1;
	if (errno != EINPROGRESS)
		return -1;
	p.fd = *fd;
	p.events = POLLOUT;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	if (getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err)
		return -1;
	return 1;
}

static int drop(const struct sockaddr_storage *ss, socklen_t len)
{
	int l = socket(ss->ss_family, SOCK_STREAM, 0), one = 1, fd;
	int fillers = 0;

	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(l, (const struct sockaddr *)ss, len) < 0 || listen(l, 0) < 0) {
		perror("netprobe: listen");
		return 1;
	}
	/* connect to ourselves, never accepting, until a connect stays
	 * unanswered: the accept queue is full from then on */
	for (;;) {
		int r = try_connect(ss, len, 300, &fd);
		if (r < 0) {
			perror("netprobe: connect");
			return 1;
		}
		if (r == 0)
			break;
		if (++fillers > 64) {
			fprintf(stderr, "netprobe: the accept queue does not fill\n");
			return 1;
		}
	}
	close(fd); /* the probe's pending SYN, not needed */
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int wait_port(const struct sockaddr_storage *ss, socklen_t len, double seconds)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int fd = -1, r = try_connect(ss, len, 200, &fd);
		if (fd >= 0)
			close(fd);
		if (r == 1)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 > seconds)
			return 1;
		usleep(20000);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 4 || addr_of(argv[2], argv[3], &ss, &len) < 0) {
		fprintf(stderr, "usage: netprobe drop|wait LOOPBACK-ADDR PORT [SECONDS]\n");
		return 2;
	}
	if (!strcmp(argv[1], "drop"))
		return drop(&ss, len);
	if (!strcmp(argv[1], "wait"))
		return wait_port(&ss, len, argc > 4 ? atof(argv[4]) : 10.0);
	fprintf(stderr, "netprobe: unknown command '%s'\n", argv[1]);
	return 2;
}
