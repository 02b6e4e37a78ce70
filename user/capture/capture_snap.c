// SPDX-License-Identifier: GPL-2.0
/* Reading the final snapshot and run description of a capture, every length checked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"
#include "capture/capture_cur.h"

/* One field of our struct mux_stats found in the recorded one */
struct cap_layout {
	size_t ours, theirs, bytes;	/* offsets, length to copy */
};

#define LAYOUT_MAX	128

/* Map the recorded fields to ours by name; a field we lack is skipped, one it lacks stays 0. */
int capture_layout(struct capture *c, struct cur *v)
{
	static const struct { const char *name; size_t off, size, n; } ours[] = {
#define OURS_F(type, name, how) { #name, offsetof(struct mux_stats, name), sizeof(type), 1 },
#define OURS_A(type, name, n, how) { #name, offsetof(struct mux_stats, name), sizeof(type), n },
		MUX_STATS_FIELDS(OURS_F, OURS_A)
#undef OURS_F
#undef OURS_A
	};
	size_t i, k = 0;

	free(c->layout);
	c->layout = calloc(LAYOUT_MAX, sizeof(*c->layout));
	if (!c->layout)
		return -ENOMEM;
	c->stats_size = cur_u32(v);
	/* every real row holds histograms: a short one is corruption */
	if (c->stats_size < 1024 || c->stats_size > 1u << 20)
		v->bad = true;
	while (!v->bad && cur_left(v) && k < LAYOUT_MAX) {
		const char *name = (const char *)v->p + v->off;
		size_t len = strnlen(name, cur_left(v));
		__u32 off, size, n;

		if (len == cur_left(v)) {
			v->bad = true;
			break;
		}
		v->off += len + 1;
		off = cur_u32(v);
		size = cur_u32(v);
		n = cur_u32(v);
		if (v->bad || !size || n > c->stats_size || (__u64)off + (__u64)size * n > c->stats_size) {
			v->bad = true;
			break;
		}
		for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
			if (strcmp(ours[i].name, name) || ours[i].size != size)
				continue;
			c->layout[k++] = (struct cap_layout){
				.ours = ours[i].off, .theirs = off,
				.bytes = size * (n < ours[i].n ? n : ours[i].n),
			};
			break;
		}
	}
	return v->bad ? -EINVAL : 0;
}

static void read_stats(const struct capture *c, struct cur *p, struct mux_stats *s)
{
	const unsigned char *row = p->p + p->off;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!c->stats_size || cur_left(p) < c->stats_size) {
		p->bad = true;
		return;
	}
	for (i = 0; i < LAYOUT_MAX && c->layout[i].bytes; i++)
		memcpy((char *)s + c->layout[i].ours, row + c->layout[i].theirs, c->layout[i].bytes);
	p->off += c->stats_size;
}

/*
 * Threads come in chunks (CAP_THREADS repeats): each appends to the
 * snapshot. The writer's snapshot is sorted by tid, so tids increase
 * through the chunks: a thread twice (a chunk repeated) would count twice.
 * Each thread has a row, so the count is checked against the bytes
 * before anything is allocated.
 */
static int read_threads(struct capture *c, struct cur *p)
{
	struct snapshot *snap = &c->snap;
	__u32 n, i, s;
	void *grown;

	if (!c->layout)
		return -EINVAL;
	n = cur_count(p, 28 + c->stats_size);
	if (n > CAP_THREADS_CHUNK || snap->nthreads + n > CAP_MAX_THREADS)
		return -EINVAL;
	grown = realloc(snap->threads, (snap->nthreads + n + 1) * sizeof(*snap->threads));
	if (!grown)
		return -ENOMEM;
	snap->threads = grown;
	for (i = 0; i < n && !p->bad; i++) {
		struct thread_stats *t = &snap->threads[snap->nthreads];

		memset(t, 0, sizeof(*t));
		t->tid = cur_u32(p);
		t->tgid = cur_u32(p);
		cur_get(p, t->comm, sizeof(t->comm));
		t->comm[sizeof(t->comm) - 1] = '\0';
		t->present = cur_u32(p);
		/* a thread is in the snapshot because it has a row */
		if (!t->present || t->present >> MUX_NR)
			p->bad = true;
		if (c->have_tid && t->tid <= c->last_tid) {
			c->why = "a thread twice, or threads out of order";
			p->bad = true;
		}
		c->have_tid = true;
		c->last_tid = t->tid;
		for (s = 0; s < MUX_NR && !p->bad; s++)
			if (t->present & (1u << s))
				read_stats(c, p, &t->sys[s]);
		if (!p->bad)
			snap->nthreads++;
	}
	return 0;
}

static int read_errs(struct capture *c, struct cur *p)
{
	struct snapshot *snap = &c->snap;
	__u32 n = cur_count(p, 20), i;

	snap->errs = calloc(n ? n : 1, sizeof(*snap->errs));
	if (!snap->errs)
		return -ENOMEM;
	for (i = 0; i < n && !p->bad; i++) {
		struct err_count *e = &snap->errs[i];

		e->tid = cur_u32(p);
		e->sys = cur_u32(p);
		e->err = cur_u32(p);
		e->count = cur_u64(p);
		if (e->sys >= MUX_NR)
			p->bad = true;
		snap->nerrs = i + 1;
	}
	return 0;
}

/* n u64 counters into a struct of them: fewer leave ours 0, more are ignored */
/* all_syscalls (optional: captures before it have none) */
static void read_allsys(struct capture *c, struct cur *p)
{
	__u32 n = cur_count(p, 28), i, nr;
	struct sys_count v;

	for (i = 0; i < n && !p->bad; i++) {
		nr = cur_u32(p);
		v.calls = cur_u64(p);
		v.failed = cur_u64(p);
		v.total_ns = cur_u64(p);
		if (nr < SYSCALL_SLOTS)
			c->snap.all[nr] = v;
	}
}

static void read_u64s(struct cur *p, void *out, size_t size)
{
	__u32 n = cur_count(p, 8), i;
	__u64 v;

	memset(out, 0, size);
	for (i = 0; i < n && !p->bad; i++) {
		v = cur_u64(p);
		if ((i + 1) * sizeof(v) <= size)
			memcpy((char *)out + i * sizeof(v), &v, sizeof(v));
	}
}

static int read_wakes(struct capture *c, struct cur *p)
{
	struct snapshot *snap = &c->snap;
	__u32 n = cur_count(p, 32), i, depth, k;

	snap->wakes = calloc(n ? n : 1, sizeof(*snap->wakes));
	if (!snap->wakes)
		return -ENOMEM;
	for (i = 0; i < n && !p->bad; i++) {
		struct wake_row *r = &snap->wakes[i];

		r->sys = cur_u32(p);
		cur_get(p, r->waker, sizeof(r->waker));
		r->waker[sizeof(r->waker) - 1] = '\0';
		r->count = cur_u64(p);
		depth = cur_u32(p);
		if (r->sys >= MUX_NR || depth > MAX_STACK_DEPTH)
			p->bad = true;
		for (k = 0; k < depth && !p->bad; k++)
			r->ips[k] = cur_u64(p);
		snap->nwakes = i + 1;
	}
	return 0;
}

static int read_ksyms(struct capture *c, struct cur *p)
{
	__u32 n = cur_count(p, 10), i;
	__u16 len;

	c->ksym_addrs = calloc(n ? n : 1, sizeof(*c->ksym_addrs));
	c->ksym_names = calloc(n ? n : 1, sizeof(*c->ksym_names));
	if (!c->ksym_addrs || !c->ksym_names)
		return -ENOMEM;
	for (i = 0; i < n && !p->bad; i++) {
		c->ksym_addrs[i] = cur_u64(p);
		cur_get(p, &len, sizeof(len));
		if (len != 0xffff) {
			if (len > cur_left(p)) {
				p->bad = true;
				break;
			}
			c->ksym_names[i] = strndup((const char *)p->p + p->off, len);
			if (!c->ksym_names[i])
				return -ENOMEM;
			p->off += len;
		}
		c->nksyms = i + 1;
	}
	return 0;
}

static int read_fds(struct capture *c, struct cur *p)
{
	struct snapshot *snap = &c->snap;
	__u32 n = cur_count(p, 24), i;

	snap->fdrows = calloc(n ? n : 1, sizeof(*snap->fdrows));
	if (!snap->fdrows)
		return -ENOMEM;
	for (i = 0; i < n && !p->bad; i++) {
		snap->fdrows[i].tgid = cur_u32(p);
		snap->fdrows[i].fd = cur_u32(p);
		snap->fdrows[i].reports = cur_u64(p);
		snap->fdrows[i].rereports = cur_u64(p);
		snap->nfdrows = i + 1;
	}
	return 0;
}

static int read_epolls(struct capture *c, struct cur *p)
{
	struct snapshot *snap = &c->snap;
	__u32 n = cur_count(p, 16), i;

	snap->epolls = calloc(n ? n : 1, sizeof(*snap->epolls));
	if (!snap->epolls)
		return -ENOMEM;
	for (i = 0; i < n && !p->bad; i++) {
		snap->epolls[i].tgid = cur_u32(p);
		snap->epolls[i].epfd = cur_u32(p);
		snap->epolls[i].registrations = cur_u64(p);
		snap->nepolls = i + 1;
	}
	return 0;
}

int capture_run_record(struct capture *c, struct cur *p);

int capture_snap_record(struct capture *c, __u32 type, struct cur *p)
{
	int err = 0;

	/* each section once (threads come in chunks): a repeat would mix two snapshots */
	if (type != CAP_THREADS && (c->sections & (1u << (type - CAP_RUN))))
		return -EINVAL;
	c->sections |= 1u << (type - CAP_RUN);
	switch (type) {
	case CAP_RUN:
		err = capture_run_record(c, p);
		break;
	case CAP_THREADS:
		err = read_threads(c, p);
		break;
	case CAP_ERRS:
		err = read_errs(c, p);
		break;
	case CAP_DROPS:
		read_u64s(p, &c->snap.drops, sizeof(c->snap.drops));
		break;
	case CAP_ALLSYS:
		read_allsys(c, p);
		break;
	case CAP_WAKES:
		err = read_wakes(c, p);
		break;
	case CAP_KSYMS:
		err = read_ksyms(c, p);
		break;
	case CAP_FDS:
		err = read_fds(c, p);
		break;
	case CAP_CLOSED:
		read_u64s(p, &c->snap.closed, sizeof(c->snap.closed));
		break;
	case CAP_EPOLLS:
		err = read_epolls(c, p);
		break;
	}
	if (!err && !p->bad)
		err = capture_check_rows(c, type);
	return err ? err : p->bad ? -EINVAL : 0;
}

#define ALL_SECTIONS	((1u << (CAP_EPOLLS - CAP_RUN + 1)) - 1)

void capture_snap_finish(struct capture *c)
{
	struct snapshot *snap = &c->snap;
	size_t i;

	if ((c->sections & ALL_SECTIONS) != ALL_SECTIONS)	/* all_syscalls is optional */
		return;
	snap->ksyms = ksyms_from(c->ksym_addrs, c->ksym_names, c->nksyms);
	free(c->ksym_names);	/* the table owns the names now */
	c->ksym_names = NULL;
	for (i = 0; i < snap->nwakes; i++) {
		struct wake_row *r = &snap->wakes[i];

		wake_classify(snap->ksyms, r->ips, MAX_STACK_DEPTH, &r->info);
		snap->wake[r->sys][r->info.cls] += r->count;
		snap->wake_ctx[r->sys][r->info.ctx] += r->count;
	}
	snapshot_sum_threads(snap);
	c->have_snapshot = snap->ksyms != NULL;
}

void capture_snap_free(struct capture *c)
{
	size_t i;

	for (i = 0; c->ksym_names && i < c->nksyms; i++)
		free(c->ksym_names[i]);
	free(c->ksym_names);
	free(c->ksym_addrs);
	free(c->layout);
	snapshot_free(&c->snap);
	run_info_free(&c->run);
	c->ksym_names = NULL;
	c->ksym_addrs = NULL;
	c->layout = NULL;
}
