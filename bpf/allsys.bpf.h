/* SPDX-License-Identifier: GPL-2.0 */
/*
 * all_syscalls: every syscall of the traced processes, by number: calls,
 * failures and time. The entry time is kept in the thread's in-flight
 * slot (the one lookup the entry makes); the counts go to a per-CPU array
 * indexed by the number (an inlined lookup, no hash, no atomics).
 */
#ifndef ALLSYS_BPF_H
#define ALLSYS_BPF_H

#include "state.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYSCALL_SLOTS);
	__type(key, __u32);
	__type(value, struct sys_count);
} sys_counts SEC(".maps");

/* A syscall number as its slot: out-of-range numbers (-1 included) share one */
static __always_inline __u32 sys_slot(long id)
{
	return (unsigned long)id < SYSCALL_NR_OTHER ? id : SYSCALL_NR_OTHER;
}

/* At exit: the call whose entry the thread's slot holds is complete. */
static __always_inline void count_syscall(struct inflight *fl, long id, long ret, __u64 now)
{
	__u32 idx = sys_slot(id);
	struct sys_count *c;

	if (fl->nr != idx)
		return;		/* its entry was not seen (in flight at attach) */
	fl->nr = NR_NONE;
	c = bpf_map_lookup_elem(&sys_counts, &idx);
	if (!c)
		return;
	c->calls++;
	c->failed += (unsigned long)ret >= (unsigned long)-4095;
	if (fl->ts)
		c->total_ns += now - fl->ts;
	else
		c->untimed++;	/* --light: not timed */
}

#endif
