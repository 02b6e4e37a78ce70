// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle for the CPU time of a traced process (claim M4's cost side).
 *
 *   cpu_spin [--wait] SPIN_MS SLEEP_MS
 *
 * Spins on the CPU in user mode (a CPU clock read is a syscall: one per
 * 100000 rounds) until the process has used SPIN_MS of CPU, then sleeps
 * SLEEP_MS, and
 * prints {"cpu_ns": N}: the process's whole CPU time from its start, by
 * CLOCK_PROCESS_CPUTIME_ID, read just before the line is printed.
 * --wait: print "ready PID" and wait for SIGUSR1 first.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "oracle.h"

static long long cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct timespec nap;
	long long until;
	volatile unsigned long spin = 0;
	int sleep_ms, i;

	if (argc > 1 && !strcmp(argv[1], "--wait")) {
		wait_for_go();
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: cpu_spin [--wait] SPIN_MS SLEEP_MS\n");
		return 2;
	}
	until = cpu_ns() + atoll(argv[1]) * 1000000LL;
	while (cpu_ns() < until)
		for (i = 0; i < 100000; i++)
			spin++;
	sleep_ms = atoi(argv[2]);
	nap = (struct timespec){ sleep_ms / 1000, (sleep_ms % 1000) * 1000000L };
	nanosleep(&nap, NULL);
	printf("{\"cpu_ns\": %lld}\n", cpu_ns());
	return 0;
}
