/*
 * udpsink - a DNS server that never answers, for timeout tests
 *
 * usage: udpsink [ADDR [LIFETIME_S]]
 *
 * Binds a UDP socket on ADDR (default 127.0.0.1) port 0, prints the port
 * on stdout, then reads and drops every datagram until killed or until
 * LIFETIME_S seconds (default 120) have passed, so a forgotten sink does
 * not outlive its test.  Prints "received N" on stderr when it ends.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	 stop;

/* on_term - leave the loop */
static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	struct sigaction	 sa;
	socklen_t		 len = sizeof(sin);
	time_t			 end;
	char			 buf[2048];
	long			 received = 0;
	int			 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, argc > 1 ? argv[1] : "127.0.0.1",
	    &sin.sin_addr) != 1) {
		fprintf(stderr, "udpsink: bad address\n");
		return 2;
	}
	end = time(NULL) + (argc > 2 ? atol(argv[2]) : 120);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		perror("udpsink");
		return 2;
	}
	printf("%u\n", (unsigned int)ntohs(sin.sin_port));
	fflush(stdout);
	while (!stop && time(NULL) < end) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 500) > 0 &&
		    recv(fd, buf, sizeof(buf), 0) >= 0)
			received++;
	}
	fprintf(stderr, "received %ld\n", received);
	return 0;
}
