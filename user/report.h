/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IOTRACE_REPORT_H
#define IOTRACE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "deep_probes.h"
#include "epoll_seed.h"
#include "options.h"
#include "probes.h"
#include "snapshot.h"
#include "target.h"

struct report_ctx {
	const struct options *opts;
	const struct target *target;
	const struct probes *probes;
	const struct epoll_seed *seed;	/* NULL when launched (nothing pre-existed) */
	double elapsed;			/* s */
	const char *end_reason;		/* "Ctrl-C", "duration", "target exited" ... */
	const struct deep *deep;
	bool many;			/* several processes (-p A,B or -f) */
};

/* The calls of one syscall, with the errno table split into failures and interrupts. */
struct sys_row {
	const struct mux_stats *s;
	__u64 interrupted;
	__u64 failed;
};

void sys_row_of(struct sys_row *r, const struct snapshot *snap, __u32 tid, unsigned int sys,
		const struct mux_stats *s);
/* "812ns", "12.3us", "4.56ms", "1.23s" */
const char *fmt_ns(char *buf, size_t len, double ns);

/* Kernel internals: work per call, time, wakeups, reads/writes, readiness */
void report_kernel_text(FILE *f, const struct snapshot *snap, const struct report_ctx *ctx);
/* Errors of one kind (e.g. EAGAIN) for sys over all threads */
__u64 snapshot_errno(const struct snapshot *snap, unsigned int sys, unsigned int err);
void report_text(FILE *f, const struct snapshot *snap, const struct report_ctx *ctx);
void report_interval(FILE *f, const struct snapshot *delta, double secs, bool timestamp);
int report_json(FILE *f, const struct snapshot *snap, const struct report_ctx *ctx);

#endif
