// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a capture: the records one by one, each length checked before
 * it is used. A file that ends early or holds a bad record is "broken":
 * what came before is kept and the message says at which byte (of the
 * uncompressed stream) and in which event it broke.
 */
#include <errno.h>
#include <fcntl.h>
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
	struct capture *c;
	capture_event_fn fn;
	void *ctx;
};

/* n bytes, or the count read before the end or a zlib error */
static size_t read_some(struct reader *r, void *buf, size_t n)
{
	int got = gzread(r->gz, buf, n);

	if (got <= 0)
		return 0;
	r->off += got;
	return got;
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
			c->last_ts = e.call.ts + e.call.dur;
			if (r->fn)
				r->fn(r->ctx, c, &e.call, NULL);
		} else if (kind >= REC_FORK && kind <= REC_EXIT) {
			cur_get(p, &e.proc, sizeof(e.proc));
			e.proc.comm[sizeof(e.proc.comm) - 1] = '\0';
			c->procs++;
			if (r->fn)
				r->fn(r->ctx, c, NULL, &e.proc);
		} else {
			return broken_in(r, start + p->off, "corrupt event", "in");
		}
		c->events++;
	}
	return 0;
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
		if (err)
			return broken(r, start, "corrupt header");
		return 0;
	case CAP_EVENTS:
		return read_events(r, p, start, false);
	case CAP_END:
		if (!cur_get(p, &c->counts, sizeof(c->counts)))
			return broken(r, start, "corrupt end record");
		c->have_end = true;
		capture_snap_finish(c);
		if (!c->have_snapshot)
			return broken(r, start, "corrupt snapshot (incomplete)");
		return 0;
	default:
		if (type >= CAP_RUN && type <= CAP_ALLSYS) {
			err = capture_snap_record(c, type, p);
			if (err)
				return broken(r, start, "corrupt snapshot");
		}
		return 0;	/* a newer record type: skipped */
	}
}

static int read_all(struct reader *r, const char *path)
{
	struct capture *c = r->c;
	unsigned char magic[16];
	__u32 hdr[2], version;
	void *buf = NULL;
	int ret = 0, zerr;

	if (read_some(r, magic, sizeof(magic)) != sizeof(magic) || memcmp(magic, CAP_MAGIC, 8)) {
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
		free(buf);
		buf = malloc(hdr[1] ? hdr[1] : 1);
		if (!buf) {
			ret = -ENOMEM;
			break;
		}
		got = read_some(r, buf, hdr[1]);
		if (got != hdr[1]) {
			/* keep the whole events of a cut block */
			p = (struct cur){ .p = buf, .n = got };
			if (hdr[0] == CAP_EVENTS && c->layout) {
				ret = read_events(r, &p, start + 8, true);
				if (ret)
					break;
			}
			ret = broken_in(r, start + sizeof(hdr) + got, "truncated",
					hdr[0] == CAP_EVENTS ? "in" : "after");
			break;
		}
		p = (struct cur){ .p = buf, .n = hdr[1] };
		ret = read_record(r, hdr[0], &p, start + sizeof(hdr));
	}
	/* the end record read: one more byte makes zlib check the gzip trailer */
	if (!ret && c->have_end && read_some(r, magic, 1) == 0 && gzerror(r->gz, &zerr) &&
	    zerr != Z_OK)
		ret = broken(r, r->off, "corrupt");
	free(buf);
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
	gzclose(r.gz);
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

void capture_free(struct capture *c)
{
	capture_snap_free(c);
}
