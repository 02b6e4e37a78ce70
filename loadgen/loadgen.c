// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen: an epoll-based load generator for the reference servers.
 *
 * It opens -c connections to 127.0.0.1:PORT; the first -a of them are active
 * and send requests, the others stay connected and idle (the "10,000 idle
 * clients" of the C10K discussions). Each active connection has at most one
 * request outstanding:
 *
 *   closed loop (default): a connection sends its next request as soon as
 *     the previous answer is in.
 *   --rate R: requests are due at fixed times, R per second in total, each
 *     taken by a free active connection. When none is free the request waits,
 *     and its latency counts from when it was due, not from when it could be
 *     sent (so a stalled server cannot hide its stalls: no "coordinated
 *     omission").
 *
 * Every reply is checked: echo replies must equal the upper-cased request
 * byte for byte; http replies must have status 200 and exactly
 * Content-Length body bytes. Latency is kept in a histogram with ~3%
 * resolution; min, max and the counts are exact.
 *
 * Bounds: -n or -d (default -d 5) ends the run; a request with no complete
 * reply after --timeout seconds (default 5) is an error and its connection
 * is closed; connecting has the same timeout. Only loopback addresses are
 * accepted. RLIMIT_NOFILE is raised to fit -c.
 *
 * Exit status: 0 if every request succeeded, 1 if any failed, the server
 * could not be reached or the results could not be written, 2 for bad
 * arguments.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loadgen.h"
#include "nofile.h"

volatile sig_atomic_t interrupted;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int main(int argc, char **argv)
{
	struct sigaction act = { .sa_handler = on_signal };
	long need;

	parse_args(argc, argv);
	report_open();

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	need = cfg.conns + 64;
	if (nofile_raise(need) < need)
		fail("failed to raise RLIMIT_NOFILE to %ld for -c %ld: %s", need, cfg.conns,
		     strerror(errno));
	build_requests();
	setup_conns();

	connect_all();
	run();
	report_write();
	close_all();
	return total_errors() ? 1 : 0;
}
