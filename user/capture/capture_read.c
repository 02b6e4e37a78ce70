// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a capture: the records one by one, each length checked before
 * it is used. A file that ends early or holds a bad record is "broken":
 * what came before is kept and the message says at which byte (of the
 * uncompressed stream) and in which event it broke.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include "record.h"
#include "capture/capture.h"
#include "capture/capture_cur.h"

int capture_header(struct capture *c, struct cur *p);

struct reader {
	gzFile gz;
	__u64 off;		/* bytes of the uncompressed stream read */
	int err;		/* -errno of a failed read(2): EISDIR, EIO... */
	struct capture *c;
	capture_event_fn fn;
	void *ctx;
	unsigned char *buf;	/* the current record's payload */
	size_t cap;
};

/* n bytes, or the count read before the end or a zlib error */
static size_t read_some(struct reader *r, void *buf, size_t n)
{
	int got;

	errno = 0;
	got = gzread(r->gz, buf, n);
	if (got <= 0) {
		if (got < 0)
			r->err = capture_gz_errno(r->gz, errno);
		return 0;
	}
	r->off += got;
	return got;
}

/*
 * A record's payload of len bytes (len <= CAP_MAX_RECORD) into r->buf,
 * which grows with the bytes that come: a length the file does not hold
 * allocates no more than twice what it does hold. Returns the bytes read
 * (fewer than len: the file ends), or -ENOMEM.
 */
static long read_payload(struct reader *r, size_t len)
{
	size_t got = 0, step, n;

	for (;;) {
		if (got == r->cap || !r->buf) {
			size_t cap = r->cap ? r->cap * 2 : 1u << 16;
			void *p;

			if (cap > len && len > r->cap)
				cap = len;
			p = realloc(r->buf, cap);
			if (!p)
				return -ENOMEM;
			r->buf = p;
			r->cap = cap;
		}
		if (got == len)
			return got;
		step = len - got < r->cap - got ? len - got : r->cap - got;
		n = read_some(r, r->buf + got, step);
		got += n;
		if (n < step)
			return got;
	}
}

static int broken_in(struct reader *r, __u64 at, const char *what, const char *where)
{
	struct capture *c = r->c;
	int zerr;
	const char *zmsg = gzerror(r->gz, &zerr);

	c->broken = true;
	c->broken_at = at;
	if (zerr != Z_OK && zerr != Z_BUF_ERROR)
		snprintf(c->error, sizeof(c->error), "corrupt at byte %llu (%s event %llu): %s",
			 (unsigned long long)at, where,
			 (unsigned long long)c->events + (*where == 'i'), zmsg);
	else
		snprintf(c->error, sizeof(c->error), "%s at byte %llu (%s event %llu)", what,
			 (unsigned long long)at, where,
			 (unsigned long long)c->events + (*where == 'i'));
	return 1;
}

/* between records: "after event N"; inside a block of events: "in event N+1" */
static int broken(struct reader *r, __u64 at, const char *what)
{
	return broken_in(r, at, what, "after");
}

static bool event_ok(const struct rec_call *e)
{
	return e->kind < MUX_NR && e->tid && e->tgid;
}

/* A block of events; the first bad one ends the file. cut: the block was truncated */
static int read_events(struct reader *r, struct cur *p, __u64 start, bool cut)
{
	struct capture *c = r->c;

	while (cur_left(p)) {
		union { struct rec_call call; struct rec_proc proc; } e;
		__u64 end;
		__u16 kind;

		if (cut && cur_left(p) < sizeof(e.call))
			return 0;	/* the caller says where it was cut */
		if (cur_left(p) < sizeof(e.proc))
			return broken_in(r, start + p->off, "corrupt event", "in");
		memcpy(&kind, p->p + p->off + 8, sizeof(kind));
		if (kind < MUX_NR) {
			if (!cur_get(p, &e.call, sizeof(e.call)) || !event_ok(&e.call))
				return broken_in(r, start + p->off, "corrupt event", "in");
			c->calls++;
			end = e.call.ts + e.call.dur >= e.call.ts ? e.call.ts + e.call.dur : ~0ull;
			if (end > c->end_ts)
				c->end_ts = end;
			if (r->fn)
				r->fn(r->ctx, c, &e.call, NULL);
		} else if (kind >= REC_FORK && kind <= REC_EXIT) {
			cur_get(p, &e.proc, sizeof(e.proc));
			e.proc.comm[sizeof(e.proc.comm) - 1] = '\0';
			c->procs++;
			if (e.proc.ts > c->end_ts)
				c->end_ts = e.proc.ts;
			if (r->fn)
				r->fn(r->ctx, c, NULL, &e.proc);
		} else {
			return broken_in(r, start + p->off, "corrupt event", "in");
		}
		c->events++;
	}
	return 0;
}

/* The end record: its counts are the events the file holds, or it was edited */
static int read_end(struct reader *r, struct cur *p, __u64 start)
{
	struct capture *c = r->c;
	const struct cap_counts *n = &c->counts;
	char what[120];

	if (!cur_get(p, &c->counts, sizeof(c->counts)))
		return broken(r, start, "corrupt end record");
	if (n->calls != c->calls || n->procs != c->procs) {
		snprintf(what, sizeof(what), "corrupt end record (it counts %llu calls and %llu "
			 "process events, the file holds %llu and %llu)",
			 (unsigned long long)n->calls, (unsigned long long)n->procs,
			 (unsigned long long)c->calls, (unsigned long long)c->procs);
		return broken(r, start, what);
	}
	c->have_end = true;
	capture_snap_finish(c);
	if (!c->have_snapshot)
		return broken(r, start, "corrupt snapshot (incomplete)");
	return 0;
}

/* "corrupt snapshot", and what did not add up when the reader knows */
static int broken_why(struct reader *r, __u64 at, const char *what)
{
	char msg[120];

	if (!r->c->why)
		return broken(r, at, what);
	snprintf(msg, sizeof(msg), "%s (%s)", what, r->c->why);
	return broken(r, at, msg);
}

static int read_record(struct reader *r, __u32 type, struct cur *p, __u64 start)
{
	struct capture *c = r->c;
	int err = 0;

	if (type != CAP_HEADER && !c->layout)
		return broken(r, start, "corrupt (no header first)");
	switch (type) {
	case CAP_HEADER:
		if (c->layout)
			return broken(r, start, "corrupt (second header)");
		err = capture_header(c, p);
		if (err == -ENOMEM)
			return -ENOMEM;
		if (err)
			return broken_why(r, start, "corrupt header");
		return 0;
	case CAP_EVENTS:
		/* the final snapshot closes the file: it counts no event after it */
		if (c->last_snap)
			return broken(r, start, "corrupt (events after the final snapshot)");
		return read_events(r, p, start, false);
	case CAP_END:
		return read_end(r, p, start);
	default:
		if (type >= CAP_RUN && type <= CAP_ALLSYS) {
			/* in type order, each once; threads repeat, one chunk after another */
			if (type < c->last_snap || (type == c->last_snap && type != CAP_THREADS))
				return broken(r, start, "corrupt snapshot (a record repeated or out "
					      "of order)");
			c->last_snap = type;
			err = capture_snap_record(c, type, p);
			if (err == -ENOMEM)
				return -ENOMEM;
			if (err)
				return broken_why(r, start, "corrupt snapshot");
		}
		return 0;	/* a newer record type: skipped */
	}
}

static int read_all(struct reader *r, const char *path)
{
	struct capture *c = r->c;
	unsigned char magic[16];
	__u32 hdr[2], version;
	long len;
	int ret = 0, zerr;

	if (read_some(r, magic, sizeof(magic)) != sizeof(magic) || memcmp(magic, CAP_MAGIC, 8)) {
		/* a directory, a device that fails: the system's reason, not ours */
		if (r->err && r->off == 0) {
			fprintf(stderr, "iotrace: failed to read %s: %s\n", path, strerror(-r->err));
			return r->err;
		}
		fprintf(stderr, "iotrace: %s: not an iotrace capture (no magic)\n", path);
		return -EINVAL;
	}
	memcpy(&version, magic + 8, sizeof(version));
	if (version != CAP_VERSION) {
		fprintf(stderr, "iotrace: %s: capture format %u; this iotrace reads %u\n", path,
			version, CAP_VERSION);
		return -EINVAL;
	}
	while (!ret && !c->have_end) {
		__u64 start = r->off;
		size_t got = read_some(r, hdr, sizeof(hdr));
		struct cur p;

		if (got != sizeof(hdr)) {
			ret = broken(r, start + got, got ? "truncated" : "truncated (no final snapshot)");
			break;
		}
		if (hdr[1] > CAP_MAX_RECORD) {
			ret = broken(r, start, "corrupt record length");
			break;
		}
		len = read_payload(r, hdr[1]);
		if (len < 0) {
			ret = len;
			break;
		}
		got = len;
		if (got != hdr[1]) {
			/* keep the whole events of a cut block */
			p = (struct cur){ .p = r->buf, .n = got };
			if (hdr[0] == CAP_EVENTS && c->layout && !c->last_snap) {
				ret = read_events(r, &p, start + 8, true);
				if (ret)
					break;
			}
			ret = broken_in(r, start + sizeof(hdr) + got, "truncated",
					hdr[0] == CAP_EVENTS ? "in" : "after");
			break;
		}
		p = (struct cur){ .p = r->buf, .n = hdr[1] };
		ret = read_record(r, hdr[0], &p, start + sizeof(hdr));
	}
	/* the end record ends the file; reading on makes zlib check the gzip trailer */
	if (!ret && c->have_end) {
		__u64 at = r->off;

		if (read_some(r, magic, 1))
			ret = broken(r, at, "corrupt (data after the end record)");
		else if (gzerror(r->gz, &zerr) && zerr != Z_OK)
			ret = broken(r, r->off, "corrupt");
	}
	return ret;
}

int capture_read_fd(int fd, const char *path, struct capture *c, capture_event_fn fn, void *ctx)
{
	struct reader r = { .c = c, .fn = fn, .ctx = ctx };
	int ret;

	memset(c, 0, sizeof(*c));
	r.gz = gzdopen(fd, "rb");
	if (!r.gz) {
		close(fd);
		fprintf(stderr, "iotrace: failed to read %s: %s\n", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	gzbuffer(r.gz, 1 << 18);
	ret = read_all(&r, path);
	if (ret == -ENOMEM)
		fprintf(stderr, "iotrace: failed to read %s: %s\n", path, strerror(ENOMEM));
	gzclose(r.gz);
	free(r.buf);
	return ret;
}

int capture_read(const char *path, struct capture *c, capture_event_fn fn, void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		memset(c, 0, sizeof(*c));
		fprintf(stderr, "iotrace: failed to open %s: %s\n", path, strerror(errno));
		return -errno;
	}
	return capture_read_fd(fd, path, c, fn, ctx);
}

double capture_end_s(const struct capture *c)
{
	double events = c->end_ts > c->start_mono ? (c->end_ts - c->start_mono) / 1e9 : 0;
	double run = c->run.elapsed_s;

	/* the run lasts from its start to its end, events or not */
	if (!c->have_snapshot || !isfinite(run) || run < 0)
		run = 0;
	return events > run ? events : run;
}

void capture_free(struct capture *c)
{
	capture_snap_free(c);
}
