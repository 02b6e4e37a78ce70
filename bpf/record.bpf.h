/* SPDX-License-Identifier: GPL-2.0 */
/*
 * -w: one record per traced call and per process event, through a ring
 * buffer. The aggregates stay in the maps and stay exact: a full ring
 * buffer drops records only, and every drop is counted. Without -w,
 * targ_record is false and the verifier removes all of it.
 */
#ifndef RECORD_BPF_H
#define RECORD_BPF_H

#include "state.bpf.h"
#include "record.h"

const volatile bool targ_record = false;
__u64 record_drops = 0;		/* calls whose record found the ring buffer full */
__u64 record_proc_drops = 0;	/* process events lost the same way */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RECORD_RINGBUF_BYTES);	/* one page without -w */
} records SEC(".maps");

/* The last waker's stack per thread, hashed, for the call's wakeup class */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, INFLIGHT_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} last_waker SEC(".maps");

static __always_inline void record_woken(__u32 tid, const __u64 *ips)
{
	__u32 idx = tid & (INFLIGHT_SLOTS - 1), *h;
	__u64 hash = 14695981039346656037ULL;	/* FNV-1a over the frames */
	int i;

	if (!targ_record)
		return;
	h = bpf_map_lookup_elem(&last_waker, &idx);
	if (!h)
		return;
	for (i = 0; i < MAX_STACK_DEPTH; i++)
		hash = (hash ^ ips[i]) * 1099511628211ULL;
	*h = (__u32)(hash ^ (hash >> 32)) | 1;	/* never 0: 0 is "not woken" */
}

static __always_inline void record_call(struct inflight *fl, __u64 now, __u64 lat, long ret,
					__u32 sys, __u32 tid, __u32 tgid, bool restarted)
{
	__u32 idx = tid & (INFLIGHT_SLOTS - 1), *h;
	struct rec_call *r;
	__u64 oncpu;

	if (!targ_record)
		return;
	r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&record_drops, 1);
		return;
	}
	oncpu = lat - fl->sleep_ns - fl->runq_ns;
	r->ts = now - lat;
	r->kind = sys;
	r->flags = (restarted ? REC_RESTARTED : 0) | (fl->slept ? REC_SLEPT : 0) |
		   ((fl->io_kind << REC_KIND_SHIFT) & REC_KIND_MASK);
	r->wakeups = fl->wakeups > 255 ? 255 : fl->wakeups;
	r->oncpu = oncpu > 0xffffffffULL ? 0xffffffffu : oncpu;
	r->dur = lat;
	r->asleep = fl->sleep_ns;
	r->ret = ret;
	r->tid = tid;
	r->tgid = tgid;
	r->watched = fl->watched;
	r->wake_hash = 0;
	h = bpf_map_lookup_elem(&last_waker, &idx);
	if (h && fl->wakeups) {
		r->wake_hash = *h;
		*h = 0;
	}
	/* no wakeup per record: user space drains on its own clock */
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

static __always_inline void record_proc(__u16 kind, __u32 tid, __u32 tgid, __u32 arg)
{
	struct rec_proc *r;

	if (!targ_record)
		return;
	r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
	if (!r) {
		__sync_fetch_and_add(&record_proc_drops, 1);
		return;
	}
	r->ts = bpf_ktime_get_ns();
	r->kind = kind;
	r->pad = 0;
	r->arg = arg;
	r->tid = tid;
	r->tgid = tgid;
	bpf_get_current_comm(r->comm, sizeof(r->comm));
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

#endif
