/* SPDX-License-Identifier: GPL-2.0 */
/* Histogram slot of a value: see HIST_* in iotrace.h. */
#ifndef HIST_BPF_H
#define HIST_BPF_H

#include "iotrace.h"

/* floor(log2(v)) for v > 0, without a loop (BPF has no clz). */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

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
