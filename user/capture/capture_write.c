// SPDX-License-Identifier: GPL-2.0
/* Writing a capture: the framing, the header's layout, the final snapshot. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"
#include "collect/names.h"

void capbuf_put(struct capbuf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		void *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

/* x86_64 only (syscalls.bpf.h): the host order is the file's little-endian */
void capbuf_u32(struct capbuf *b, __u32 v)
{
	capbuf_put(b, &v, sizeof(v));
}

void capbuf_u64(struct capbuf *b, __u64 v)
{
	capbuf_put(b, &v, sizeof(v));
}

void capbuf_tag(struct capbuf *b, __u16 tag, const void *data, __u32 n)
{
	capbuf_put(b, &tag, sizeof(tag));
	capbuf_u32(b, n);
	capbuf_put(b, data, n);
}

void capbuf_tag_str(struct capbuf *b, __u16 tag, const char *s)
{
	capbuf_tag(b, tag, s, strlen(s));
}

void capbuf_tag_u64(struct capbuf *b, __u16 tag, __u64 v)
{
	capbuf_tag(b, tag, &v, sizeof(v));
}

void capbuf_free(struct capbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/*
 * zlib keeps the error of a failed write(2) or read(2) as Z_ERRNO and
 * leaves errno as the call set it: saved_errno, read right after the
 * failing gz call, is the system's reason (ENOSPC on a full disk). Any
 * other zlib error is EIO.
 */
int capture_gz_errno(gzFile gz, int saved_errno)
{
	int zerr = Z_OK;

	gzerror(gz, &zerr);
	if (zerr == Z_ERRNO && saved_errno > 0)
		return -saved_errno;
	return zerr == Z_MEM_ERROR ? -ENOMEM : -EIO;
}

/* n bytes through zlib: 0 or -errno */
static int put(gzFile gz, const void *p, size_t n)
{
	errno = 0;
	if (n && gzwrite(gz, p, n) != (int)n)
		return capture_gz_errno(gz, errno);
	return 0;
}

int capture_put_record(gzFile gz, __u32 type, const struct capbuf *b)
{
	__u32 hdr[2] = { type, b->len };
	int err;

	if (b->oom || b->len > CAP_MAX_RECORD)
		return -ENOMEM;
	err = put(gz, hdr, sizeof(hdr));
	return err ? err : put(gz, b->p, b->len);
}

int capture_put_magic(gzFile gz)
{
	__u32 version[2] = { CAP_VERSION, 0 };
	int err = put(gz, CAP_MAGIC, 8);

	return err ? err : put(gz, version, sizeof(version));
}

/* The field list of struct mux_stats, so a reader maps rows by name */
void capture_put_layout(struct capbuf *b)
{
	struct capbuf l = {};
	unsigned int s;

	for (s = 0; s < MUX_NR; s++)
		capbuf_put(&l, mux_sys_name(s), strlen(mux_sys_name(s)) + 1);
	capbuf_tag(b, HDR_SYSCALLS, l.p, l.len);
	l.len = 0;
	capbuf_u32(&l, sizeof(struct mux_stats));
#define LAYOUT_F(type, name, how)					\
	capbuf_put(&l, #name, sizeof(#name));				\
	capbuf_u32(&l, offsetof(struct mux_stats, name));		\
	capbuf_u32(&l, sizeof(type));					\
	capbuf_u32(&l, 1);
#define LAYOUT_A(type, name, n, how)					\
	capbuf_put(&l, #name, sizeof(#name));				\
	capbuf_u32(&l, offsetof(struct mux_stats, name));		\
	capbuf_u32(&l, sizeof(type));					\
	capbuf_u32(&l, n);
	MUX_STATS_FIELDS(LAYOUT_F, LAYOUT_A)
#undef LAYOUT_F
#undef LAYOUT_A
	capbuf_tag(b, HDR_STATS_LAYOUT, l.p, l.len);
	capbuf_free(&l);
}

static void put_strs(struct capbuf *b, __u16 tag, const char *const *strs)
{
	struct capbuf l = {};
	int i;

	for (i = 0; strs[i]; i++)
		capbuf_put(&l, strs[i], strlen(strs[i]) + 1);
	capbuf_tag(b, tag, l.p, l.len);
	capbuf_free(&l);
}

/* CPU time: the whole run's (p NULL) or one process's */
static void put_cpu(struct capbuf *b, __u16 tag, const struct proc_cpu *p, const struct cpu_use *u)
{
	struct capbuf v = {};
	__u32 pid = p ? p->pid : 0;

	if (p) {
		capbuf_put(&v, &pid, sizeof(pid));
		capbuf_put(&v, p->comm, sizeof(p->comm));
	}
	capbuf_put(&v, &u->user_s, sizeof(u->user_s));
	capbuf_put(&v, &u->system_s, sizeof(u->system_s));
	capbuf_u32(&v, u->sources);
	capbuf_tag(b, tag, v.p, v.len);
	b->oom |= v.oom;
	capbuf_free(&v);
}

static void put_run(struct capbuf *b, const struct run_info *r)
{
	int i;

	capbuf_tag_u64(b, RUN_PID, r->pid);
	capbuf_tag(b, RUN_COMM, r->comm, strnlen(r->comm, sizeof(r->comm)));
	capbuf_tag_u64(b, RUN_NPIDS, r->npids);
	capbuf_tag_u64(b, RUN_LAUNCHED, r->launched);
	capbuf_tag_u64(b, RUN_WAIT_STATUS, (__u64)(__s64)r->wait_status);
	capbuf_tag_u64(b, RUN_FOLLOW, r->follow);
	capbuf_tag_u64(b, RUN_MANY, r->many);
	capbuf_tag(b, RUN_ELAPSED, &r->elapsed_s, sizeof(r->elapsed_s));
	capbuf_tag_u64(b, RUN_END, r->end);
	if (r->end_other)
		capbuf_tag_str(b, RUN_END_OTHER_NAME, r->end_other);
	capbuf_tag_str(b, RUN_SYSCALL_PROBE, r->syscall_probe ? r->syscall_probe : "");
	capbuf_tag_u64(b, RUN_SCHED, r->sched);
	put_strs(b, RUN_LIVE, r->live);
	capbuf_tag_u64(b, RUN_EXACT, r->exact);
	capbuf_tag(b, RUN_FENTRY_ERROR, r->fentry_error, strnlen(r->fentry_error, 64));
	capbuf_tag(b, RUN_KPROBE_ERROR, r->kprobe_error, strnlen(r->kprobe_error, 64));
	if (r->not_tried)
		capbuf_tag_str(b, RUN_NOT_TRIED, r->not_tried);
	for (i = 0; i < DEEP_NR; i++) {
		capbuf_tag_str(b, RUN_EXACT_NAME, r->exact_names[i] ? r->exact_names[i] : "");
		capbuf_tag_u64(b, RUN_EXACT_COUNT, r->exact_counts[i]);
	}
	capbuf_tag_u64(b, RUN_EPOLL_READ, r->epoll_read);
	capbuf_tag_u64(b, RUN_EPOLL_FDS, r->epoll_fds);
	capbuf_tag_u64(b, RUN_EPOLL_REGS, r->epoll_registrations);
	capbuf_tag_u64(b, RUN_EPOLL_UNREADABLE, r->epoll_unreadable);
	put_cpu(b, RUN_CPU, NULL, &r->cpu);
	capbuf_tag_u64(b, RUN_CPU_UNREAD, r->cpu_unread);
	for (i = 0; i < (int)r->ncpus; i++)
		put_cpu(b, RUN_PROC_CPU, &r->cpus[i], &r->cpus[i].cpu);
}

/* threads [from, to) */
static void put_threads(struct capbuf *b, const struct snapshot *snap, size_t from, size_t to)
{
	unsigned int s;
	size_t i;

	capbuf_u32(b, to - from);
	for (i = from; i < to; i++) {
		const struct thread_stats *t = &snap->threads[i];

		capbuf_u32(b, t->tid);
		capbuf_u32(b, t->tgid);
		capbuf_put(b, t->comm, sizeof(t->comm));
		capbuf_u32(b, t->present);
		for (s = 0; s < MUX_NR; s++)
			if (t->present & (1u << s))
				capbuf_put(b, &t->sys[s], sizeof(t->sys[s]));
	}
}

/* in chunks: a record stays far below CAP_MAX_RECORD with 65536 rows */
static int put_thread_records(gzFile gz, const struct snapshot *snap)
{
	size_t from = 0, to;
	int err = 0;

	do {
		struct capbuf b = {};

		to = from + CAP_THREADS_CHUNK < snap->nthreads ? from + CAP_THREADS_CHUNK :
								  snap->nthreads;
		put_threads(&b, snap, from, to);
		err = capture_put_record(gz, CAP_THREADS, &b);
		capbuf_free(&b);
		from = to;
	} while (!err && from < snap->nthreads);
	return err;
}

static void put_errs(struct capbuf *b, const struct snapshot *snap)
{
	size_t i;

	capbuf_u32(b, snap->nerrs);
	for (i = 0; i < snap->nerrs; i++) {
		capbuf_u32(b, snap->errs[i].tid);
		capbuf_u32(b, snap->errs[i].sys);
		capbuf_u32(b, snap->errs[i].err);
		capbuf_u64(b, snap->errs[i].count);
	}
}

static void put_wakes(struct capbuf *b, struct capbuf *syms, const struct snapshot *snap)
{
	size_t i, k, nsyms = 0;
	struct capbuf names = {};

	capbuf_u32(b, snap->nwakes);
	for (i = 0; i < snap->nwakes; i++) {
		const struct wake_row *r = &snap->wakes[i];

		capbuf_u32(b, r->sys);
		capbuf_put(b, r->waker, sizeof(r->waker));
		capbuf_u64(b, r->count);
		capbuf_u32(b, MAX_STACK_DEPTH);
		capbuf_put(b, r->ips, sizeof(r->ips));
		/* every frame's name (repeats are harmless): --stacks without kallsyms */
		for (k = 0; k < MAX_STACK_DEPTH && r->ips[k]; k++) {
			const char *fn = ksyms_name(snap->ksyms, r->ips[k]);
			__u16 len = fn ? strnlen(fn, 0xfffe) : 0xffff;	/* 0xffff: no name */

			capbuf_u64(&names, r->ips[k]);
			capbuf_put(&names, &len, sizeof(len));
			if (fn)
				capbuf_put(&names, fn, len);
			nsyms++;
		}
	}
	capbuf_u32(syms, nsyms);
	capbuf_put(syms, names.p, names.len);
	syms->oom |= names.oom;
	capbuf_free(&names);
}

static void put_rows(struct capbuf *b, const struct snapshot *snap)
{
	size_t i;

	capbuf_u32(b, snap->nfdrows);
	for (i = 0; i < snap->nfdrows; i++) {
		capbuf_u32(b, snap->fdrows[i].tgid);
		capbuf_u32(b, snap->fdrows[i].fd);
		capbuf_u64(b, snap->fdrows[i].reports);
		capbuf_u64(b, snap->fdrows[i].rereports);
	}
}

static void put_epolls(struct capbuf *b, const struct snapshot *snap)
{
	size_t i;

	capbuf_u32(b, snap->nepolls);
	for (i = 0; i < snap->nepolls; i++) {
		capbuf_u32(b, snap->epolls[i].tgid);
		capbuf_u32(b, snap->epolls[i].epfd);
		capbuf_u64(b, snap->epolls[i].registrations);
	}
}

/* every syscall with calls, by number */
static void put_allsys(struct capbuf *b, const struct snapshot *snap)
{
	__u32 nr, n = 0;

	for (nr = 0; nr < SYSCALL_SLOTS; nr++)
		n += !!snap->all[nr].calls;
	capbuf_u32(b, n);
	for (nr = 0; nr < SYSCALL_SLOTS; nr++) {
		if (!snap->all[nr].calls)
			continue;
		capbuf_u32(b, nr);
		capbuf_u64(b, snap->all[nr].calls);
		capbuf_u64(b, snap->all[nr].failed);
		capbuf_u64(b, snap->all[nr].total_ns);
	}
}

int capture_put_final(gzFile gz, const struct snapshot *snap, const struct run_info *run,
		      const struct cap_counts *counts)
{
	struct capbuf b[10] = {};
	const __u32 types[10] = { CAP_RUN, 0, CAP_ERRS, CAP_DROPS, CAP_WAKES,
				  CAP_KSYMS, CAP_FDS, CAP_CLOSED, CAP_EPOLLS, CAP_ALLSYS };
	struct capbuf end = {};
	int err = 0, i;

	put_run(&b[0], run);
	put_errs(&b[2], snap);
	capbuf_u32(&b[3], sizeof(snap->drops) / sizeof(__u64));
	capbuf_put(&b[3], &snap->drops, sizeof(snap->drops));
	put_wakes(&b[4], &b[5], snap);
	put_rows(&b[6], snap);
	capbuf_u32(&b[7], sizeof(snap->closed) / sizeof(__u64));
	capbuf_put(&b[7], &snap->closed, sizeof(snap->closed));
	put_epolls(&b[8], snap);
	put_allsys(&b[9], snap);
	capbuf_put(&end, counts, sizeof(*counts));
	for (i = 0; i < 10; i++) {
		if (!err)
			err = types[i] ? capture_put_record(gz, types[i], &b[i]) :
					 put_thread_records(gz, snap);
		capbuf_free(&b[i]);
	}
	if (!err)
		err = capture_put_record(gz, CAP_END, &end);
	capbuf_free(&end);
	return err;
}
