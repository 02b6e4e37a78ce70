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
	bool light;		/* the light programs run (--light, or full mode's fallback) */
	unsigned int time_every;	/* 1 call in this many timed */
	char why_light[200];	/* full mode was asked for and did not load: why */
};

struct verifier_stats;

/* Check privileges and BTF before any work; prints the error. */
int probes_preflight(const char *btf_path);
/*
 * Load and attach for these processes (and, with opts->follow, the ones
 * they fork): tp_btf first, then raw_tp syscalls, then no sched; full
 * mode that does not load here falls back to the light programs.
 */
int probes_start(struct probes *p, const pid_t *tgids, int n, const struct options *opts);
/*
 * Load one mode (light or full, best attach flavour first) without the
 * fallback between modes; vs and why, if given, receive what the verifier
 * said and the first refusal. With no tgids, nothing is traced (--check).
 */
int probes_load(struct probes *p, const pid_t *tgids, int n, const struct options *opts,
		bool light, struct verifier_stats *vs, char *why, size_t whylen);
/* Trace one more process (a child found at start); 0 or -errno */
int probes_add_target(struct probes *p, pid_t tgid);
/* Set or clear tgid in the programs' filter (with its targets entry) */
void probes_target_bit(struct iotrace_bpf *skel, __u32 tgid, bool traced);
void probes_stop(struct probes *p);

#endif
