// SPDX-License-Identifier: GPL-2.0
/*
 * muxloop: the benchmark's workload, a tight loop of one multiplexing call
 * with timeout 0 on idle fds, timed from the inside.
 *
 *   muxloop [--wait] [--hold] [--threads N | --churn N] [--for-ms MS]
 *           [--stamps FILE] poll|select|epoll NFDS CALLS
 *
 * The fds are both ends of NFDS/2 AF_UNIX socketpairs: nothing is ever
 * written, so every call finds none ready and returns 0 at once. Watching
 * both ends keeps 1000 fds below select's FD_SETSIZE and 10000 within a
 * 20000 RLIMIT_NOFILE. epoll registers them
 * all once with EPOLLIN; its wait then costs the same whatever NFDS is.
 *
 * The calls are raw syscall(2)s, so what is measured is the syscall named
 * (glibc's select() may go through pselect6). Only the loop is timed
 * (CLOCK_MONOTONIC), so setup and a tracer's attach time do not count.
 * On exit it prints one line:
 *
 *   calls C threads T elapsed_ns N start_ns S
 *
 * --wait     set up, print "ready PID", block in sigwaitinfo() until SIGUSR1:
 *            a tracer attaches by pid meanwhile, then the bench releases it.
 * --hold     after printing, block again until SIGUSR1 before exiting, so a
 *            tracer's maps and program statistics can be read while the
 *            process is still traced.
 * --threads  N threads each make CALLS calls at once (timed together).
 * --churn    N threads one after the other, each making CALLS calls.
 * --for-ms   stop after MS ms even if CALLS are not done (CALLS 0: no limit).
 * --stamps   write "calls ns" every STAMP_EVERY calls to FILE, so the bench
 *            can tell when a tracer attached to a running loop saw its
 *            first call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

#define STAMP_EVERY	256
#define MAX_STAMPS	(1 << 20)
#define FDSET_WORDS(n)	(((n) + 63) / 64)

enum mode { M_POLL, M_SELECT, M_EPOLL };

static enum mode mode;
static long nfds, calls, for_ms;
static int *fds, max_fd, epfd = -1;
static const char *stamps_path;

static void die(const char *what)
{
	fprintf(stderr, "muxloop: failed to %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: muxloop [--wait] [--hold] [--threads N | --churn N] [--for-ms MS] "
			"[--stamps FILE] poll|select|epoll NFDS CALLS\n");
	exit(2);
}

static long number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "muxloop: invalid number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* NFDS idle fds in fds[]; the epoll set if asked. */
static void make_fds(void)
{
	struct rlimit rl;
	long i;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("read RLIMIT_NOFILE");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("raise RLIMIT_NOFILE");
	}
	if ((rlim_t)nfds + 16 > rl.rlim_cur) {
		fprintf(stderr, "muxloop: %ld fds do not fit RLIMIT_NOFILE %lu\n", nfds,
			(unsigned long)rl.rlim_cur);
		exit(1);
	}
	fds = calloc(nfds + 1, sizeof(*fds));
	if (!fds)
		die("allocate the fd table");
	for (i = 0; i < nfds; i += 2) {
		/* odd NFDS: the last peer is made but not watched */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, &fds[i]))
			die("create a socketpair");
	}
	for (i = 0; i < nfds; i++)
		if (fds[i] > max_fd)
			max_fd = fds[i];
	if (mode == M_SELECT && max_fd >= FD_SETSIZE) {
		fprintf(stderr, "muxloop: select takes fds below %d\n", FD_SETSIZE);
		exit(2);
	}
	if (mode != M_EPOLL)
		return;
	epfd = epoll_create1(0);
	if (epfd < 0)
		die("create the epoll fd");
	for (i = 0; i < nfds; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fds[i] };

		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &ev))
			die("register an fd with epoll");
	}
}

struct loop {
	long done;
	__u64 *stamps;		/* pairs: calls, ns */
	long nstamps;
};

/* The timed loop: CALLS calls (or until --for-ms), each must return 0. */
static void run_loop(struct loop *l)
{
	struct pollfd *pfds = NULL;
	struct epoll_event events[64];
	__u64 in[FDSET_WORDS(FD_SETSIZE)], tmpl[FDSET_WORDS(FD_SETSIZE)] = {};
	__u64 deadline = for_ms ? now_ns() + for_ms * 1000000ULL : 0;
	size_t set_bytes = FDSET_WORDS(max_fd + 1) * 8;
	long i, ret = 0;

	if (mode == M_POLL) {
		pfds = calloc(nfds, sizeof(*pfds));
		if (!pfds)
			die("allocate the pollfds");
		for (i = 0; i < nfds; i++) {
			pfds[i].fd = fds[i];
			pfds[i].events = POLLIN;
		}
	} else if (mode == M_SELECT) {
		for (i = 0; i < nfds; i++)
			tmpl[fds[i] / 64] |= 1ULL << (fds[i] % 64);
	}
	for (i = 0; !calls || i < calls; i++) {
		if (i % STAMP_EVERY == 0) {
			if (l->stamps && l->nstamps < MAX_STAMPS) {
				l->stamps[2 * l->nstamps] = i;
				l->stamps[2 * l->nstamps + 1] = now_ns();
				l->nstamps++;
			}
			if (deadline && now_ns() >= deadline)
				break;
		}
		switch (mode) {
		case M_POLL:
			ret = syscall(SYS_poll, pfds, nfds, 0);
			break;
		case M_SELECT: {
			struct timeval tv = { 0, 0 };

			/* the kernel clears the set on return: refill it each time */
			memcpy(in, tmpl, set_bytes);
			ret = syscall(SYS_select, max_fd + 1, in, NULL, NULL, &tv);
			break;
		}
		case M_EPOLL:
			ret = syscall(SYS_epoll_wait, epfd, events, 64, 0);
			break;
		}
		if (ret != 0) {
			fprintf(stderr, "muxloop: call %ld returned %ld (%s)\n", i, ret,
				ret < 0 ? strerror(errno) : "fds ready");
			exit(1);
		}
	}
	l->done = i;
	free(pfds);
}

static void *thread_main(void *arg)
{
	run_loop(arg);
	return NULL;
}

static void write_stamps(const struct loop *l)
{
	FILE *f = fopen(stamps_path, "w");
	long i;

	if (!f)
		die("open the stamps file");
	for (i = 0; i < l->nstamps; i++)
		fprintf(f, "%llu %llu\n", l->stamps[2 * i], l->stamps[2 * i + 1]);
	fprintf(f, "%ld %llu\n", l->done, now_ns());
	fclose(f);
}

static void wait_usr1(const sigset_t *set)
{
	/* a ptrace attach (strace -p) interrupts the wait: wait again */
	while (sigwaitinfo(set, NULL) < 0)
		if (errno != EINTR)
			die("wait for SIGUSR1");
}

int main(int argc, char **argv)
{
	long threads = 1, churn = 0, total = 0, i;
	bool wait = false, hold = false;
	sigset_t usr1;
	struct loop *loops;
	pthread_t *tids;
	__u64 start, end;
	int argi;

	for (argi = 1; argi < argc && !strncmp(argv[argi], "--", 2); argi++) {
		if (!strcmp(argv[argi], "--wait"))
			wait = true;
		else if (!strcmp(argv[argi], "--hold"))
			hold = true;
		else if (!strcmp(argv[argi], "--threads") && argi + 1 < argc)
			threads = number(argv[++argi], 1, 1024);
		else if (!strcmp(argv[argi], "--churn") && argi + 1 < argc)
			churn = number(argv[++argi], 1, 1000000);
		else if (!strcmp(argv[argi], "--for-ms") && argi + 1 < argc)
			for_ms = number(argv[++argi], 1, 3600000);
		else if (!strcmp(argv[argi], "--stamps") && argi + 1 < argc)
			stamps_path = argv[++argi];
		else
			usage();
	}
	if (argc - argi != 3)
		usage();
	if (!strcmp(argv[argi], "poll"))
		mode = M_POLL;
	else if (!strcmp(argv[argi], "select"))
		mode = M_SELECT;
	else if (!strcmp(argv[argi], "epoll"))
		mode = M_EPOLL;
	else
		usage();
	nfds = number(argv[argi + 1], 1, 1000000);
	calls = number(argv[argi + 2], 0, 1L << 40);
	if (!calls && !for_ms)
		usage();
	if (churn && (threads > 1 || stamps_path))
		usage();

	make_fds();
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (wait) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		wait_usr1(&usr1);
	}

	loops = calloc(churn ? 1 : threads, sizeof(*loops));
	tids = calloc(threads, sizeof(*tids));
	if (!loops || !tids)
		die("allocate the threads");
	if (stamps_path && !(loops[0].stamps = malloc(MAX_STAMPS * 2 * sizeof(__u64))))
		die("allocate the stamps");

	start = now_ns();
	if (churn) {
		for (i = 0; i < churn; i++) {
			if ((errno = pthread_create(&tids[0], NULL, thread_main, &loops[0])))
				die("create a thread");
			pthread_join(tids[0], NULL);
			total += loops[0].done;
		}
	} else if (threads == 1) {
		run_loop(&loops[0]);
		total = loops[0].done;
	} else {
		for (i = 0; i < threads; i++)
			if ((errno = pthread_create(&tids[i], NULL, thread_main, &loops[i])))
				die("create a thread");
		for (i = 0; i < threads; i++) {
			pthread_join(tids[i], NULL);
			total += loops[i].done;
		}
	}
	end = now_ns();

	if (stamps_path)
		write_stamps(&loops[0]);
	printf("calls %ld threads %ld elapsed_ns %llu start_ns %llu\n", total,
	       churn ? churn : threads, end - start, start);
	fflush(stdout);
	if (hold)
		wait_usr1(&usr1);
	return 0;
}
