// SPDX-License-Identifier: GPL-2.0
#include <math.h>

#include "lathist.h"

#define SUB_BITS	LATHIST_SUB_BITS
#define NBUCKETS	LATHIST_BUCKETS

void lathist_init(struct lathist *h)
{
	*h = (struct lathist){ .min = UINT64_MAX };
}

/* Bucket of v ns: exact below 64, then 32 sub-buckets per power of two. */
static int bucket(uint64_t v)
{
	int shift = v < (2u << SUB_BITS) ? 0 : 63 - __builtin_clzll(v) - SUB_BITS;
	int idx = (shift << SUB_BITS) + (int)(v >> shift);

	return idx < NBUCKETS ? idx : NBUCKETS - 1;
}

/* The middle of bucket idx, in ns. */
static double bucket_mid(int idx)
{
	int shift = idx < (2 << SUB_BITS) ? 0 : (idx >> SUB_BITS) - 1;
	uint64_t low = (uint64_t)(idx - (shift << SUB_BITS)) << shift;

	return low + ((1ULL << shift) - 1) / 2.0;
}

void lathist_record(struct lathist *h, uint64_t ns)
{
	h->buckets[bucket(ns)]++;
	h->count++;
	h->sum += ns;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

double lathist_percentile(const struct lathist *h, double p)
{
	uint64_t want = (uint64_t)ceil(h->count * p / 100.0), seen = 0;

	if (!h->count)
		return 0;
	for (int i = 0; i < NBUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= want && h->buckets[i]) {
			double v = bucket_mid(i);

			return v < h->min ? h->min : v > h->max ? h->max : v;
		}
	}
	return h->max;
}

double lathist_mean(const struct lathist *h)
{
	return h->count ? (double)h->sum / h->count : 0;
}
