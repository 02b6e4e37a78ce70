/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time asleep versus on CPU inside a call (sched_switch), and who woke the
 * thread (sched_waking, with the waker's kernel stack). Both read the
 * sleeper's task through BTF pointers: tp_btf only.
 */
#ifndef SCHED_BPF_H
#define SCHED_BPF_H

#include "state.bpf.h"
#include "maps.bpf.h"
#include "record.bpf.h"

static __always_inline void switched_out(struct task_struct *prev, bool runnable)
{
	struct inflight *fl = inflight_of(prev->pid, false);

	if (!fl || fl->sys == MUX_NONE)
		return;
	fl->off_ts = bpf_ktime_get_ns();
	fl->off_sleep = !runnable;
}

static __always_inline void switched_in(struct task_struct *next)
{
	struct inflight *fl = inflight_of(next->pid, false);
	__u64 now, delta;

	if (!fl || !fl->off_ts)
		return;
	now = bpf_ktime_get_ns();
	delta = now - fl->off_ts;
	if (fl->off_sleep) {
		fl->sleep_ns += delta;
		fl->slept = 1;
		fl->on_ts = now;
	} else {
		fl->runq_ns += delta;
	}
	fl->off_ts = 0;
}

static __always_inline void woken(void *ctx, struct task_struct *p)
{
	struct inflight *fl = inflight_of(p->pid, false);
	__u32 zero = 0;
	struct wake_key *key = bpf_map_lookup_elem(&wake_scratch, &zero);
	__u64 none = 0, *n;

	if (light) {	/* the count per call only: no stack, no wakes row */
		if (fl && fl->sys != MUX_NONE)
			fl->wakeups++;
		return;
	}
	if (!key)
		return;
	key->sys = MUX_OUTSIDE;
	key->pad = 0;
	if (fl && fl->sys != MUX_NONE) {
		key->sys = sys_plain(fl->sys);
		fl->wakeups++;
	}
	/* fills the rest of ips with zeros, or all of it on failure */
	bpf_get_stack(ctx, key->ips, sizeof(key->ips), 0);
	record_woken(p->pid, key->ips);
	bpf_get_current_comm(key->waker, sizeof(key->waker));
	/* several CPUs may wake threads with the same stack: atomic adds */
	n = lookup_or_try_init(&wakes, key, &none);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		__sync_fetch_and_add(&drops.wakes_full, 1);
}

#endif
