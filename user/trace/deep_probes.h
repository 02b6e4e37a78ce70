/* SPDX-License-Identifier: GPL-2.0 */
/* The optional fentry/kprobe layer: tried, never required. */
#ifndef IOTRACE_DEEP_PROBES_H
#define IOTRACE_DEEP_PROBES_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>
#include "deep.h"

struct deep_bpf;

struct deep {
	struct deep_bpf *skel;
	const char *live;		/* "fentry", "kprobe" or NULL */
	const char *not_tried;		/* deep_skip: why */
	char fentry_error[64];		/* why fentry did not attach */
	char kprobe_error[64];
	__u64 counts[DEEP_NR];
};

/* Try fentry, then kprobes; on failure record why and carry on. */
void deep_start(struct deep *d, pid_t tgid, const char *btf_path);
/* Not tried: say why in place of the attach errors. */
void deep_skip(struct deep *d, const char *why);
void deep_read(struct deep *d);
void deep_stop(struct deep *d);
const char *deep_count_name(int i);

#endif
