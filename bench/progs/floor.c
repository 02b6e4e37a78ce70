// SPDX-License-Identifier: GPL-2.0
/*
 * floor: load and attach floor.bpf.c on one process, the bench's reference
 * for the least a per-process syscall tracer costs.
 *
 *   floor [-v] [-x OP] -p PID [-p PID2]   (PID2: a second process, e.g. a worker)
 *
 * -x OP: one primitive per traced syscall at exit (enum primitive in
 * floor.bpf.c, 1-9), to measure what it adds to the floor (section 11).
 *
 * Prints "Tracing PID N... Ctrl-C to end." once attached; on SIGINT,
 * SIGTERM or the target's exit prints "syscalls N" (the target's syscalls
 * seen at sys_exit) and exits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

static volatile sig_atomic_t stopping;
static bool verbose;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(void)
{
	fprintf(stderr, "usage: floor [-v] [-x OP] -p PID [-p PID2]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct floor_bpf *skel = NULL;
	struct pollfd pfd = { .fd = -1, .events = POLLIN };
	long pid = 0, pid2 = 0, op = 0, *dst;
	char *end;
	int opt, err = 1;

	while ((opt = getopt(argc, argv, "vx:p:")) != -1) {
		if (opt == 'v') {
			verbose = true;
		} else if (opt == 'x') {
			errno = 0;
			op = strtol(optarg, &end, 10);
			if (errno || *end || op < 0 || op > 9)
				usage();
		} else if (opt == 'p') {
			if (pid2)
				usage();
			dst = pid ? &pid2 : &pid;
			errno = 0;
			*dst = strtol(optarg, &end, 10);
			if (errno || *end || *dst < 1 || *dst > 0x3fffffff)
				usage();
		} else {
			usage();
		}
	}
	if (!pid || optind != argc)
		usage();
	libbpf_set_print(print_libbpf);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Watch the target first: its exit ends the trace. */
	pfd.fd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pfd.fd < 0) {
		fprintf(stderr, "floor: failed to open pid %ld: %s\n", pid, strerror(errno));
		return 1;
	}
	/* Open, set the tgid filter in rodata before load, load, attach. */
	skel = floor_bpf__open();
	if (!skel) {
		fprintf(stderr, "floor: failed to open BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	skel->rodata->targ_tgid = pid;
	skel->rodata->targ_tgid2 = pid2;	/* the first pid's exit ends the trace */
	skel->rodata->primitive = op;
	if (floor_bpf__load(skel)) {
		fprintf(stderr, "floor: failed to load BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	if (floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: failed to attach BPF programs: %s\n", strerror(errno));
		goto cleanup;
	}
	printf("Tracing PID %ld... Ctrl-C to end.\n", pid);
	fflush(stdout);

	/* Sleep until a signal (poll fails with EINTR) or the target exits. */
	while (!stopping) {
		if (poll(&pfd, 1, -1) > 0)
			break;
		if (errno != EINTR) {
			fprintf(stderr, "floor: failed to wait for pid %ld: %s\n", pid,
				strerror(errno));
			goto cleanup;
		}
	}
	printf("syscalls %llu\n", (unsigned long long)skel->bss->syscalls);
	err = 0;
cleanup:
	floor_bpf__destroy(skel);
	close(pfd.fd);
	return err;
}
