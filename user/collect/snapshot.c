// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "collect/frame_names.h"
#include "collect/names.h"
#include "collect/snapshot.h"

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
	sort_rows(snap->wakes, snap->nwakes, sizeof(*snap->wakes), cmp_wake);
	return 0;
}

/*
 * Name the frames of every stack (from the names learnt while tracing, if
 * any: kallsyms is read for new frames only), then say what woke the thread.
 */
static int classify_wakes(struct snapshot *snap, struct frame_names *names)
{
	__u64 *ips = malloc((snap->nwakes ? snap->nwakes : 1) * sizeof(*ips) * MAX_STACK_DEPTH);
	size_t i;

	if (!ips)
		return -ENOMEM;
	for (i = 0; i < snap->nwakes; i++)
		memcpy(&ips[i * MAX_STACK_DEPTH], snap->wakes[i].ips, sizeof(snap->wakes[i].ips));
	if (names)
		snap->ksyms = frame_names_table(names, ips, snap->nwakes * MAX_STACK_DEPTH);
	if (!snap->ksyms)
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
	if (x->reports != y->reports)
		return (x->reports < y->reports) - (x->reports > y->reports);
	if (x->tgid != y->tgid)
		return (x->tgid > y->tgid) - (x->tgid < y->tgid);
	return (x->fd > y->fd) - (x->fd < y->fd);
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
			.tgid = key.tgid, .fd = key.fd, .reports = st.reports, .rereports = st.rereports,
		};
	}
	sort_rows(snap->fdrows, snap->nfdrows, sizeof(*snap->fdrows), cmp_fdrow);
	snap->closed = skel->bss->closed;
	return 0;
}

static int cmp_epoll(const void *a, const void *b)
{
	const struct epoll_row *x = a, *y = b;

	if (x->tgid != y->tgid)
		return (x->tgid > y->tgid) - (x->tgid < y->tgid);
	return (x->epfd > y->epfd) - (x->epfd < y->epfd);
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
		snap->epolls[snap->nepolls++] = (struct epoll_row){
			.tgid = key.tgid, .epfd = key.epfd, .registrations = n,
		};
	}
	sort_rows(snap->epolls, snap->nepolls, sizeof(*snap->epolls), cmp_epoll);
	return 0;
}

static int take(struct snapshot *snap, struct iotrace_bpf *skel, bool full,
		struct frame_names *names)
{
	int err;

	memset(snap, 0, sizeof(*snap));
	err = read_stats(snap, skel);
	if (!err)
		err = read_errs(snap, bpf_map__fd(skel->maps.errs));
	if (!err)
		err = allsys_read(snap->all, bpf_map__fd(skel->maps.sys_counts));
	if (!err && full)
		err = read_wakes(snap, skel);
	if (!err && full)
		err = classify_wakes(snap, names);
	if (!err && full)
		err = read_fds(snap, skel);
	if (!err && full)
		err = read_epolls(snap, skel);
	if (err) {
		snapshot_free(snap);
		return err;
	}
	sort_rows(snap->threads, snap->nthreads, sizeof(*snap->threads), cmp_tid);
	snap->drops = skel->bss->drops;
	snapshot_sum_threads(snap);
	return 0;
}

int snapshot_take(struct snapshot *snap, struct iotrace_bpf *skel, bool full)
{
	return take(snap, skel, full, NULL);
}

int snapshot_take_named(struct snapshot *snap, struct iotrace_bpf *skel,
			struct frame_names *names)
{
	return take(snap, skel, true, names);
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
