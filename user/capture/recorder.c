// SPDX-License-Identifier: GPL-2.0
/*
 * -w FILE: a thread drains the ring buffer every few milliseconds (the BPF
 * side submits without wakeups) and writes blocks of records through zlib.
 * The final snapshot is written by main after the trace, from the maps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "record.h"
#include "capture/capture.h"
#include "capture/recorder.h"

#define BLOCK_BYTES	(256u << 10)	/* events per CAP_EVENTS record, at most */
#define DRAIN_NS	5000000		/* 5 ms: 7 k records at 1.45 M/s, in a 16 MiB ring */

struct recorder {
	char *path;
	gzFile gz;
	struct ring_buffer *rb;
	pthread_t thread;
	bool running;
	volatile bool stop;
	struct capbuf block;
	struct cap_counts counts;
	struct iotrace_bpf *skel;
	int err;
};

void record_configure(struct iotrace_bpf *skel, long kib)
{
	bool on = kib > 0;

	skel->rodata->targ_record = on;
	/* without -w the smallest ring buffer: it must exist to load */
	bpf_map__set_max_entries(skel->maps.records, on && kib * 1024 > getpagesize() ?
				 kib * 1024 : getpagesize());
	bpf_program__set_autoload(skel->progs.record_fork, on);
	bpf_program__set_autoload(skel->progs.record_exit, on);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct recorder *r = ctx;

	if (size == sizeof(struct rec_call))
		r->counts.calls++;
	else if (size == sizeof(struct rec_proc))
		r->counts.procs++;
	else
		return 0;
	capbuf_put(&r->block, data, size);
	return 0;
}

static void flush_block(struct recorder *r)
{
	int err;

	if (!r->block.len)
		return;
	if (!r->err && (err = capture_put_record(r->gz, CAP_EVENTS, &r->block)))
		r->err = -err;
	r->block.len = 0;
}

static void *drain(void *arg)
{
	struct recorder *r = arg;
	const struct timespec pause = { .tv_nsec = DRAIN_NS };

	while (!r->stop) {
		if (ring_buffer__consume(r->rb) <= 0)
			nanosleep(&pause, NULL);
		if (r->block.len >= BLOCK_BYTES || r->stop)
			flush_block(r);
	}
	return NULL;
}

struct recorder *recorder_open(const char *path)
{
	struct recorder *r = calloc(1, sizeof(*r));

	if (!r || !(r->path = strdup(path))) {
		free(r);
		fprintf(stderr, "iotrace: failed to record: %s\n", strerror(ENOMEM));
		return NULL;
	}
	/* level 1: ~4x smaller than raw at several times level 6's speed */
	r->gz = gzopen(path, "wb1");
	if (!r->gz) {
		fprintf(stderr, "iotrace: failed to open %s: %s\n", path,
			errno ? strerror(errno) : "zlib");
		free(r->path);
		free(r);
		return NULL;
	}
	gzbuffer(r->gz, 1 << 20);
	return r;
}

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void put_head(struct capbuf *b, const struct record_head *h)
{
	struct capbuf l = {};
	struct utsname u;
	int i;

	capbuf_tag_str(b, HDR_IOTRACE_VERSION, h->version);
	capbuf_tag_str(b, HDR_KERNEL, uname(&u) ? "?" : u.release);
	for (i = 0; i < h->argc; i++)
		capbuf_put(&l, h->argv[i], strlen(h->argv[i]) + 1);
	capbuf_tag(b, HDR_ARGV, l.p, l.len);
	l.len = 0;
	for (i = 0; i < h->npids; i++)
		capbuf_u32(&l, h->pids[i]);
	capbuf_tag(b, HDR_TARGETS, l.p, l.len);
	l.len = 0;
	capbuf_tag_str(b, HDR_TARGET_COMM, h->comm);
	for (i = 0; h->live[i]; i++)
		capbuf_put(&l, h->live[i], strlen(h->live[i]) + 1);
	capbuf_tag(b, HDR_PROBES, l.p, l.len);
	capbuf_tag_u64(b, HDR_START_REALTIME, clock_ns(CLOCK_REALTIME));
	capbuf_tag_u64(b, HDR_START_MONO, clock_ns(CLOCK_MONOTONIC));
	capbuf_tag_u64(b, HDR_FOLLOW, h->follow);
	capbuf_tag_u64(b, HDR_LAUNCHED, h->launched);
	/* the mode is known from the start: a file cut before its snapshot still says it */
	capbuf_tag_u64(b, HDR_LIGHT, h->light);
	capbuf_tag_u64(b, HDR_TIME_EVERY, h->time_every);
	if (h->light && h->why_light && h->why_light[0])
		capbuf_tag_str(b, HDR_WHY_LIGHT, h->why_light);
	capture_put_layout(b);
	b->oom |= l.oom;
	capbuf_free(&l);
}

int recorder_start(struct recorder *r, struct iotrace_bpf *skel, const struct record_head *h)
{
	struct capbuf head = {};
	int err;

	r->skel = skel;
	put_head(&head, h);
	err = capture_put_magic(r->gz);
	if (!err)
		err = capture_put_record(r->gz, CAP_HEADER, &head);
	capbuf_free(&head);
	if (err) {
		fprintf(stderr, "iotrace: failed to write %s: %s\n", r->path, strerror(-err));
		return err;
	}
	r->rb = ring_buffer__new(bpf_map__fd(skel->maps.records), on_record, r, NULL);
	if (!r->rb) {
		err = -errno;
		fprintf(stderr, "iotrace: failed to open the ring buffer: %s\n", strerror(-err));
		return err;
	}
	err = pthread_create(&r->thread, NULL, drain, r);
	if (err) {
		fprintf(stderr, "iotrace: failed to start the recorder: %s\n", strerror(err));
		return -err;
	}
	r->running = true;
	return 0;
}

static void stop_thread(struct recorder *r)
{
	if (!r->running)
		return;
	r->stop = true;
	pthread_join(r->thread, NULL);
	r->running = false;
}

/* "N of M calls not recorded": M is every call the aggregates counted */
static void print_counts(const struct recorder *r)
{
	const struct cap_counts *c = &r->counts;

	fprintf(stderr, "iotrace: recorded %llu calls and %llu process events to %s\n",
		(unsigned long long)c->calls, (unsigned long long)c->procs, r->path);
	if (c->calls_dropped)
		fprintf(stderr, "iotrace: %llu of %llu calls not recorded (ring buffer full); "
			"totals exact\n", (unsigned long long)c->calls_dropped,
			(unsigned long long)(c->calls + c->calls_dropped));
	if (c->procs_dropped)
		fprintf(stderr, "iotrace: %llu process events not recorded (ring buffer full)\n",
			(unsigned long long)c->procs_dropped);
}

int recorder_finish(struct recorder *r, const struct snapshot *snap, const struct run_info *run)
{
	int err, zerr;

	stop_thread(r);
	/* what the programs submitted before counting stopped */
	ring_buffer__consume(r->rb);
	flush_block(r);
	r->counts.calls_dropped = r->skel->bss->record_drops;
	r->counts.procs_dropped = r->skel->bss->record_proc_drops;
	err = r->err ? -r->err : capture_put_final(r->gz, snap, run, &r->counts);
	/* the last buffered bytes go out here: a full disk says so (ENOSPC), not EIO */
	errno = 0;
	zerr = gzclose(r->gz);
	if (zerr != Z_OK && !err)
		err = zerr == Z_ERRNO && errno > 0 ? -errno : -EIO;
	r->gz = NULL;
	if (err)
		fprintf(stderr, "iotrace: failed to write %s: %s\n", r->path, strerror(-err));
	else
		print_counts(r);
	recorder_close(r);
	return err ? -1 : 0;
}

void recorder_close(struct recorder *r)
{
	if (!r)
		return;
	stop_thread(r);
	ring_buffer__free(r->rb);
	if (r->gz)
		gzclose(r->gz);
	capbuf_free(&r->block);
	free(r->path);
	free(r);
}
