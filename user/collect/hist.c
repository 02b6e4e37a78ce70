// SPDX-License-Identifier: GPL-2.0
#include "collect/hist.h"

__u64 hist_slot_low(unsigned int slot)
{
	unsigned int octave = slot >> HIST_SUB_BITS, sub = slot & (HIST_SUB - 1);

	if (octave == 0)
		return slot;
	return (__u64)(HIST_SUB + sub) << (octave - 1);
}

__u64 hist_quantile(const __u32 *hist, double q, __u64 max)
{
	__u64 mid;
	__u64 total = 0, seen = 0, target;
	unsigned int i;

	for (i = 0; i < HIST_SLOTS; i++)
		total += hist[i];
	if (!total)
		return 0;
	target = (__u64)(q * total + 0.999999);
	if (target < 1)
		target = 1;
	for (i = 0; i < HIST_SLOTS; i++) {
		seen += hist[i];
		if (seen >= target)
			break;
	}
	if (i >= HIST_SLOTS - 1)
		return max;
	mid = (hist_slot_low(i) + hist_slot_low(i + 1)) / 2;
	/* the exact max is known: never report a percentile above it */
	return mid > max ? max : mid;
}

static void print_stars(FILE *f, __u64 val, __u64 max, int width)
{
	int n = max ? (int)(val * width / max) : 0, i;

	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

void hist_print_log2(FILE *f, const __u32 *hist, __u64 unit, const char *unit_name)
{
	__u64 buckets[64] = {}, max = 0;
	int i, first = -1, last = -1;

	/* regroup the fine slots by powers of two of the display unit */
	for (i = 0; i < HIST_SLOTS; i++) {
		__u64 v = hist_slot_low(i) / unit;
		int k = 0;

		if (!hist[i])
			continue;
		while (k < 63 && v >> k)
			k++;
		buckets[k] += hist[i];
	}
	for (i = 0; i < 64; i++) {
		if (!buckets[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (buckets[i] > max)
			max = buckets[i];
	}
	if (first < 0)
		return;
	fprintf(f, "  %*s%-6s%*s : count    distribution\n", 9, "", unit_name, 9, "");
	for (i = first; i <= last; i++) {
		__u64 low = i ? (__u64)1 << (i - 1) : 0, high = ((__u64)1 << i) - 1;

		fprintf(f, "  %10llu -> %-10llu : %-8llu |", (unsigned long long)low,
			(unsigned long long)high, (unsigned long long)buckets[i]);
		print_stars(f, buckets[i], max, 32);
		fputs("|\n", f);
	}
}
