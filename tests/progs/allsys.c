// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for all_syscalls: a known count of syscalls chosen for
 * nothing else calling them, half on CPU 0 and half on CPU 1 (the counts
 * are per CPU in the kernel), after wait_for_go().
 *
 *   getppid     PPID_CALLS, all succeed
 *   getpgid(0)  PGID_CALLS, all succeed
 *   close(-1)   CLOSE_CALLS, all fail (EBADF)
 *   number 400  (unassigned on x86_64) BAD_CALLS, all fail (ENOSYS)
 *   number 1000 (past the table: "other") BAD_CALLS, all fail
 *   nanosleep   SLEEPS of SLEEP_MS each
 * then prints its tally as JSON and exits.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "oracle.h"

#define PPID_CALLS	1000
#define PGID_CALLS	500
#define CLOSE_CALLS	300
#define BAD_CALLS	5
#define SLEEPS		2
#define SLEEP_MS	20

static int on_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

int main(void)
{
	struct timespec ts = { .tv_nsec = SLEEP_MS * 1000000L };
	long failed = 0;
	int i, half, cpus = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;

	wait_for_go();
	for (half = 0; half < 2; half++) {
		on_cpu(half % cpus);	/* sched_setaffinity: counted too */
		for (i = 0; i < PPID_CALLS / 2; i++)
			syscall(SYS_getppid);
		for (i = 0; i < PGID_CALLS / 2; i++)
			syscall(SYS_getpgid, 0);
		for (i = 0; i < CLOSE_CALLS / 2; i++)
			failed += syscall(SYS_close, -1) < 0;
	}
	for (i = 0; i < BAD_CALLS; i++) {
		failed += syscall(400) < 0;
		failed += syscall(1000) < 0;
	}
	for (i = 0; i < SLEEPS; i++)
		syscall(SYS_nanosleep, &ts, NULL);
	printf("{\"failed\": %ld, \"cpus\": %d}\n", failed, cpus);
	return 0;
}
