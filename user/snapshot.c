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

static int read_stats(struct snapshot *snap, int fd)
{
	struct stats_key key, next, *prev = NULL;
	struct mux_stats val;
	struct thread_stats *t;
	size_t cap = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &val) || key.sys >= MUX_NR)
			continue;
		t = thread_of(snap, key.tid, &cap);
		if (!t)
			return -ENOMEM;
		memcpy(t->comm, val.comm, sizeof(t->comm));
		t->sys[key.sys] = val;
		t->present |= 1u << key.sys;
	}
	return 0;
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

int snapshot_take(struct snapshot *snap, struct iotrace_bpf *skel)
{
	int err;

	memset(snap, 0, sizeof(*snap));
	err = read_stats(snap, bpf_map__fd(skel->maps.stats));
	if (!err)
		err = read_errs(snap, bpf_map__fd(skel->maps.errs));
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
	memset(snap, 0, sizeof(*snap));
}
