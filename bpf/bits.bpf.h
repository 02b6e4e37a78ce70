/* SPDX-License-Identifier: GPL-2.0 */
/* Bit counting for the verifier: no popcount instruction, no branches. */
#ifndef BITS_BPF_H
#define BITS_BPF_H

#include "iotrace.h"

/* Bits set in x (SWAR). */
static __always_inline __u32 popcount64(__u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/*
 * floor(log2(v)) for v > 0, without branches: every branch would multiply
 * the paths the verifier walks through the rest of the program.
 */
static __always_inline __u32 log2_u64(__u64 v)
{
	v |= v >> 1;
	v |= v >> 2;
	v |= v >> 4;
	v |= v >> 8;
	v |= v >> 16;
	v |= v >> 32;
	return popcount64(v) - 1;
}

/* Slot of v in the LOG2_SLOTS histograms: slot k counts [2^(k-1), 2^k) */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 slot = v ? log2_u64(v) + 1 : 0;

	return slot < LOG2_SLOTS ? slot : LOG2_SLOTS - 1;
}

#endif
