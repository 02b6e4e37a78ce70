/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a thread's figures live: its row per syscall, in an array slot for
 * the first threads (an inlined lookup) or in the stats hash, and its
 * errno counts in the errs hash.
 */
#ifndef STATS_BPF_H
#define STATS_BPF_H

#include "state.bpf.h"
#include "maps.bpf.h"

/* too big for the BPF stack: the initial value of a new hash row */
static struct mux_stats zero_stats;

/* A new row: who it belongs to; no fds watched seen yet */
static __always_inline void stats_init(struct mux_stats *s, __u32 tid, __u32 tgid)
{
	s->tid = tid;
	s->tgid = tgid;
	s->watched_min = WATCHED_UNKNOWN;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
}

/* The thread's array slot, taken at its first call while slots remain */
static __always_inline struct mux_stats *stats_fast_of(struct inflight *fl, __u32 tid,
							__u32 tgid, __u32 sys)
{
	struct mux_stats *s;
	__u32 idx;

	if (!fl->stats_slot) {
		idx = stats_next < stats_slots ? __sync_fetch_and_add(&stats_next, 1) : stats_slots;
		fl->stats_slot = idx < stats_slots ? idx + 1 : STATS_IN_HASH;
	}
	if (fl->stats_slot == STATS_IN_HASH)
		return NULL;
	idx = (fl->stats_slot - 1) * MUX_NR + sys;
	s = bpf_map_lookup_elem(&stats_fast, &idx);
	if (!s)
		return NULL;
	if (!s->tid)
		stats_init(s, tid, tgid);
	/* a slot of a thread of another process with the same tid: use the hash */
	return s->tid == tid && s->tgid == tgid ? s : NULL;
}

/* The row of thread tid for sys; NULL (and counted) when the hash is full */
/*
 * slots: the array slots may be used. They are handed out by an atomic
 * fetch-and-add, an instruction 5.10 refuses wherever it stands, even in
 * dead code: its programs are built without them (the hash holds every row).
 */
static __always_inline struct mux_stats *stats_of(struct inflight *fl, __u32 tid, __u32 tgid,
						  __u32 sys, bool slots)
{
	struct stats_key key = { .tid = tid, .sys = sys };
	struct mux_stats *s = slots ? stats_fast_of(fl, tid, tgid, sys) : NULL;

	if (s)
		return s;
	s = lookup_or_try_init(&stats, &key, &zero_stats);
	if (!s) {
		__sync_fetch_and_add(&drops.stats_full, 1);
		return NULL;
	}
	if (!s->tid)	/* only the owning thread writes its rows: no race */
		stats_init(s, tid, tgid);
	return s;
}

/* One more ret < 0 of a call counted in row sys: by errno */
static __always_inline void count_error(__u32 tid, __u32 sys, long ret)
{
	struct err_key key = { .tid = tid, .sys = sys, .err = -ret };
	__u64 zero = 0, *n = lookup_or_try_init(&errs, &key, &zero);

	if (n)
		(*n)++;
	else
		__sync_fetch_and_add(&drops.errs_full, 1);
}

/* exec gave the thread a new comm: its rows take it (exec is rare) */
static __always_inline void renamed(__u32 tid)
{
	struct stats_key key = { .tid = tid };
	struct inflight *fl = inflight_of(tid, false);
	struct mux_stats *s;
	__u32 i, idx;

	/* unrolled: the key on the stack hides the counter from the verifier */
#pragma unroll
	for (i = 0; i < MUX_NR; i++) {
		key.sys = i;
		s = bpf_map_lookup_elem(&stats, &key);
		if (s)
			bpf_get_current_comm(s->comm, sizeof(s->comm));
		if (!fl || !fl->stats_slot || fl->stats_slot == STATS_IN_HASH)
			continue;
		idx = (fl->stats_slot - 1) * MUX_NR + i;
		s = bpf_map_lookup_elem(&stats_fast, &idx);
		if (s && s->tid == tid)
			bpf_get_current_comm(s->comm, sizeof(s->comm));
	}
}

#endif
