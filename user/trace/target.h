/* SPDX-License-Identifier: GPL-2.0 */
/* The traced process: checked (-p) or launched and held until probes attach. */
#ifndef IOTRACE_TARGET_H
#define IOTRACE_TARGET_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

struct target {
	pid_t pid;
	int pidfd;		/* readable once the process has exited */
	bool launched;		/* started by us with -- CMD */
	int go_fd;		/* launched: write end that releases the child */
	int err_fd;		/* launched: read end carrying exec's errno */
	int exit_status;	/* launched: wait status, -1 if not reaped */
	unsigned long long held_ns;	/* launched: CPU it used before its release (ns) */
	struct rusage rusage;	/* launched and reaped: its own and its reaped children's,
				 * less held_ns (used before the traced time) */
	char comm[16];
};

/* Check an existing pid: exists, is not a kernel thread. Prints the error. */
int target_open_pid(struct target *t, pid_t pid);
/* Fork CMD, held before exec until target_release(). Prints the error. */
int target_launch(struct target *t, char **argv);
/* Let a launched child exec; returns -errno of a failed exec. */
int target_release(struct target *t);
/* True once the process has exited (reaps a launched child). */
bool target_exited(struct target *t);
/*
 * End a launched command that is still running: SIGTERM, then SIGKILL if
 * it has not exited after grace_ms; reaps it. Does nothing for -p targets.
 */
#define TARGET_GRACE_MS		2000
void target_end(struct target *t, int grace_ms);
void target_close(struct target *t);

#endif
