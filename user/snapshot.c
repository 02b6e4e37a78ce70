// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "names.h"
#include "snapshot.h"

void stats_merge(struct mux_stats *dst, const struct mux_stats *src)
{
	unsigned int i;

	if (!dst->calls && !dst->watched_calls)
		dst->watched_min = WATCHED_UNKNOWN;
	dst->calls += src->calls;
	dst->errors += src->errors;
	dst->timeouts += src->timeouts;
	dst->lat_total += src->lat_total;
	if (src->lat_max > dst->lat_max)
		dst->lat_max = src->lat_max;
	dst->watched_total += src->watched_total;
	dst->watched_calls += src->watched_calls;
	if (src->watched_calls && (dst->watched_min == WATCHED_UNKNOWN ||
				   src->watched_min < dst->watched_min))
		dst->watched_min = src->watched_min;
	if (src->watched_max > dst->watched_max)
		dst->watched_max = src->watched_max;
	dst->ready_total += src->ready_total;
	if (src->ready_max > dst->ready_max)
		dst->ready_max = src->ready_max;
	dst->restarts += src->restarts;
	dst->unreadable += src->unreadable;
	dst->unknown_interest += src->unknown_interest;
	dst->passes += src->passes;
	dst->examined += src->examined;
	dst->registrations += src->registrations;
	dst->approx_regs += src->approx_regs;
	dst->bytes_in += src->bytes_in;
	dst->bytes_out += src->bytes_out;
	dst->wakeups += src->wakeups;
	dst->sleep_ns += src->sleep_ns;
	dst->runq_ns += src->runq_ns;
	dst->slept_calls += src->slept_calls;
	dst->copy_ns += src->copy_ns;
	dst->io_bytes += src->io_bytes;
	dst->data_calls += src->data_calls;
	dst->reports += src->reports;
	dst->rereports += src->rereports;
	dst->unmapped += src->unmapped;
	for (i = 0; i < LOG2_SLOTS; i++) {
		dst->hist_examined[i] += src->hist_examined[i];
		dst->hist_oncpu[i] += src->hist_oncpu[i];
	}
	for (i = 0; i < HIST_SLOTS; i++)
		dst->hist[i] += src->hist[i];
}

static int cmp_tid(const void *a, const void *b)
{
	const struct thread_stats *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

static struct thread_stats *thread_of(struct snapshot *snap, __u32 tid, size_t *cap)
{
	size_t i;

	for (i = 0; i < snap->nthreads; i++)
		if (snap->threads[i].tid == tid)
			return &snap->threads[i];
	if (snap->nthreads == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *n = realloc(snap->threads, ncap * sizeof(*snap->threads));

		if (!n)
			return NULL;
		snap->threads = n;
		*cap = ncap;
	}
	memset(&snap->threads[snap->nthreads], 0, sizeof(*snap->threads));
	snap->threads[snap->nthreads].tid = tid;
	return &snap->threads[snap->nthreads++];
}

/* A thread's figures for sys; one thread may have them in two places. */
static int add_stats(struct snapshot *snap, __u32 tid, __u32 sys, const struct mux_stats *val,
		     size_t *cap)
{
	struct thread_stats *t = thread_of(snap, tid, cap);

	if (!t)
		return -ENOMEM;
	memcpy(t->comm, val->comm, sizeof(t->comm));
	t->tgid = val->tgid;
	if (t->present & (1u << sys)) {
		stats_merge(&t->sys[sys], val);
	} else {
		t->sys[sys] = *val;
		t->present |= 1u << sys;
	}
	return 0;
}

static int read_stats(struct snapshot *snap, struct iotrace_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.stats), afd = bpf_map__fd(skel->maps.stats_fast);
	__u32 slots = skel->bss->stats_next, idx, sys;
	struct stats_key key, next, *prev = NULL;
	struct mux_stats val;
	size_t cap = 0;
	int err = 0;

	/* the array slots handed out so far, then the hash */
	if (slots > STATS_SLOTS)
		slots = STATS_SLOTS;
	for (idx = 0; idx < slots * MUX_NR && !err; idx++) {
		sys = idx % MUX_NR;
		if (!bpf_map_lookup_elem(afd, &idx, &val) && val.tid && val.calls)
			err = add_stats(snap, val.tid, sys, &val, &cap);
	}
	while (!err && bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val) || key.sys >= MUX_NR)
			continue;
		err = add_stats(snap, key.tid, key.sys, &val, &cap);
	}
	return err;
}

static int cmp_tgid(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

size_t snapshot_processes(const struct snapshot *snap, struct proc_row **out)
{
	struct proc_row *rows = calloc(snap->nthreads ? snap->nthreads : 1, sizeof(*rows));
	size_t n = 0, i, k;
	unsigned int s;

	*out = rows;
	if (!rows)
		return 0;
	for (i = 0; i < snap->nthreads; i++) {
		const struct thread_stats *t = &snap->threads[i];

		for (k = 0; k < n && rows[k].tgid != t->tgid; k++)
			;
		if (k == n) {
			rows[n].tgid = t->tgid;
			memcpy(rows[n++].comm, t->comm, sizeof(t->comm));
		}
		if (t->tid == t->tgid)
			memcpy(rows[k].comm, t->comm, sizeof(t->comm));
		rows[k].threads++;
		for (s = 0; s <= MUX_EPOLL_CTL_BADOP; s++)
			rows[k].mux_calls += t->sys[s].calls;
	}
	qsort(rows, n, sizeof(*rows), cmp_tgid);
	return n;
}

static int read_errs(struct snapshot *snap, int fd)
{
	struct err_key key, next, *prev = NULL;
	size_t cap = 0;
	__u64 count;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count))
			continue;
		if (snap->nerrs == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *n = realloc(snap->errs, ncap * sizeof(*snap->errs));

			if (!n)
				return -ENOMEM;
			snap->errs = n;
			cap = ncap;
		}
		snap->errs[snap->nerrs++] = (struct err_count){
			.tid = key.tid, .sys = key.sys, .err = key.err, .count = count,
		};
	}
	return 0;
}

static void sum_threads(struct snapshot *snap)
{
	size_t i;
	unsigned int s;

	memset(snap->total, 0, sizeof(snap->total));
	snap->present = 0;
	for (i = 0; i < snap->nthreads; i++) {
		for (s = 0; s < MUX_NR; s++)
			if (snap->threads[i].present & (1u << s))
				stats_merge(&snap->total[s], &snap->threads[i].sys[s]);
		snap->present |= snap->threads[i].present;
	}
}

static void *grow(void *arr, size_t n, size_t *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(arr, *cap * size);
	if (!p)
		free(arr);
	return p;
}

static int cmp_wake(const void *a, const void *b)
{
	const struct wake_row *x = a, *y = b;

	return (x->count < y->count) - (x->count > y->count);
}

static int read_wakes(struct snapshot *snap, struct iotrace_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.wakes);
	struct wake_key key, next, *prev = NULL;
	size_t cap = 0;
	__u64 count;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct wake_row *r;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &count) || key.sys >= MUX_NR)
			continue;
		snap->wakes = grow(snap->wakes, snap->nwakes, &cap, sizeof(*snap->wakes));
		if (!snap->wakes)
			return -ENOMEM;
		r = &snap->wakes[snap->nwakes++];
		memset(r, 0, sizeof(*r));
		r->sys = key.sys;
		r->count = count;
		memcpy(r->waker, key.waker, sizeof(r->waker));
		memcpy(r->ips, key.ips, sizeof(r->ips));
	}
	qsort(snap->wakes, snap->nwakes, sizeof(*snap->wakes), cmp_wake);
	return 0;
}

/* Name the frames of every stack, then say what woke the thread. */
static int classify_wakes(struct snapshot *snap)
{
	__u64 *ips = malloc((snap->nwakes ? snap->nwakes : 1) * sizeof(*ips) * MAX_STACK_DEPTH);
	size_t i;

	if (!ips)
		return -ENOMEM;
	for (i = 0; i < snap->nwakes; i++)
		memcpy(&ips[i * MAX_STACK_DEPTH], snap->wakes[i].ips, sizeof(snap->wakes[i].ips));
	snap->ksyms = ksyms_load(ips, snap->nwakes * MAX_STACK_DEPTH);
	free(ips);
	for (i = 0; i < snap->nwakes; i++) {
		struct wake_row *r = &snap->wakes[i];

		wake_classify(snap->ksyms, r->ips, MAX_STACK_DEPTH, &r->info);
		snap->wake[r->sys][r->info.cls] += r->count;
		snap->wake_ctx[r->sys][r->info.ctx] += r->count;
	}
	return 0;
}

static int cmp_fdrow(const void *a, const void *b)
{
	const struct fd_row *x = a, *y = b;

	if (x->rereports != y->rereports)
		return (x->rereports < y->rereports) - (x->rereports > y->rereports);
	return (x->reports < y->reports) - (x->reports > y->reports);
}

static int read_fds(struct snapshot *snap, struct iotrace_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.fds);
	struct fd_key key, next, *prev = NULL;
	struct fd_state st;
	size_t cap = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &st))
			continue;
		snap->fdrows = grow(snap->fdrows, snap->nfdrows, &cap, sizeof(*snap->fdrows));
		if (!snap->fdrows)
			return -ENOMEM;
		snap->fdrows[snap->nfdrows++] = (struct fd_row){
			.fd = key.fd, .reports = st.reports, .rereports = st.rereports,
		};
	}
	qsort(snap->fdrows, snap->nfdrows, sizeof(*snap->fdrows), cmp_fdrow);
	snap->closed = skel->bss->closed;
	return 0;
}

static int read_epolls(struct snapshot *snap, struct iotrace_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.interest);
	struct interest_key key, next, *prev = NULL;
	size_t cap = 0;
	__s64 n;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &n))
			continue;
		snap->epolls = grow(snap->epolls, snap->nepolls, &cap, sizeof(*snap->epolls));
		if (!snap->epolls)
			return -ENOMEM;
		snap->epolls[snap->nepolls++] = (struct epoll_row){ .epfd = key.epfd,
								     .registrations = n };
	}
	return 0;
}

int snapshot_take(struct snapshot *snap, struct iotrace_bpf *skel, bool full)
{
	int err;

	memset(snap, 0, sizeof(*snap));
	err = read_stats(snap, skel);
	if (!err)
		err = read_errs(snap, bpf_map__fd(skel->maps.errs));
	if (!err && full)
		err = read_wakes(snap, skel);
	if (!err && full)
		err = classify_wakes(snap);
	if (!err && full)
		err = read_fds(snap, skel);
	if (!err && full)
		err = read_epolls(snap, skel);
	if (err) {
		snapshot_free(snap);
		return err;
	}
	qsort(snap->threads, snap->nthreads, sizeof(*snap->threads), cmp_tid);
	snap->drops = skel->bss->drops;
	sum_threads(snap);
	return 0;
}

static void stats_sub(struct mux_stats *d, const struct mux_stats *p)
{
	unsigned int i;

	d->calls -= p->calls;
	d->errors -= p->errors;
	d->timeouts -= p->timeouts;
	d->lat_total -= p->lat_total;
	d->watched_total -= p->watched_total;
	d->watched_calls -= p->watched_calls;
	d->ready_total -= p->ready_total;
	d->restarts -= p->restarts;
	d->passes -= p->passes;
	d->examined -= p->examined;
	d->registrations -= p->registrations;
	d->bytes_in -= p->bytes_in;
	d->bytes_out -= p->bytes_out;
	d->wakeups -= p->wakeups;
	d->sleep_ns -= p->sleep_ns;
	d->runq_ns -= p->runq_ns;
	d->io_bytes -= p->io_bytes;
	d->unreadable -= p->unreadable;
	d->unknown_interest -= p->unknown_interest;
	for (i = 0; i < HIST_SLOTS; i++)
		d->hist[i] -= p->hist[i];
}

void snapshot_diff(struct snapshot *out, const struct snapshot *cur,
		   const struct snapshot *prev)
{
	unsigned int s;

	memset(out, 0, sizeof(*out));
	out->present = cur->present;
	for (s = 0; s < MUX_NR; s++) {
		out->total[s] = cur->total[s];
		stats_sub(&out->total[s], &prev->total[s]);
	}
	out->drops = cur->drops;
}

__u64 snapshot_interrupted(const struct snapshot *snap, __u32 tid, __u32 sys)
{
	__u64 n = 0;
	size_t i;

	for (i = 0; i < snap->nerrs; i++)
		if ((tid == SNAP_ALL_THREADS || snap->errs[i].tid == tid) && snap->errs[i].sys == sys &&
		    errno_is_interrupt(snap->errs[i].err))
			n += snap->errs[i].count;
	return n;
}

void snapshot_free(struct snapshot *snap)
{
	free(snap->threads);
	free(snap->errs);
	free(snap->wakes);
	free(snap->fdrows);
	free(snap->epolls);
	ksyms_free(snap->ksyms);
	memset(snap, 0, sizeof(*snap));
}
