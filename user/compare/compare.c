// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace --compare A.json B.json ...: the JSON reports of several servers
 * side by side, per request and per wait, so that IO models can be set
 * against each other (the claims M5, M6, S1-S2 vs E1-E3). Reads only the
 * files: no BPF, no privileges.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/names.h"
#include "compare/compare.h"
#include "report/fmt.h"
#include "report/output.h"
#include "report/report_html.h"

#define LABEL_W		24
#define COL_W		COMPARE_CELL

/* A count of the report at prefix.field: 1 found, 0 absent or null (*out untouched), -1 bad */
static int got(struct report *r, const char *prefix, const char *field, double *out)
{
	char path[128];

	snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", field);
	return report_count(r, path, out);
}

/* The same where absent counts as 0 (all but duration_s are counts): 0 or -1 */
static int num(struct report *r, const char *prefix, const char *field, double *out)
{
	return got(r, prefix, field, out) < 0 ? -1 : 0;
}

/* Sum of squares of on-CPU ns per call, each call at its log2 slot's midpoint */
static int add_oncpu_sq(struct compare_side *s, struct report *r, const char *sys)
{
	char path[128];
	json_object *hist = NULL;
	size_t i;

	snprintf(path, sizeof(path), "%s.time.oncpu_histogram", sys);
	if (report_array(r, path, &hist) < 0)
		return -1;
	for (i = 0; hist && i < json_object_array_length(hist); i++) {
		json_object *b = json_object_array_get_idx(hist, i);
		double low = 0, high = 0, count = 0;

		if (report_count_of(r, json_object_object_get(b, "low"), path, &low) < 0 ||
		    report_count_of(r, json_object_object_get(b, "high"), path, &high) < 0 ||
		    report_count_of(r, json_object_object_get(b, "count"), path, &count) < 0)
			return -1;
		s->oncpu_sq += count * ((low + high) / 2) * ((low + high) / 2);
	}
	return 0;
}

static int add_wait(struct compare_side *s, struct report *r, const char *sys, unsigned int i)
{
	const char *name = mux_sys_name(i);
	double calls = 0, watched = 0, watched_calls = 0, ready = 0, oncpu = 0, wakeups = 0;
	double examined = 0, p50 = 0, p99 = 0, passes = 0, timed = -1;
	int p_found;

	if (num(r, sys, "calls", &calls) || num(r, sys, "fds_watched.total", &watched) ||
	    num(r, sys, "fds_watched.calls", &watched_calls) ||
	    num(r, sys, "fds_ready.total", &ready) || num(r, sys, "time.oncpu_ns", &oncpu) ||
	    num(r, sys, "time.wakeups", &wakeups) ||
	    num(r, sys, "kernel.fds_examined", &examined) ||
	    (p_found = got(r, sys, "latency.p50_ns", &p50)) < 0 ||
	    num(r, sys, "latency.p99_ns", &p99) || got(r, sys, "latency.timed_calls", &timed) < 0 ||
	    num(r, sys, "kernel.passes", &passes) || add_oncpu_sq(s, r, sys))
		return -1;
	if (timed < 0)		/* reports before --light: every call timed */
		timed = calls;
	s->watched += watched;
	s->watched_calls += watched_calls;
	s->ready += ready;
	/* --light: on CPU of the 1 call in N timed, scaled to every call (marked sampled) */
	if (timed > 0)
		s->oncpu += oncpu * calls / timed;
	else if (calls > 0)
		s->oncpu_known = false;
	s->wakeups += wakeups;
	if (examined) {		/* select and poll only */
		s->examined += examined;
		s->scans += calls;
		s->passes += passes;
	}
	s->scan_wait |= calls > 0 && is_scan(i);
	s->poll_wait |= calls > 0 && is_scan(i) && i != MUX_SELECT && i != MUX_PSELECT6;
	s->epoll_wait |= calls > 0 && is_epoll_wait(i);
	if (calls > s->main_calls) {
		s->main_wait = name;
		s->main_calls = calls;
		s->p50 = p50;
		s->p99 = p99;
		s->p_known = p_found > 0;
	}
	return 0;
}

/* Printable ASCII only: a name from a file must not move the terminal. */
static void label_copy(char *dst, const char *src, size_t n)
{
	size_t i;

	snprintf(dst, COL_W, "%.*s", (int)n, src);
	if (!dst[0])
		snprintf(dst, COL_W, "?");
	for (i = 0; dst[i]; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7e)
			dst[i] = '?';
}

static int load_drops(struct compare_side *s, struct report *r)
{
	json_object *drops;
	char where[128];
	double v;

	if (report_object(r, "drops", &drops) <= 0)
		return r->error[0] ? -1 : 0;
	json_object_object_foreach(drops, key, val) {
		snprintf(where, sizeof(where), "drops.%s", key);
		if (report_count_of(r, val, where, &v) < 0)
			return -1;
		s->drops += v;
	}
	return 0;
}

int compare_load(struct compare_side *s, struct report *r)
{
	static const struct { const char *field; size_t off; } per_request[] = {
		{ "requests", offsetof(struct compare_side, requests) },
		{ "syscalls", offsetof(struct compare_side, syscalls) },
		{ "waits", offsetof(struct compare_side, waits) },
		{ "epoll_ctl", offsetof(struct compare_side, ctl) },
		{ "reads", offsetof(struct compare_side, reads) },
		{ "writes", offsetof(struct compare_side, writes) },
		{ "eagain", offsetof(struct compare_side, eagain) },
	};
	const char *comm = NULL;
	json_object *threads = NULL;
	char sys[64];
	unsigned int i;
	double v;

	memset(s, 0, sizeof(*s));
	s->path = r->path;
	s->oncpu_known = true;
	if (compare_load_mode(s, r) < 0 || report_string(r, "target.comm", &comm) < 0 ||
	    report_number(r, "duration_s", &s->duration) < 0 ||
	    report_number(r, "cpu.total_s", &s->cpu_s) < 0)
		return -1;
	if (comm)
		label_copy(s->name, comm, strlen(comm));
	for (i = 0; i < sizeof(per_request) / sizeof(per_request[0]); i++) {
		v = 0;
		if (num(r, "per_request", per_request[i].field, &v))
			return -1;
		*(double *)((char *)s + per_request[i].off) = v;
	}
	if (report_array(r, "threads", &threads) < 0)
		return -1;
	if (threads)
		s->threads = json_object_array_length(threads);
	for (i = 0; i < MUX_NR; i++) {
		snprintf(sys, sizeof(sys), "syscalls.%s", mux_sys_name(i));
		if (is_wait(i) && add_wait(s, r, sys, i))
			return -1;
		if (is_mux(i)) {
			double in = 0, out = 0, calls = 0;

			if (num(r, sys, "kernel.bytes_in", &in) || num(r, sys, "kernel.bytes_out", &out) ||
			    num(r, sys, "calls", &calls))
				return -1;
			s->bytes_in += in;
			s->bytes_out += out;
			/* per-request copies sum every call's: --light's lack select's */
			if (calls > 0 && s->missing[figure_copies(i)])
				s->missing[FIG_COPIES] = true;
			s->ctl_add += i == MUX_EPOLL_CTL_ADD ? calls : 0;
			s->ctl_mod += i == MUX_EPOLL_CTL_MOD ? calls : 0;
			s->ctl_del += i == MUX_EPOLL_CTL_DEL ? calls : 0;
		}
	}
	return load_drops(s, r);
}

/* v in fmt, or in scientific notation when it would not fit a cell */
static void cell_num(char *b, const char *fmt, double v)
{
	char tmp[400];

	if (!isfinite(v)) {
		snprintf(b, COL_W, "overflow");
		return;
	}
	snprintf(tmp, sizeof(tmp), fmt, v);
	if (strlen(tmp) < COL_W)
		memcpy(b, tmp, strlen(tmp) + 1);
	else
		snprintf(b, COL_W, "%.3e", v);
}

/* a / b, or "-" when b is 0 */
static void ratio(char *buf, double a, double b, const char *fmt)
{
	if (b > 0)
		cell_num(buf, fmt, a / b);
	else
		snprintf(buf, COL_W, "-");
}

static const char *const labels[R_NR] = {
	"file", "target", "mode", "duration (s)", "threads", "requests", "requests/CPU s",
	"requests/busy s",
	"syscalls/request", "  waits/request", "  epoll_ctl/request",
	"  reads/request", "  writes/request", "EAGAIN/request", "main wait",
	"  latency p50", "  latency p99", "fds watched/wait", "fds ready/wait",
	"fds examined/pass (d)", "bytes in/request (d)", "bytes out/request (d)",
	"wait on-CPU/request", "wakeups/request", "lost (drops)",
};

int compare_rows(void)
{
	return R_NR;
}

const char *compare_label(int row)
{
	return row >= 0 && row < R_NR ? labels[row] : "?";
}

/* The figure each row rests on: a side that did not measure it shows "-" */
enum figure compare_row_figure(int row)
{
	switch (row) {
	case R_RATE_CPU:	return FIG_CPU;
	case R_SYSCALLS:	return FIG_ALL_SYSCALLS;
	case R_P50:
	case R_P99:		return FIG_LATENCY;
	case R_WATCHED:		return FIG_WATCHED;
	case R_READY:		return FIG_READY;
	case R_EXAMINED:	return FIG_PASSES;
	case R_BYTES_IN:
	case R_BYTES_OUT:	return FIG_COPIES;
	case R_ONCPU:		return FIG_ONCPU;
	case R_WAKEUPS:		return FIG_TIME;
	default:		return FIG_NR;
	}
}

bool compare_missing(const struct compare_side *s, int row)
{
	enum figure f = compare_row_figure(row);

	return f < FIG_NR && s->missing[f];
}

/* "12.3us", or seconds in scientific notation when that would not fit */
static void ns_or_dash(char *b, double ns, bool known)
{
	char tmp[400];

	if (!known)
		snprintf(b, COL_W, "-");
	else if (!isfinite(ns))
		snprintf(b, COL_W, "overflow");
	else if (strlen(fmt_ns(tmp, sizeof(tmp), ns)) < COL_W)
		memcpy(b, tmp, strlen(tmp) + 1);
	else
		snprintf(b, COL_W, "%.2es", ns / 1e9);
}

static void side_cell(char b[COMPARE_CELL], const struct compare_side *s, int r)
{
	const char *base = strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path;

	if (compare_missing(s, r)) {	/* not measured: never a 0 */
		snprintf(b, COL_W, "-");
		return;
	}
	switch (r) {
	case R_FILE:	/* "epoll.json" -> "epoll" */
		label_copy(b, base, strcspn(base, "."));
		break;
	case R_TARGET:	snprintf(b, COL_W, "%s", s->name[0] ? s->name : "?"); break;
	case R_MODE:	compare_mode_cell(b, s); break;
	case R_DURATION: cell_num(b, "%.2f", s->duration); break;
	case R_THREADS:	cell_num(b, "%.0f", s->threads); break;
	case R_REQUESTS: cell_num(b, "%.0f", s->requests); break;
	case R_RATE_CPU: ratio(b, s->requests, s->cpu_s, "%.0f"); break;
	case R_RATE_BUSY: ratio(b, s->requests, s->busy_s, "%.0f"); break;
	case R_SYSCALLS:	/* every syscall; reports before all_syscalls: the rows below */
		ratio(b, s->syscalls ? s->syscalls : s->waits + s->ctl + s->reads + s->writes,
		      s->requests, "%.2f");
		break;
	case R_WAITS:	ratio(b, s->waits, s->requests, "%.2f"); break;
	case R_CTL:	ratio(b, s->ctl, s->requests, "%.2f"); break;
	case R_READS:	ratio(b, s->reads, s->requests, "%.2f"); break;
	case R_WRITES:	ratio(b, s->writes, s->requests, "%.2f"); break;
	case R_EAGAIN:	ratio(b, s->eagain, s->requests, "%.2f"); break;
	case R_MAIN:	snprintf(b, COL_W, "%s", s->main_wait ? s->main_wait : "-"); break;
	case R_P50:	ns_or_dash(b, s->p50, s->main_calls > 0 && s->p_known); break;
	case R_P99:	ns_or_dash(b, s->p99, s->main_calls > 0 && s->p_known); break;
	case R_WATCHED:	ratio(b, s->watched, s->watched_calls, "%.1f"); break;
	case R_READY:	ratio(b, s->ready, s->waits, "%.2f"); break;
	case R_EXAMINED: ratio(b, s->examined, s->passes, "%.1f"); break;
	case R_BYTES_IN: ratio(b, s->bytes_in, s->requests, "%.1f"); break;
	case R_BYTES_OUT: ratio(b, s->bytes_out, s->requests, "%.1f"); break;
	case R_ONCPU:	ns_or_dash(b, s->requests > 0 ? s->oncpu / s->requests : 0,
			   s->requests > 0 && s->oncpu_known);
		break;
	case R_WAKEUPS:	ratio(b, s->wakeups, s->requests, "%.3f"); break;
	case R_DROPS:	cell_num(b, "%.0f", s->drops); break;
	default:	snprintf(b, COL_W, "?"); break;
	}
}

/* Side i's cell; "~" after it when it was measured otherwise than another side's */
void compare_cell(char b[COMPARE_CELL], const struct compare_side *s, int n, int i, int r)
{
	char how[128];

	side_cell(b, &s[i], r);
	if (strcmp(b, "-") && strlen(b) + 1 < COL_W && compare_differs(s, n, i, r, how, sizeof(how)))
		strcat(b, "~");
}

int compare_reports(char **paths, int n, const char *html)
{
	struct compare_side sides[COMPARE_MAX];
	struct report reports[COMPARE_MAX] = {};
	char cell[COL_W];
	int i, r, err = 0;

	for (i = 0; i < n && !err; i++) {
		double busy = 0;

		err = compare_open(&reports[i], paths[i], &busy) ||
		      compare_load(&sides[i], &reports[i]);
		sides[i].busy_s = busy;
		if (err)
			fprintf(stderr, "iotrace: %s\n", reports[i].error);
	}
	if (!err) {
		for (r = 0; r < R_NR; r++) {
			printf("%-*s", LABEL_W, labels[r]);
			for (i = 0; i < n; i++) {
				compare_cell(cell, sides, n, i, r);
				printf(" %*s", COL_W - 1, cell);
			}
			putchar('\n');
		}
		printf("\nrequests = socket reads that returned data; syscalls/request: every\n"
		       "syscall; requests/CPU s: per second of the\n"
		       "CPU time the traced processes used (report's cpu); requests/busy s: per\n"
		       "second from the first request to the last (recordings only); neither\n"
		       "counts time the server sat idle while traced\n"
		       "(d) derived from arguments; -: none, or not measured in that column's mode\n");
		compare_notes(stdout, sides, n);
		putchar('\n');
		compare_findings(stdout, sides, n);
		err = output_flush(stdout, "the table");
		if (!err && html)
			err = compare_html(html, sides, n);
	}
	for (i = 0; i < n; i++)
		report_close(&reports[i]);
	return err ? 1 : 0;
}
