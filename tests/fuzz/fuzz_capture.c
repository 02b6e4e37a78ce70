// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the capture reader (iotrace -r): any bytes, read as
 * a capture, then both reports printed from whatever was read. Inputs are
 * the uncompressed stream (zlib reads it as is); gzip inputs are skipped,
 * so a small input cannot inflate to gigabytes of rows.
 *
 * A capture the reader calls complete must add up (doc/capture-format.md,
 * Consistency): the harness counts the events itself and checks the
 * snapshot's keys, and aborts on a reader that accepts one that does not.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
#include "record.h"
#include "capture/capture.h"
#include "trace/options.h"
#include "trace/replay.h"

struct seen {
	__u64 calls, procs;
};

static void count(void *ctx, const struct capture *c, const struct rec_call *call,
		  const struct rec_proc *proc)
{
	struct seen *s = ctx;

	(void)c;
	s->calls += call != NULL;
	s->procs += proc != NULL;
}

#define must(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_capture: accepted, but not %s\n", #cond); \
			abort();					\
		}							\
	} while (0)

/* n rows of size bytes whose first key bytes are their key: no two alike */
static bool keys_unique(const void *rows, size_t n, size_t size, size_t key)
{
	const char *p = rows;
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (!memcmp(p + i * size, p + k * size, key))
				return false;
	return true;
}

/* The reader's promises about a capture it read to the end without a complaint */
static void check_complete(const struct capture *c, const struct seen *s)
{
	const struct snapshot *snap = &c->snap;
	size_t i;

	must(!c->broken && c->have_end && c->have_snapshot);
	must(s->calls == c->counts.calls && s->procs == c->counts.procs);
	for (i = 1; i < snap->nthreads; i++)
		must(snap->threads[i].tid > snap->threads[i - 1].tid);
	for (i = 0; i < snap->nthreads; i++)
		must(snap->threads[i].present && !(snap->threads[i].present >> MUX_NR));
	must(keys_unique(snap->errs, snap->nerrs, sizeof(*snap->errs),
			 offsetof(struct err_count, err) + sizeof(snap->errs->err)));
	must(keys_unique(snap->fdrows, snap->nfdrows, sizeof(*snap->fdrows),
			 offsetof(struct fd_row, reports)));
	must(keys_unique(snap->epolls, snap->nepolls, sizeof(*snap->epolls),
			 offsetof(struct epoll_row, registrations)));
	must(c->run.time_every >= 1);
	must(c->run.light || (c->run.time_every == 1 && !c->run.why_light[0]));
}

static int memfd_of(const uint8_t *data, size_t size)
{
	int fd = memfd_create("capture", MFD_CLOEXEC);

	if (fd >= 0 && (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct options o = { .threads = true, .stacks = true };
	struct capture c;
	struct seen s = {};
	double end = 0;
	bool readable;
	int fd, ret;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	fd = memfd_of(data, size);
	if (fd < 0)
		return 0;
	ret = capture_read_fd(fd, "fuzz", &c, count, &s);
	if (ret == 0)
		check_complete(&c, &s);
	readable = ret >= 0;
	if (readable)
		end = capture_end_s(&c);
	capture_free(&c);

	fd = memfd_of(data, size);
	if (fd >= 0)
		replay_report(fd, "fuzz", &o, null, null);
	/* and as a window with its HTML page: the events' path and the timeline */
	o.from_s = 0.5;
	o.html_path = "/dev/null";
	fd = memfd_of(data, size);
	if (fd >= 0) {
		ret = replay_report(fd, "fuzz", &o, null, null);
		/* a window starting at or after the end is refused, and only that */
		if (readable)
			must((ret == 2) == (o.from_s >= end));
	}
	return 0;
}
