/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the oracle programs: wait to be traced. */
#ifndef ORACLE_H
#define ORACLE_H

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/*
 * Print "ready PID" and block in sigwaitinfo() (not a traced syscall)
 * until SIGUSR1: a test attaches iotrace -p, then sends the signal.
 */
static inline void wait_for_go(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready %d\n", getpid());
	fflush(stdout);
	sigwaitinfo(&set, NULL);
}

#endif
