// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for claims S7 and P1: what select and poll write back
 * into the caller's memory, tallied from that memory after each call.
 *
 *   rewrites [--wait] SYSCALL    select (raw syscall), pselect6 (glibc's
 *                                select()), poll or ppoll
 *
 * select: 3 calls, 3 fds in the read set, 1 ready, 5 s timeout: 1 bit
 * left, time left < 5 s; 2 calls whose 2 ms timeout expires (2 read fds,
 * one of them in the except set too): no bits left, no time left; 1 zero
 * timeout (1 fd): not rewritten; 1 without timeout, a ready fd in the read
 * and in the write set; 1 EBADF (not counted: nothing written back).
 * poll: 3 calls on 5 entries (fd -1 skipped, one closed: POLLNVAL), 3 with
 * revents; 2 timeouts on 1 entry; 1 call whose entry's events another
 * thread changes while it waits; 1 EFAULT (not counted).
 * Prints a JSON tally in iotrace's names ("rewrites" object).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "oracle.h"

static const char *scenario;
static int rd[3], wr[3], closed_fd = 60;
static long calls, bits_in, bits_out, tmo_rewritten, tmo_left_ns;
static long revents_set, events_kept, reread;

static int bits(const fd_set *s, int n)
{
	int fd, c = 0;

	for (fd = 0; s && fd < n; fd++)
		c += FD_ISSET(fd, s);
	return c;
}

/* One select; the sets and timeout as the kernel left them are tallied. */
static void one_select(int n, fd_set *in, fd_set *out, fd_set *ex, long sec, long usec)
{
	struct timeval tv = { sec, usec }, *tvp = sec < 0 ? NULL : &tv;
	int before = bits(in, n) + bits(out, n) + bits(ex, n);
	long ret;

	if (!strcmp(scenario, "select"))
		ret = syscall(SYS_select, n, in, out, ex, tvp);
	else
		ret = select(n, in, out, ex, tvp);	/* glibc: pselect6 */
	if (ret < 0)
		return;
	calls++;
	bits_in += before;
	bits_out += bits(in, n) + bits(out, n) + bits(ex, n);
	if (tvp) {
		tmo_rewritten += tv.tv_sec != sec || tv.tv_usec != usec;
		tmo_left_ns += tv.tv_sec * 1000000000L + tv.tv_usec * 1000L;
	}
}

static void run_select(void)
{
	int n = closed_fd + 1, i;
	fd_set in, out, ex;

	for (i = 0; i < 3; i++) {
		FD_ZERO(&in);
		FD_SET(rd[0], &in); FD_SET(rd[1], &in); FD_SET(rd[2], &in);
		one_select(n, &in, NULL, NULL, 5, 0);
	}
	for (i = 0; i < 2; i++) {
		FD_ZERO(&in); FD_ZERO(&ex);
		FD_SET(rd[1], &in); FD_SET(rd[2], &in); FD_SET(rd[1], &ex);
		one_select(n, &in, NULL, &ex, 0, 2000);
	}
	FD_ZERO(&in);
	FD_SET(rd[1], &in);
	one_select(n, &in, NULL, NULL, 0, 0);
	FD_ZERO(&in); FD_ZERO(&out);
	FD_SET(rd[0], &in); FD_SET(wr[1], &out);
	one_select(n, &in, &out, NULL, -1, 0);
	FD_ZERO(&in);
	FD_SET(closed_fd, &in);
	one_select(n, &in, NULL, NULL, 0, 0);
	printf("{\"calls\": %ld, \"set_bits_in\": %ld, \"set_bits_out\": %ld, "
	       "\"timeout_rewritten\": %ld, \"timeout_left_ns\": %ld}\n",
	       calls, bits_in, bits_out, tmo_rewritten, tmo_left_ns);
}

/* One poll; entries re-read, revents set and events unchanged are tallied. */
static void one_poll(struct pollfd *p, int n, int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	short asked[8];
	long ret;
	int i, kept = 1;

	for (i = 0; i < n; i++)
		asked[i] = p[i].events;
	if (!strcmp(scenario, "poll"))
		ret = poll(p, n, ms);
	else
		ret = ppoll(p, n, ms < 0 ? NULL : &ts, NULL);
	if (ret < 0)
		return;
	calls++;
	reread += n;
	for (i = 0; i < n; i++) {
		revents_set += p[i].revents != 0;
		kept &= p[i].events == asked[i];
	}
	events_kept += kept ? n : 0;	/* all or none, as iotrace counts it */
}

static struct pollfd changed = { .events = POLLIN };
static struct pollfd *volatile bad = (struct pollfd *)8;	/* unreadable */

/* While the main thread waits on changed, change what it asked, then wake it. */
static void *changer(void *arg)
{
	struct timespec ts = { 0, 20000000L };

	(void)arg;
	nanosleep(&ts, NULL);
	changed.events = POLLIN | POLLPRI;
	if (write(wr[1], "x", 1) != 1)
		return NULL;
	return NULL;
}

static void run_poll(void)
{
	struct pollfd p[5] = {
		{ .fd = rd[0], .events = POLLIN }, { .fd = -1, .events = POLLIN },
		{ .fd = rd[1], .events = POLLIN }, { .fd = wr[2], .events = POLLOUT },
		{ .fd = closed_fd, .events = POLLIN },
	};
	pthread_t th;
	char c;
	int i;

	for (i = 0; i < 3; i++)
		one_poll(p, 5, 0);
	for (i = 0; i < 2; i++)
		one_poll(&p[2], 1, 1);
	changed.fd = rd[1];
	pthread_create(&th, NULL, changer, NULL);
	one_poll(&changed, 1, -1);
	pthread_join(th, NULL);
	if (read(rd[1], &c, 1) != 1)
		return;
	/* EFAULT: an unreadable array; nothing is written back */
	if (!strcmp(scenario, "poll") ? poll(bad, 2, 0) >= 0 : ppoll(bad, 2, NULL, NULL) >= 0)
		return;
	printf("{\"calls\": %ld, \"revents_set\": %ld, \"events_kept\": %ld, "
	       "\"pollfds_reread\": %ld}\n", calls, revents_set, events_kept, reread);
}

int main(int argc, char **argv)
{
	int p[2], i;

	if (argc < 2)
		return 2;
	scenario = argv[argc - 1];
	for (i = 0; i < 3; i++) {
		if (pipe(p))
			return 1;
		rd[i] = p[0];
		wr[i] = p[1];
	}
	close(closed_fd);
	if (write(wr[0], "x", 1) != 1)	/* rd[0] is readable from here on */
		return 1;
	if (!strcmp(argv[1], "--wait"))
		wait_for_go();
	if (strstr(scenario, "select"))
		run_select();
	else if (strstr(scenario, "poll"))
		run_poll();
	else
		return 2;
	return 0;
}
