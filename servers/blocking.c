// SPDX-License-Identifier: GPL-2.0
/*
 * blocking: blocking IO, one thread per connection (or a fixed pool).
 *
 * The model: the classic concurrent server. The main thread blocks in
 * accept() and starts a thread for each client; that thread blocks in read()
 * and write() for its client only (UNP vol. 1, Figure 26.3). With --pool N,
 * N threads are started up front and each one blocks in accept() itself,
 * then serves that client to the end before accepting again (UNP vol. 1,
 * §30.7 "prethreaded server, each thread calls accept").
 *
 * Claims it demonstrates:
 *   M2      every thread blocks in read() through both phases.
 *   M6      with few connections it is as fast as, or faster than, the
 *           multiplexers: one syscall per request, the kernel schedules.
 *   M7      at hundreds or thousands of connections it costs a thread, a
 *           stack and context switches per client; --pool caps the threads,
 *           but then client N+1 waits until one of the N leaves.
 *   M10     the contrast: with --slow-ms a SLOW request sleeps in its own
 *           connection's thread only; every other client is answered
 *           meanwhile.
 *
 * Quirks:
 *   - Threads get a 256 KiB stack instead of 8 MiB, so that 10,000 of them
 *     fit; if pthread_create() fails the connection is logged and closed.
 *   - Worker threads start with SIGINT/SIGTERM blocked, so the handler runs
 *     in the main thread. It shuts down the listening socket; main then
 *     shuts down every connection (conns_shutdown_all), each blocked read()
 *     returns 0, and each thread closes its fd and leaves.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "server.h"

#define STACK_SIZE	(256 * 1024)

static long pool;		/* 0: a thread per connection */
static atomic_int live;		/* threads serving a connection */

enum { OPT_POOL = 0x200 };

static const struct argp_option options[] = {
	{ "pool", OPT_POOL, "N", 0, "A fixed pool of N threads, each calling accept()", 0 },
	{ 0 }
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key == OPT_POOL)
		return cli_long("pool size", arg, 1, 10000, &pool);
	return ARGP_ERR_UNKNOWN;
}

static const char doc[] =
	"blocking: blocking IO with a thread per connection, or a pool of threads.\v"
	"EXAMPLES:\n"
	"  blocking -p 0                  # a new thread for every client\n"
	"  blocking -p 0 --pool 8         # 8 threads, each blocking in accept()\n"
	"  blocking -p 0 --slow-ms 200    # a SLOW line stalls its own thread only\n"
	"  blocking -p 8080 --proto http  # then: wrk http://127.0.0.1:8080/\n";

static const struct argp argp = { options, parse_opt, NULL, doc, common_argp_children, NULL, NULL };

/* Serve one client to the end: each read() and write() blocks this thread only. */
static void serve(struct conn *c)
{
	conn_serve_blocking(c);
	conn_close(c);
}

static void *connection_thread(void *arg)
{
	serve(arg);
	atomic_fetch_sub(&live, 1);
	return NULL;
}

static void *pool_thread(void *arg)
{
	(void)arg;
	while (!stop) {
		/* All pool threads block here; the kernel wakes one per client. */
		int fd = server_accept(0);
		struct conn *c;

		if (fd < 0)
			continue;
		c = conn_new(fd, sizeof(*c));
		if (c)
			serve(c);
	}
	atomic_fetch_sub(&live, 1);
	return NULL;
}

static bool start_thread(pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	pthread_t tid;
	int err;

	atomic_fetch_add(&live, 1);
	err = pthread_create(&tid, attr, fn, arg);
	if (err) {
		atomic_fetch_sub(&live, 1);
		errno = err;
		logmsg("failed to create a thread: %m");
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	sigset_t stopsigs;

	opt.model = "blocking";
	server_parse_args(&argp, argc, argv);
	if (pool)
		opt.model = "blocking-pool";
	server_setup(0);

	sigemptyset(&stopsigs);
	sigaddset(&stopsigs, SIGINT);
	sigaddset(&stopsigs, SIGTERM);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setsigmask_np(&attr, &stopsigs);

	for (long i = 0; i < pool; i++)
		if (!start_thread(&attr, pool_thread, NULL))
			return 1;
	server_ready();

	if (pool) {
		sigset_t old;

		/* The pool threads accept; main only waits for the stop signal. */
		pthread_sigmask(SIG_BLOCK, &stopsigs, &old);
		while (!stop)
			sigsuspend(&old);
	}
	while (!stop) {
		struct conn *c;
		int fd = server_accept(0);

		if (fd < 0)
			continue;
		c = conn_new(fd, sizeof(*c));
		if (c && !start_thread(&attr, connection_thread, c))
			conn_close(c);
	}

	/* Wake every thread blocked in read() or accept(), then wait for them. */
	while (atomic_load(&live) > 0) {
		conns_shutdown_all();
		usleep(1000);
	}
	pthread_attr_destroy(&attr);
	return server_exit();
}
