// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload: an exactly planned set of multiplexing calls.
 *
 *   mux_calls [--wait] SYSCALL|all
 *
 * SYSCALL is select (raw syscall), pselect6 (glibc select()), poll, ppoll,
 * epoll_wait, epoll_pwait or epoll_pwait2. Each scenario makes calls with a
 * known number of fds watched and ready, two error cases and one call
 * interrupted by a signal, then prints a JSON tally built from the return
 * values it really got, so a test can compare iotrace's figures with it.
 *
 * all: the seven scenarios one after another, in the order above, each on
 * pipes (and an epoll fd) of its own, since epoll's scenario drains and
 * closes its pipes; one tally line each, with a "scenario" key.
 *
 * --wait: set up (pipes, epoll registrations), print "ready PID" and block
 * in sigwaitinfo() until SIGUSR1; only the calls after that are tallied.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>
#include "oracle.h"

struct tally {
	long calls, timeouts, interrupted, watched, watched_calls, ready;
	long ebadf, einval, eexist, efault;
} t;

/* A scenario and its own fds: 3 pipes, rd[0] readable, and epoll's epoll fd. */
struct scenario {
	const char *name;
	int rd[3], wr[3], epfd;
};
static struct scenario scenarios[] = {
	{ .name = "select" }, { .name = "pselect6" }, { .name = "poll" }, { .name = "ppoll" },
	{ .name = "epoll_wait" }, { .name = "epoll_pwait" }, { .name = "epoll_pwait2" },
};
#define N_SCENARIOS (int)(sizeof(scenarios) / sizeof(scenarios[0]))

static struct scenario *sc;	/* the one running */
static int closed_fd;

static void on_alarm(int sig)
{
	(void)sig;
}

/* Arm a one-shot SIGALRM that interrupts the next blocking call (0: disarm). */
static void arm_interrupt_in(long usec)
{
	struct itimerval it = { .it_value = { .tv_usec = usec } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void arm_interrupt(void)
{
	arm_interrupt_in(50000);
}

/* Account one call from what it returned; watched < 0: not readable. */
static void record(long ret, long watched)
{
	int err = errno;

	t.calls++;
	if (watched >= 0) {
		t.watched += watched;
		t.watched_calls++;
	}
	if (ret == 0)
		t.timeouts++;
	else if (ret > 0)
		t.ready += ret;
	else if (err == EINTR)
		t.interrupted++;
	else if (err == EBADF)
		t.ebadf++;
	else if (err == EINVAL)
		t.einval++;
	else if (err == EEXIST)
		t.eexist++;
	else if (err == EFAULT)
		t.efault++;
	else
		fprintf(stderr, "mux_calls: %s: unexpected errno %d (%s)\n", sc->name, err,
			strerror(err));
}

static long do_select(int n, fd_set *in, fd_set *out, fd_set *ex, long usec)
{
	struct timeval tv = { 0, usec }, *tvp = usec < 0 ? NULL : &tv;

	if (!strcmp(sc->name, "select"))
		return syscall(SYS_select, n, in, out, ex, tvp);
	return select(n, in, out, ex, tvp);	/* glibc: the pselect6 syscall */
}

static void run_select(void)
{
	fd_set in, out, ex;
	int i, n = sc->wr[2] + 1;

	/* 4 calls, 3 fds watched, rd[0] ready */
	for (i = 0; i < 4; i++) {
		FD_ZERO(&in);
		FD_SET(sc->rd[0], &in); FD_SET(sc->rd[1], &in); FD_SET(sc->rd[2], &in);
		record(do_select(n, &in, NULL, NULL, 0), 3);
	}
	/* 2 timeouts: rd[1] in both the read and except sets is 1 fd; 2 watched */
	for (i = 0; i < 2; i++) {
		FD_ZERO(&in); FD_ZERO(&ex);
		FD_SET(sc->rd[1], &in); FD_SET(sc->rd[2], &in); FD_SET(sc->rd[1], &ex);
		record(do_select(n, &in, NULL, &ex, 1000), 2);
	}
	/* 1 call, write set: wr[1] ready; 2 watched */
	FD_ZERO(&in); FD_ZERO(&out);
	FD_SET(sc->rd[1], &in); FD_SET(sc->wr[1], &out);
	record(do_select(n, &in, &out, NULL, 0), 2);
	/* EBADF: a closed fd in the set; 2 watched */
	FD_ZERO(&in);
	FD_SET(sc->rd[1], &in); FD_SET(closed_fd, &in);
	record(do_select(closed_fd + 1, &in, NULL, NULL, 0), 2);
	/* EINVAL: negative nfds; nothing watched */
	record(do_select(-1, &in, NULL, NULL, 0), 0);
	/* interrupted: 1 watched, no timeout, SIGALRM */
	FD_ZERO(&in);
	FD_SET(sc->rd[1], &in);
	arm_interrupt();
	record(do_select(n, &in, NULL, NULL, -1), 1);
}

static long do_poll(struct pollfd *p, nfds_t n, int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	if (!strcmp(sc->name, "poll"))
		return poll(p, n, ms);
	return ppoll(p, n, ms < 0 ? NULL : &ts, NULL);
}

static void run_poll(void)
{
	struct pollfd p[5] = {
		{ .fd = sc->rd[0], .events = POLLIN }, { .fd = -1, .events = POLLIN },
		{ .fd = sc->rd[1], .events = POLLIN }, { .fd = -7, .events = POLLIN },
		{ .fd = sc->wr[2], .events = POLLOUT },
	}, big[65] = {};
	struct rlimit was, rl;
	int i;

	/* 3 calls: 3 of 5 entries have fd >= 0; rd[0] and wr[2] ready */
	for (i = 0; i < 3; i++)
		record(do_poll(p, 5, 0), 3);
	/* 2 timeouts: 1 watched */
	for (i = 0; i < 2; i++)
		record(do_poll(&p[1], 2, 1), 1);
	/* a closed fd is not an error: POLLNVAL, counted ready; 1 watched */
	p[0].fd = closed_fd;
	record(do_poll(p, 1, 0), 1);
	p[0].fd = sc->rd[0];
	/* EINVAL: 65 entries above RLIMIT_NOFILE 64; 2 have fd >= 0 */
	for (i = 0; i < 65; i++)
		big[i].fd = -1;
	big[10].fd = sc->rd[1];
	big[64].fd = sc->rd[2];
	getrlimit(RLIMIT_NOFILE, &was);
	rl = (struct rlimit){ 64, was.rlim_max };
	setrlimit(RLIMIT_NOFILE, &rl);
	record(do_poll(big, 65, 0), 2);
	setrlimit(RLIMIT_NOFILE, &was);	/* the scenarios after this one see the usual limit */
	/* EFAULT: an unreadable array; iotrace cannot read it either */
	record(do_poll((struct pollfd *)8, 2, 0), -1);
	/* interrupted: 1 watched */
	arm_interrupt();
	record(do_poll(&p[2], 1, -1), 1);
}

static long do_epoll(int fd, int max, int ms)
{
	struct epoll_event ev[8];
	struct timespec ts = { 0, ms * 1000000L };

	if (!strcmp(sc->name, "epoll_wait"))
		return epoll_wait(fd, ev, max, ms);
	if (!strcmp(sc->name, "epoll_pwait"))
		return epoll_pwait(fd, ev, max, ms, NULL);
	return syscall(SYS_epoll_pwait2, fd, ev, max, ms < 0 ? NULL : &ts, NULL, 8);
}

static bool is_epoll(const struct scenario *s)
{
	return !strncmp(s->name, "epoll", 5);
}

/* Before the trace point in --wait mode: 3 registrations. */
static void epoll_setup(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int i;

	sc->epfd = epoll_create1(0);
	for (i = 0; i < 3; i++) {
		ev.data.fd = sc->rd[i];
		epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->rd[i], &ev);
	}
}

static void run_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int i;

	/* ctl: ADD again -> EEXIST, MOD ok, DEL ok, bad op -> EINVAL; 2 left */
	epoll_ctl(sc->epfd, EPOLL_CTL_ADD, sc->rd[0], &ev);
	epoll_ctl(sc->epfd, EPOLL_CTL_MOD, sc->rd[1], &ev);
	epoll_ctl(sc->epfd, EPOLL_CTL_DEL, sc->rd[2], NULL);
	epoll_ctl(sc->epfd, 99, sc->rd[2], &ev);
	/* 3 calls: 2 registered, rd[0] ready */
	for (i = 0; i < 3; i++)
		record(do_epoll(sc->epfd, 8, 0), 2);
	/* 2 timeouts after draining rd[0]: 2 watched */
	if (read(sc->rd[0], &ev, 1) != 1)
		exit(1);
	for (i = 0; i < 2; i++)
		record(do_epoll(sc->epfd, 8, 1), 2);
	/* close() of a registered fd ends its registration: 1 watched */
	close(sc->rd[1]);
	record(do_epoll(sc->epfd, 8, 0), 1);
	/* EINVAL: maxevents 0; 1 watched */
	record(do_epoll(sc->epfd, 0, 0), 1);
	/* EBADF: not an open fd; interest unknown */
	record(do_epoll(closed_fd, 8, 0), -1);
	/* interrupted: 1 watched */
	arm_interrupt();
	record(do_epoll(sc->epfd, 8, -1), 1);
}

/* 3 pipes of its own, rd[0] readable from here on; every fd below closed_fd. */
static int open_pipes(struct scenario *s)
{
	int p[2], i;

	for (i = 0; i < 3; i++) {
		if (pipe(p) || p[1] >= closed_fd)
			return -1;
		s->rd[i] = p[0];
		s->wr[i] = p[1];
	}
	return write(s->wr[0], "x", 1) == 1 ? 0 : -1;
}

static void run(void)
{
	if (!strcmp(sc->name, "select") || !strcmp(sc->name, "pselect6"))
		run_select();
	else if (is_epoll(sc))
		run_epoll();
	else
		run_poll();
}

/* One JSON line; in `all` mode it names its scenario first. */
static void print_tally(bool tagged)
{
	if (tagged)
		printf("{\"scenario\": \"%s\", ", sc->name);
	else
		putchar('{');
	printf("\"calls\": %ld, \"timeouts\": %ld, \"interrupted\": %ld, \"watched\": %ld, "
	       "\"watched_calls\": %ld, \"ready\": %ld, \"errno\": {\"EBADF\": %ld, "
	       "\"EINVAL\": %ld, \"EEXIST\": %ld, \"EFAULT\": %ld}}\n", t.calls, t.timeouts,
	       t.interrupted, t.watched, t.watched_calls, t.ready, t.ebadf, t.einval, t.eexist,
	       t.efault);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct scenario *first = scenarios, *end = scenarios + N_SCENARIOS;
	bool wait = argc > 2 && !strcmp(argv[1], "--wait");
	bool all = argc > 1 && !strcmp(argv[argc - 1], "all");

	while (argc > 1 && !all && first < end && strcmp(first->name, argv[argc - 1]))
		first++;
	if (argc < 2 || first == end) {
		fprintf(stderr, "usage: mux_calls [--wait] SYSCALL|all\n");
		return 2;
	}
	if (!all)
		end = first + 1;
	sigaction(SIGALRM, &sa, NULL);
	/* below the fd table's 64 slots, so select examines it too */
	closed_fd = 60;
	for (sc = first; sc < end; sc++)
		if (open_pipes(sc))
			return 1;
	close(closed_fd);
	/* --wait: the epoll registrations are made before the trace starts */
	for (sc = first; wait && sc < end; sc++)
		if (is_epoll(sc))
			epoll_setup();
	if (wait)
		wait_for_go();
	for (sc = first; sc < end; sc++) {
		if (is_epoll(sc) && !wait)
			epoll_setup();
		memset(&t, 0, sizeof(t));
		run();
		arm_interrupt_in(0);	/* a call that did not block leaves no alarm behind */
		print_tally(all);
	}
	return 0;
}
