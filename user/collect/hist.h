/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the kernel's latency histograms (see HIST_* in iotrace.h). */
#ifndef IOTRACE_HIST_H
#define IOTRACE_HIST_H

#include <stdio.h>
#include <linux/types.h>
#include "iotrace.h"

/* Lowest value (ns) that falls in a slot; the slot ends below the next one's. */
__u64 hist_slot_low(unsigned int slot);
/*
 * Value at quantile q (0..1): the midpoint of the slot holding it, so
 * within half a sub-bucket (6.25%) of the true value, capped at the
 * exact max; 0 when empty.
 */
__u64 hist_quantile(const __u32 *hist, double q, __u64 max);
/* libbpf-tools style log2 histogram in the given unit (1000 = us). */
void hist_print_log2(FILE *f, const __u32 *hist, __u64 unit, const char *unit_name);

#endif
