// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot rebuilt from the events of a time window, by the same rules
 * as the BPF side's account_call. What the events do not carry (kernel
 * copies, registrations, readiness re-reports, per-fd rows, S7/P1) stays 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "hist.bpf.h"
#include "record.h"
#include "capture/window.h"

__u32 wake_stack_hash(const __u64 *ips)
{
	__u64 hash = 14695981039346656037ULL;
	int i;

	for (i = 0; i < MAX_STACK_DEPTH; i++)
		hash = (hash ^ ips[i]) * 1099511628211ULL;
	return (__u32)(hash ^ (hash >> 32)) | 1;
}

static void *grow(void *arr, size_t n, size_t *cap, size_t size, int *err)
{
	void *p;

	if (n < *cap)
		return arr;
	p = realloc(arr, (*cap ? *cap * 2 : 16) * size);
	if (!p) {
		*err = 1;
		return NULL;
	}
	*cap = *cap ? *cap * 2 : 16;
	return p;
}

static struct thread_stats *thread_of(struct window *w, __u32 tid, __u32 tgid)
{
	struct snapshot *s = &w->snap;
	struct thread_stats *t;
	size_t i;

	if (w->last && w->last->tid == tid)
		return w->last;
	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return w->last = &s->threads[i];
	t = grow(s->threads, s->nthreads, &w->cap_threads, sizeof(*t), &w->err);
	if (!t)
		return NULL;
	s->threads = t;
	t = &s->threads[s->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tgid;
	return w->last = t;
}

static void count_err(struct window *w, __u32 tid, __u32 sys, __u32 err)
{
	struct snapshot *s = &w->snap;
	struct err_count *e;
	size_t i;

	for (i = 0; i < s->nerrs; i++)
		if (s->errs[i].tid == tid && s->errs[i].sys == sys && s->errs[i].err == err) {
			s->errs[i].count++;
			return;
		}
	e = grow(s->errs, s->nerrs, &w->cap_errs, sizeof(*e), &w->err);
	if (!e)
		return;
	s->errs = e;
	s->errs[s->nerrs++] = (struct err_count){ .tid = tid, .sys = sys, .err = err, .count = 1 };
}

static void count_woken(struct window *w, __u32 sys, __u32 hash)
{
	size_t i;
	void *p;

	for (i = 0; i < w->nwoken; i++)
		if (w->woken[i].sys == sys && w->woken[i].hash == hash) {
			w->woken[i].count++;
			return;
		}
	p = grow(w->woken, w->nwoken, &w->cap_woken, sizeof(*w->woken), &w->err);
	if (!p)
		return;
	w->woken = p;
	w->woken[w->nwoken].sys = sys;
	w->woken[w->nwoken].hash = hash;
	w->woken[w->nwoken++].count = 1;
}

/* account_call's rules for one call (bpf/account.bpf.h) */
/* A read, write or accept: its bytes and the kind of file its record carries */
static void window_io(struct mux_stats *s, __u32 sys, const struct rec_call *e)
{
	__u32 kind = (e->flags & REC_KIND_MASK) >> REC_KIND_SHIFT;
	__u64 bytes = e->ret > 0 && !is_accept(sys) ? e->ret : 0;
	__u32 data = e->ret > 0 || (e->ret == 0 && is_accept(sys));

	kind = kind && kind <= FD_KIND_NR ? kind - 1 : FD_OTHER;
	s->io_bytes += bytes;
	s->data_calls += data;
	s->kind_calls[kind]++;
	s->kind_data[kind] += data;
	s->kind_bytes[kind] += bytes;
}

/* A socket read that returned data */
static bool is_request(const struct rec_call *e)
{
	return is_read(e->kind) && e->ret > 0 &&
	       (e->flags & REC_KIND_MASK) >> REC_KIND_SHIFT == FD_SOCKET + 1;
}

static void add_call(struct mux_stats *s, const struct rec_call *e)
{
	__u64 runq = e->dur - e->asleep - e->oncpu, passes = 1 + e->wakeups;
	__u32 sys = e->kind, slot = hist_slot(e->dur);

	if (!s->calls)
		s->watched_min = WATCHED_UNKNOWN;
	s->calls++;
	s->errors += e->ret < 0;
	s->restarts += !!(e->flags & REC_RESTARTED);
	s->lat_total += e->dur;
	if (e->dur > s->lat_max)
		s->lat_max = e->dur;
	s->hist[slot < HIST_SLOTS ? slot : HIST_SLOTS - 1]++;
	s->sleep_ns += e->asleep;
	s->runq_ns += e->oncpu == 0xffffffffu ? 0 : runq;
	s->slept_calls += !!(e->flags & REC_SLEPT);
	s->wakeups += e->wakeups;
	s->hist_oncpu[log2_slot(e->oncpu)]++;
	if (is_wait(sys) && e->watched != WATCHED_UNKNOWN) {
		s->watched_total += e->watched;
		s->watched_calls++;
		if (e->watched < s->watched_min || s->watched_min == WATCHED_UNKNOWN)
			s->watched_min = e->watched;
		if (e->watched > s->watched_max)
			s->watched_max = e->watched;
	}
	if (is_scan(sys)) {
		s->passes += passes;
		if (e->watched != WATCHED_UNKNOWN) {
			s->examined += e->watched * passes;
			s->hist_examined[log2_slot(e->watched * passes)]++;
		}
	}
	if (is_io(sys))
		window_io(s, sys, e);
	if (e->ret >= 0 && is_wait(sys)) {
		s->timeouts += e->ret == 0;
		s->ready_total += e->ret;
		if ((__u64)e->ret > s->ready_max)
			s->ready_max = e->ret;
	}
}

void window_event(void *ctx, const struct capture *c, const struct rec_call *e,
		  const struct rec_proc *p)
{
	struct window *w = ctx;
	struct thread_stats *t;
	double at;

	w->start_ns = c->start_mono;
	if (p) {
		if (p->kind == REC_EXEC && w->nprocs < sizeof(w->procs) / sizeof(w->procs[0])) {
			w->procs[w->nprocs].tgid = p->tgid;
			memcpy(w->procs[w->nprocs++].comm, p->comm, sizeof(p->comm));
		}
		return;
	}
	if (is_request(e)) {	/* a request: the busy window */
		if (!w->req_first || e->ts < w->req_first)
			w->req_first = e->ts;
		if (e->ts + e->dur > w->req_last)
			w->req_last = e->ts + e->dur;
	}
	at = (double)(__s64)(e->ts - w->start_ns) / 1e9;
	if (at < w->from_s || (w->to_s && at >= w->to_s))
		return;
	if (w->tl) {
		if (!w->tl->width_ns)
			timeline_init(w->tl, c->start_mono);
		timeline_add(w->tl, e->tgid, e->kind, e->ts, e->dur, e->ret);
	}
	t = thread_of(w, e->tid, e->tgid);
	if (!t)
		return;
	add_call(&t->sys[e->kind], e);
	t->present |= 1u << e->kind;
	if (e->ret < 0)	/* negated unsigned: a hand-made file may hold INT64_MIN */
		count_err(w, e->tid, e->kind, (__u32)(0 - (__u64)e->ret));
	if (e->wake_hash && (e->flags & REC_SLEPT))
		count_woken(w, e->kind, e->wake_hash);
	if (!w->first_ts || e->ts < w->first_ts)
		w->first_ts = e->ts;
	if (e->ts + e->dur > w->last_ts)
		w->last_ts = e->ts + e->dur;
}

static int cmp_tid(const void *a, const void *b)
{
	const struct thread_stats *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* A thread's name: the snapshot's, else its process's last exec, else the target's */
static void name_thread(struct window *w, const struct capture *c, struct thread_stats *t)
{
	size_t i;

	snprintf(t->comm, sizeof(t->comm), "%s", c->comm[0] ? c->comm : "?");
	for (i = 0; i < w->nprocs; i++)
		if (w->procs[i].tgid == t->tgid)
			memcpy(t->comm, w->procs[i].comm, sizeof(t->comm));
	for (i = 0; i < c->snap.nthreads; i++)
		if (c->snap.threads[i].tid == t->tid)
			memcpy(t->comm, c->snap.threads[i].comm, sizeof(t->comm));
}

void window_finish(struct window *w, const struct capture *c)
{
	struct snapshot *s = &w->snap;
	size_t i, k;

	for (i = 0; i < s->nthreads; i++)
		name_thread(w, c, &s->threads[i]);
	/* the timeline's processes: named as their main thread, else as any thread */
	for (k = 0; w->tl && k < (size_t)w->tl->nprocs; k++) {
		struct tl_proc *p = &w->tl->procs[k];

		for (i = 0; i < s->nthreads && p->tgid; i++)
			if (s->threads[i].tgid == p->tgid &&
			    (!p->comm[0] || s->threads[i].tid == p->tgid))
				memcpy(p->comm, s->threads[i].comm, sizeof(p->comm));
	}
	sort_rows(s->threads, s->nthreads, sizeof(*s->threads), cmp_tid);
	w->last = NULL;
	/* the class of each call's last waker, through the final snapshot's stacks */
	for (i = 0; i < w->nwoken; i++) {
		enum wake_class cls = WAKE_NO_STACK;

		for (k = 0; k < c->snap.nwakes; k++)
			if (wake_stack_hash(c->snap.wakes[k].ips) == w->woken[i].hash)
				cls = c->snap.wakes[k].info.cls;
		s->wake[w->woken[i].sys][cls] += w->woken[i].count;
	}
	s->drops = c->snap.drops;
	snapshot_sum_threads(s);
}

void window_free(struct window *w)
{
	free(w->woken);
	snapshot_free(&w->snap);
}
