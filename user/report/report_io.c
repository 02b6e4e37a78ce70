// SPDX-License-Identifier: GPL-2.0
/*
 * The IO around the waits, by real syscall (recvfrom, writev, sendfile...)
 * and by the kind of file behind the fd: requests are socket reads that
 * returned data, so a log write or a file read is shown as such.
 */
#include <errno.h>
#include <string.h>
#include "collect/names.h"
#include "report/report_json.h"

/* "socket 1000, file 3": the calls per kind, most first in enum order */
static void print_kinds(FILE *f, const __u64 *calls)
{
	unsigned int k;
	bool first = true;

	for (k = 0; k < FD_KIND_NR; k++) {
		if (!calls[k])
			continue;
		fprintf(f, "%s%s %llu", first ? "" : ", ", fd_kind_name(k),
			(unsigned long long)calls[k]);
		first = false;
	}
	fprintf(f, "\n");
}

static void print_group(FILE *f, const char *name, const struct snapshot *snap,
			int (*group)(unsigned int sys), bool bytes)
{
	struct io_sum sums[FD_KIND_NR];
	unsigned int k;
	bool first = true;
	char b[FMT_LEN];

	snapshot_io(snap, group, sums);
	for (k = 0; k < FD_KIND_NR; k++) {
		if (!sums[k].calls)
			continue;
		fprintf(f, "%-8s %-8s %10llu %10llu %10s\n", first ? name : "",
			fd_kind_name(k), (unsigned long long)sums[k].calls,
			(unsigned long long)sums[k].data_calls,
			bytes ? fmt_bytes(b, FMT_LEN, sums[k].bytes) : "-");
		first = false;
	}
}

void report_io_text(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	bool time = !figure_missing(run, FIG_TIME), oncpu = !figure_missing(run, FIG_ONCPU);
	bool copy = !figure_missing(run, FIG_COPY_PHASE);

	unsigned int s;
	char b[4][FMT_LEN];

	if (!snapshot_any(snap, is_io))
		return;
	fprintf(f, "\nREADS, WRITES, ACCEPTS   WAIT = asleep; COPY = on CPU after the wakeup\n");
	fprintf(f, "%-8s %8s %8s %10s %9s %9s %9s  %s\n", "SYSCALL", "CALLS", "EAGAIN", "BYTES",
		"ON-CPU", "WAIT", "COPY", "FD KINDS (calls)");
	for (s = 0; s < MUX_NR; s++) {
		const struct mux_stats *st = &snap->total[s];

		if (!is_io(s) || !(snap->present & (1u << s)) || !st->calls)
			continue;
		fprintf(f, "%-8s %8llu %8llu %10s %9s %9s %9s  ", mux_sys_name(s),
			(unsigned long long)st->calls,
			(unsigned long long)snapshot_errno(snap, s, EAGAIN),
			is_accept(s) ? "-" : fmt_bytes(b[3], FMT_LEN, st->io_bytes),
			!oncpu || !timed_calls(st) ? "-" :
			fmt_ns(b[0], FMT_LEN, (double)oncpu_ns(st) / timed_calls(st)),
			!time ? "-" : fmt_ns(b[1], FMT_LEN, (double)st->sleep_ns / st->calls),
			!copy ? "-" : fmt_ns(b[2], FMT_LEN, st->slept_calls ?
					     (double)st->copy_ns / st->slept_calls : 0));
		print_kinds(f, st->kind_calls);
	}
	fprintf(f, "\nIO BY FD KIND   (sendfile, splice: the fd written to)\n");
	fprintf(f, "%-8s %-8s %10s %10s %10s\n", "", "KIND", "CALLS", "WITH DATA", "BYTES");
	print_group(f, "reads", snap, is_read, true);
	print_group(f, "writes", snap, is_write, true);
	print_group(f, "accepts", snap, is_accept, false);
	fprintf(f, "requests = socket reads that returned data: %llu\n",
		(unsigned long long)snapshot_requests(snap));
}

json_object *fd_kinds_json(const struct mux_stats *s)
{
	json_object *o = json_object_new_object();
	unsigned int k;

	for (k = 0; k < FD_KIND_NR; k++) {
		json_object *e;

		if (!s->kind_calls[k])
			continue;
		e = json_object_new_object();
		add_u64(e, "calls", s->kind_calls[k]);
		add_u64(e, "data_calls", s->kind_data[k]);
		add_u64(e, "bytes", s->kind_bytes[k]);
		json_object_object_add(o, fd_kind_name(k), e);
	}
	return o;
}

static json_object *group_json(const struct snapshot *snap, int (*group)(unsigned int sys))
{
	json_object *o = json_object_new_object();
	struct io_sum sums[FD_KIND_NR];
	unsigned int k;

	snapshot_io(snap, group, sums);
	for (k = 0; k < FD_KIND_NR; k++) {
		json_object *e;

		if (!sums[k].calls)
			continue;
		e = json_object_new_object();
		add_u64(e, "calls", sums[k].calls);
		add_u64(e, "data_calls", sums[k].data_calls);
		add_u64(e, "bytes", sums[k].bytes);
		json_object_object_add(o, fd_kind_name(k), e);
	}
	return o;
}

/* {"reads": {"socket": {"calls", "data_calls", "bytes"}, ...}, "writes", "accepts"} */
json_object *io_json(const struct snapshot *snap)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "reads", group_json(snap, is_read));
	json_object_object_add(o, "writes", group_json(snap, is_write));
	json_object_object_add(o, "accepts", group_json(snap, is_accept));
	add_u64(o, "requests", snapshot_requests(snap));
	return o;
}
