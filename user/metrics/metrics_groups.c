// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "collect/names.h"
#include "metrics/metrics_groups.h"

const char *metrics_sys_label(unsigned int sys)
{
	static char labels[MUX_NR][32];
	static bool made;
	unsigned int s;
	char *c;

	/* derived once from the report's names: "epoll_ctl(ADD)" -> "epoll_ctl_add" */
	if (!made) {
		for (s = 0; s < MUX_NR; s++) {
			snprintf(labels[s], sizeof(labels[s]), "%s", mux_sys_name(s));
			for (c = labels[s]; *c; c++) {
				if (*c >= 'A' && *c <= 'Z')
					*c += 'a' - 'A';
				else if (*c == '(' || *c == ' ')
					*c = '_';
				else if (*c == ')')
					*c = '\0';
			}
		}
		made = true;
	}
	return sys < MUX_NR ? labels[sys] : "unknown";
}

static int cmp_group(const void *a, const void *b)
{
	const struct metrics_group *x = a, *y = b;

	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static const struct thread_stats *thread_of(const struct snapshot *snap, __u32 tid)
{
	size_t lo = 0, hi = snap->nthreads;

	while (lo < hi) {	/* threads are sorted by tid */
		size_t mid = (lo + hi) / 2;

		if (snap->threads[mid].tid == tid)
			return &snap->threads[mid];
		if (snap->threads[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static size_t group_of(const struct metrics_groups *gs, __u32 tgid, __u32 tid)
{
	struct metrics_group key = { .tgid = tgid, .tid = tid }, *g;

	g = bsearch(&key, gs->rows, gs->n, sizeof(key), cmp_group);
	return g ? (size_t)(g - gs->rows) : gs->n;
}

static int cmp_err(const void *a, const void *b)
{
	const struct metrics_err *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->sys != y->sys)
		return x->sys < y->sys ? -1 : 1;
	return (x->err > y->err) - (x->err < y->err);
}

/* Each thread's errno counts, summed per series: sort, then fold neighbours. */
static int add_errs(struct metrics_groups *gs, const struct snapshot *snap, bool per_thread)
{
	size_t i, n = 0;

	gs->errs = calloc(snap->nerrs ? snap->nerrs : 1, sizeof(*gs->errs));
	if (!gs->errs)
		return -ENOMEM;
	for (i = 0; i < snap->nerrs; i++) {
		const struct err_count *e = &snap->errs[i];
		const struct thread_stats *t = thread_of(snap, e->tid);
		size_t g;

		if (!t || e->sys >= MUX_NR)
			continue;
		g = group_of(gs, t->tgid, per_thread ? t->tid : 0);
		if (g < gs->n)
			gs->errs[n++] = (struct metrics_err){ g, e->sys, e->err, e->count };
	}
	if (n)
		qsort(gs->errs, n, sizeof(*gs->errs), cmp_err);
	for (i = 0; i < n; i++) {
		if (gs->nerrs && !cmp_err(&gs->errs[gs->nerrs - 1], &gs->errs[i]))
			gs->errs[gs->nerrs - 1].count += gs->errs[i].count;
		else
			gs->errs[gs->nerrs++] = gs->errs[i];
	}
	return 0;
}

int metrics_groups_build(struct metrics_groups *gs, const struct snapshot *snap,
			 bool per_thread)
{
	size_t i, k, n = 0;
	unsigned int s;

	memset(gs, 0, sizeof(*gs));
	gs->rows = calloc(snap->nthreads ? snap->nthreads : 1, sizeof(*gs->rows));
	if (!gs->rows)
		return -ENOMEM;
	for (i = 0; i < snap->nthreads; i++) {
		const struct thread_stats *t = &snap->threads[i];
		__u32 tid = per_thread ? t->tid : 0;
		struct metrics_group *g;

		/* per thread, every thread is a series of its own (tids are unique) */
		for (k = per_thread ? n : 0; k < n && gs->rows[k].tgid != t->tgid; k++)
			;
		g = &gs->rows[k];
		if (k == n) {
			n++;
			g->tgid = t->tgid;
			g->tid = tid;
			memcpy(g->comm, t->comm, sizeof(g->comm));
		}
		if (t->tid == t->tgid)	/* a process is named by its main thread */
			memcpy(g->comm, t->comm, sizeof(g->comm));
		for (s = 0; s < MUX_NR; s++) {
			if (!(t->present & (1u << s)))
				continue;
			stats_merge(&g->sys[s], &t->sys[s]);
			g->calls[s] += t->sys[s].calls;
		}
	}
	gs->n = n;
	if (n)
		qsort(gs->rows, n, sizeof(*gs->rows), cmp_group);
	return add_errs(gs, snap, per_thread);
}

void metrics_groups_free(struct metrics_groups *gs)
{
	free(gs->rows);
	free(gs->errs);
	memset(gs, 0, sizeof(*gs));
}
