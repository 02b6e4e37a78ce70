// SPDX-License-Identifier: GPL-2.0
/*
 * Arithmetic on the figures: merging threads, the difference between two
 * snapshots, per-process and per-errno totals, IO by kind of file. Merge and
 * subtract expand MUX_STATS_FIELDS (bpf/iotrace.h), so every field is
 * handled by its kind.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/names.h"
#include "collect/snapshot.h"

/* SUM adds; MAX keeps the larger; MIN is watched_min, known once a call's fds were */
#define MERGE_SUM(x)	dst->x += src->x;
#define MERGE_MAX(x)	if (src->x > dst->x) dst->x = src->x;
#define MERGE_MIN(x)	if (src->watched_calls && src->x < dst->x) dst->x = src->x;
#define MERGE_ID(x)
#define MERGE_F(type, name, how)	MERGE_##how(name)
#define MERGE_A(type, name, n, how)	for (i = 0; i < (n); i++) { MERGE_##how(name[i]) }

void stats_merge(struct mux_stats *dst, const struct mux_stats *src)
{
	unsigned int i;

	/* WATCHED_UNKNOWN is above every count, so the first known min wins */
	if (!dst->watched_calls)
		dst->watched_min = WATCHED_UNKNOWN;
	MUX_STATS_FIELDS(MERGE_F, MERGE_A)
	(void)i;
}

/* cur - prev: counters subtract; extremes and identity stay cur's */
#define SUB_SUM(x)	d->x -= p->x;
#define SUB_MAX(x)
#define SUB_MIN(x)
#define SUB_ID(x)
#define SUB_F(type, name, how)		SUB_##how(name)
#define SUB_A(type, name, n, how)	for (i = 0; i < (n); i++) { SUB_##how(name[i]) }

static void stats_sub(struct mux_stats *d, const struct mux_stats *p)
{
	unsigned int i;

	MUX_STATS_FIELDS(SUB_F, SUB_A)
	(void)i;
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
	for (s = 0; s < SYSCALL_SLOTS; s++) {
		out->all[s].calls = cur->all[s].calls - prev->all[s].calls;
		out->all[s].failed = cur->all[s].failed - prev->all[s].failed;
		out->all[s].total_ns = cur->all[s].total_ns - prev->all[s].total_ns;
		out->all[s].untimed = cur->all[s].untimed - prev->all[s].untimed;
	}
}

void snapshot_sum_threads(struct snapshot *snap)
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
		for (s = 0; s < MUX_NR; s++)
			if (is_mux(s))
				rows[k].mux_calls += t->sys[s].calls;
	}
	sort_rows(rows, n, sizeof(*rows), cmp_tgid);
	return n;
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

__u64 snapshot_errno(const struct snapshot *snap, unsigned int sys, unsigned int err)
{
	__u64 n = 0;
	size_t i;

	for (i = 0; i < snap->nerrs; i++)
		if (snap->errs[i].sys == sys && snap->errs[i].err == err)
			n += snap->errs[i].count;
	return n;
}

__u64 snapshot_calls(const struct snapshot *snap, int (*kind)(unsigned int sys))
{
	__u64 n = 0;
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		if (kind(s))
			n += snap->total[s].calls;
	return n;
}

bool snapshot_any(const struct snapshot *snap, int (*kind)(unsigned int sys))
{
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		if (kind(s) && snap->present & (1u << s))
			return true;
	return false;
}

void sort_rows(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	/* qsort's base must not be NULL, even for 0 rows (UBSan) */
	if (n > 1)
		qsort(base, n, size, cmp);
}

void snapshot_io(const struct snapshot *snap, int (*group)(unsigned int sys),
		 struct io_sum sums[FD_KIND_NR])
{
	unsigned int s, k;

	memset(sums, 0, FD_KIND_NR * sizeof(*sums));
	for (s = 0; s < MUX_NR; s++) {
		if (!group(s))
			continue;
		for (k = 0; k < FD_KIND_NR; k++) {
			sums[k].calls += snap->total[s].kind_calls[k];
			sums[k].data_calls += snap->total[s].kind_data[k];
			sums[k].bytes += snap->total[s].kind_bytes[k];
		}
	}
}

__u64 snapshot_requests(const struct snapshot *snap)
{
	struct io_sum reads[FD_KIND_NR];

	snapshot_io(snap, is_read, reads);
	return reads[FD_SOCKET].data_calls;
}
