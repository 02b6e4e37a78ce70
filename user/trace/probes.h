/* SPDX-License-Identifier: GPL-2.0 */
/* The one place that decides which BPF programs load and attach. */
#ifndef IOTRACE_PROBES_H
#define IOTRACE_PROBES_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "trace/options.h"

struct iotrace_bpf;

struct probes {
	struct iotrace_bpf *skel;
	const char *flavour;	/* "tp_btf" or "raw_tp": how sys_enter/exit attached */
	bool sched;		/* sched_switch and sched_waking attached */
	const char *live[8];	/* attached probe names, NULL-terminated */
	bool eventfd_kind;	/* eventfds are told apart (else they count as "other") */
};

/* Check privileges and BTF before any work; prints the error. */
int probes_preflight(const char *btf_path);
/*
 * Load and attach for these processes (and, with opts->follow, the ones
 * they fork): tp_btf first, then raw_tp syscalls, then no sched.
 */
int probes_start(struct probes *p, const pid_t *tgids, int n, const struct options *opts);
/* Trace one more process (a child found at start); 0 or -errno */
int probes_add_target(struct probes *p, pid_t tgid);
/* Set or clear tgid in the programs' filter (with its targets entry) */
void probes_target_bit(struct iotrace_bpf *skel, __u32 tgid, bool traced);
void probes_stop(struct probes *p);

#endif
