/* SPDX-License-Identifier: GPL-2.0 */
/*
 * select and pselect6 at entry: the sets and the timeout read once (one
 * span when they lie close together), the bytes the kernel will copy, the
 * fds watched, and the union of the sets kept to count, at exit, the
 * wait-queue registrations up to the first ready fd.
 */
#ifndef SELECT_BPF_H
#define SELECT_BPF_H

#include "state.bpf.h"
#include "fdsets.bpf.h"
#include "copies.bpf.h"

/*
 * Keep the union of select's sets (left in the scan buffer by
 * count_select_fds) to count, at exit, the fds before the first ready one.
 */
static __always_inline void keep_first_set(struct inflight *fl, int n, __u32 watched)
{
	__u32 zero = 0, w;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);

	fl->first_valid = 0;
	if (!buf || watched == WATCHED_UNKNOWN || n > SET_CHUNK_WORDS * 64)
		return;
	for (w = 0; w < SET_CHUNK_WORDS; w++) {
		__u64 bits = 0;

		if (w * 64 < n) {
			bits = buf->sets[0][w] | buf->sets[1][w] | buf->sets[2][w];
			if (n - w * 64 < 64)
				bits &= (1ULL << (n - w * 64)) - 1;
		}
		fl->first_set[w] = bits;
	}
	fl->first_valid = 1;
}

/*
 * select and pselect6 at entry, their arguments in the scan buffer's sel:
 * bytes copied in, fds watched, and the union of the sets for the
 * registration count at exit. A global function: the verifier checks it
 * once, apart from the other syscalls.
 */
__noinline int enter_select(struct inflight *fl)
{
	struct set_scan pre = {};
	__u32 watched, zero = 0, off, bits = 0;
	struct scan_buf *buf = bpf_map_lookup_elem(&scan_bufs, &zero);
	struct select_args *a;
	__s64 tv[2];
	__u64 lo;

	if (!fl || !buf)
		return 0;
	a = &buf->sel;
	pre.sets[0] = (void *)a->in;
	pre.sets[1] = (void *)a->out;
	pre.sets[2] = (void *)a->ex;
	fl->nfds = a->n < 0 ? 0 : a->n;
	lo = read_span(buf, &pre, fl->nfds, (void *)a->tvp);
	off = a->tvp - lo;
	if (lo && a->tvp && off <= SPAN_MAX - 16) {
		/* already in kernel memory: loads, not a user read */
		span_words((__u64 *)tv, buf, off, 2);
		select_copies(fl, a->n, a->in, a->out, a->ex, (void *)a->tvp, tv,
			      (void *)a->sigpack);
	} else {
		select_copies(fl, a->n, a->in, a->out, a->ex, (void *)a->tvp, NULL,
			      (void *)a->sigpack);
	}
	watched = count_select_fds(&pre, fl->nfds, &bits);
	fl->set_bits = bits;
	keep_first_set(fl, fl->nfds, watched);
	fl->watched = watched;
	return 0;
}

/* Count the fds up to and including the first ready one in select's union. */
static __always_inline __u32 fds_up_to(const struct inflight *fl, __u32 first)
{
	__u32 word = first / 64, i, n = 0;

	for (i = 0; i < 16; i++) {
		__u64 bits = fl->first_set[i & 15];

		if (i > word)
			break;
		if (i == word && (first % 64) < 63)
			bits &= (2ULL << (first % 64)) - 1;
		n += popcount64(bits);
	}
	return n;
}

#endif
