/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A latency histogram for user space: exact below 64 ns, then 32 linear
 * sub-buckets per power of two (~3% resolution); count, sum, min and max
 * are exact. (iotrace's kernel-side histograms have their own layout, see
 * HIST_* in bpf/iotrace.h.)
 */
#ifndef IOTRACE_LATHIST_H
#define IOTRACE_LATHIST_H

#include <stdint.h>

#define LATHIST_SUB_BITS	5
#define LATHIST_BUCKETS		((64 - LATHIST_SUB_BITS) << LATHIST_SUB_BITS)

struct lathist {
	uint64_t count;
	uint64_t sum;		/* ns */
	uint64_t min;		/* ns; UINT64_MAX while empty */
	uint64_t max;		/* ns */
	uint64_t buckets[LATHIST_BUCKETS];
};

void lathist_init(struct lathist *h);
void lathist_record(struct lathist *h, uint64_t ns);
/*
 * The value (ns) at percentile p (0..100): the middle of the bucket that
 * holds it, clamped to [min, max]; 0 when empty.
 */
double lathist_percentile(const struct lathist *h, double p);
/* Mean in ns; 0 when empty. */
double lathist_mean(const struct lathist *h);

#endif
