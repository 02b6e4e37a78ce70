/* SPDX-License-Identifier: GPL-2.0 */
/* Histogram slot of a latency: see HIST_* in iotrace.h. */
#ifndef HIST_BPF_H
#define HIST_BPF_H

#include "iotrace.h"
#include "bits.bpf.h"

static __always_inline __u32 hist_slot(__u64 v)
{
	__u32 msb;

	if (v < HIST_SUB)
		return v;
	msb = log2_u64(v);
	if (msb > HIST_MAX_MSB)
		return HIST_SLOTS - 1;
	return ((msb - HIST_SUB_BITS + 1) << HIST_SUB_BITS) +
	       ((v >> (msb - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

#endif
