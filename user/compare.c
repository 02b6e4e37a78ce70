// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace --compare A.json B.json ...: the JSON reports of several servers
 * side by side, per request and per wait, so that IO models can be set
 * against each other (the claims M5, M6, S1-S2 vs E1-E3). Reads only the
 * files: no BPF, no privileges.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "iotrace.h"
#include "compare.h"
#include "names.h"
#include "report.h"

#define LABEL_W		24
#define COL_W		13

/* The figures of one report, summed over the syscalls they concern */
struct side {
	const char *path;
	char name[COL_W];
	double duration, requests, waits, ctl, reads, writes, eagain;
	double watched, watched_calls, ready, examined, scans;
	double bytes_in, bytes_out, oncpu, wakeups, drops, threads;
	const char *main_wait;		/* the wait syscall with the most calls */
	double main_calls, p50, p99;
};

static double num(json_object *o, const char *path)
{
	char buf[128], *key, *save = NULL;
	json_object *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key && v; key = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(v, key, &v))
			return 0;
	return v ? json_object_get_double(v) : 0;
}

static void add_wait(struct side *s, const char *name, json_object *o)
{
	double calls = num(o, "calls");

	s->watched += num(o, "fds_watched.total");
	s->watched_calls += num(o, "fds_watched.calls");
	s->ready += num(o, "fds_ready.total");
	s->oncpu += num(o, "time.oncpu_ns");
	s->wakeups += num(o, "time.wakeups");
	if (num(o, "kernel.fds_examined")) {	/* select and poll only */
		s->examined += num(o, "kernel.fds_examined");
		s->scans += calls;
	}
	if (calls > s->main_calls) {
		s->main_wait = name;
		s->main_calls = calls;
		s->p50 = num(o, "latency.p50_ns");
		s->p99 = num(o, "latency.p99_ns");
	}
}

static int load(struct side *s, const char *path, json_object **root)
{
	json_object *sys, *o, *drops, *target, *comm;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	s->path = path;
	errno = 0;
	*root = json_object_from_file(path);
	if (!*root) {
		fprintf(stderr, "iotrace: cannot read %s: %s\n", path,
			errno ? strerror(errno) : "not JSON");
		return -1;
	}
	if (!json_object_object_get_ex(*root, "schema_version", NULL) ||
	    !json_object_object_get_ex(*root, "syscalls", &sys)) {
		fprintf(stderr, "iotrace: %s is not an iotrace JSON report\n", path);
		return -1;
	}
	if (json_object_object_get_ex(*root, "target", &target) &&
	    json_object_object_get_ex(target, "comm", &comm))
		snprintf(s->name, sizeof(s->name), "%s", json_object_get_string(comm));
	s->duration = num(*root, "duration_s");
	s->requests = num(*root, "per_request.requests");
	s->waits = num(*root, "per_request.waits");
	s->ctl = num(*root, "per_request.epoll_ctl");
	s->reads = num(*root, "per_request.reads");
	s->writes = num(*root, "per_request.writes");
	s->eagain = num(*root, "per_request.eagain");
	if (json_object_object_get_ex(*root, "threads", &o))
		s->threads = json_object_array_length(o);
	for (i = 0; i < MUX_NR; i++) {
		if (!json_object_object_get_ex(sys, mux_sys_name(i), &o))
			continue;
		if (i <= MUX_EPOLL_PWAIT2)
			add_wait(s, mux_sys_name(i), o);
		if (i <= MUX_EPOLL_CTL_BADOP) {
			s->bytes_in += num(o, "kernel.bytes_in");
			s->bytes_out += num(o, "kernel.bytes_out");
		}
	}
	if (json_object_object_get_ex(*root, "drops", &drops)) {
		json_object_object_foreach(drops, key, val) {
			(void)key;
			s->drops += json_object_get_double(val);
		}
	}
	return 0;
}

/* a / b, or "-" when b is 0 */
static void ratio(char *buf, double a, double b, const char *fmt)
{
	if (b > 0)
		snprintf(buf, COL_W, fmt, a / b);
	else
		snprintf(buf, COL_W, "-");
}

enum row {
	R_FILE, R_TARGET, R_DURATION, R_THREADS, R_REQUESTS, R_RATE, R_SYSCALLS,
	R_WAITS, R_CTL, R_READS, R_WRITES, R_EAGAIN, R_MAIN, R_P50, R_P99,
	R_WATCHED, R_READY, R_EXAMINED, R_BYTES_IN, R_BYTES_OUT, R_ONCPU,
	R_WAKEUPS, R_DROPS, R_NR,
};

static const char *const labels[R_NR] = {
	"file", "target", "duration (s)", "threads", "requests", "requests/traced s",
	"syscalls/request", "  waits/request", "  epoll_ctl/request",
	"  reads/request", "  writes/request", "EAGAIN/request", "main wait",
	"  latency p50", "  latency p99", "fds watched/wait", "fds ready/wait",
	"fds examined/scan (lb)", "bytes in/request (d)", "bytes out/request (d)",
	"wait on-CPU/request", "wakeups/request", "lost (drops)",
};

static void ns_or_dash(char *b, double ns, bool known)
{
	if (known)
		fmt_ns(b, COL_W, ns);
	else
		snprintf(b, COL_W, "-");
}

static void fill(char *b, const struct side *s, enum row r)
{
	const char *base = strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path;

	switch (r) {
	case R_FILE:	/* "epoll.json" -> "epoll" */
		snprintf(b, COL_W, "%.*s", (int)strcspn(base, "."), base);
		break;
	case R_TARGET:	snprintf(b, COL_W, "%s", s->name[0] ? s->name : "?"); break;
	case R_DURATION: snprintf(b, COL_W, "%.2f", s->duration); break;
	case R_THREADS:	snprintf(b, COL_W, "%.0f", s->threads); break;
	case R_REQUESTS: snprintf(b, COL_W, "%.0f", s->requests); break;
	case R_RATE:	ratio(b, s->requests, s->duration, "%.0f"); break;
	case R_SYSCALLS:
		ratio(b, s->waits + s->ctl + s->reads + s->writes, s->requests, "%.2f");
		break;
	case R_WAITS:	ratio(b, s->waits, s->requests, "%.2f"); break;
	case R_CTL:	ratio(b, s->ctl, s->requests, "%.2f"); break;
	case R_READS:	ratio(b, s->reads, s->requests, "%.2f"); break;
	case R_WRITES:	ratio(b, s->writes, s->requests, "%.2f"); break;
	case R_EAGAIN:	ratio(b, s->eagain, s->requests, "%.2f"); break;
	case R_MAIN:	snprintf(b, COL_W, "%s", s->main_wait ? s->main_wait : "-"); break;
	case R_P50:	ns_or_dash(b, s->p50, s->main_calls > 0); break;
	case R_P99:	ns_or_dash(b, s->p99, s->main_calls > 0); break;
	case R_WATCHED:	ratio(b, s->watched, s->watched_calls, "%.1f"); break;
	case R_READY:	ratio(b, s->ready, s->waits, "%.2f"); break;
	case R_EXAMINED: ratio(b, s->examined, s->scans, "%.1f"); break;
	case R_BYTES_IN: ratio(b, s->bytes_in, s->requests, "%.1f"); break;
	case R_BYTES_OUT: ratio(b, s->bytes_out, s->requests, "%.1f"); break;
	case R_ONCPU:	ns_or_dash(b, s->requests ? s->oncpu / s->requests : 0, s->requests > 0);
		break;
	case R_WAKEUPS:	ratio(b, s->wakeups, s->requests, "%.3f"); break;
	case R_DROPS:	snprintf(b, COL_W, "%.0f", s->drops); break;
	default:	snprintf(b, COL_W, "?"); break;
	}
}

int compare_reports(char **paths, int n)
{
	struct side sides[COMPARE_MAX];
	json_object *roots[COMPARE_MAX] = {};
	char cell[COL_W];
	int r;
	int i, err = 0;

	for (i = 0; i < n && !err; i++)
		err = load(&sides[i], paths[i], &roots[i]);
	if (!err) {
		for (r = 0; r < R_NR; r++) {
			printf("%-*s", LABEL_W, labels[r]);
			for (i = 0; i < n; i++) {
				fill(cell, &sides[i], (enum row)r);
				printf(" %*s", COL_W - 1, cell);
			}
			putchar('\n');
		}
		printf("\nrequests = reads that returned data\n"
		       "(d) derived from arguments; (lb) lower bound\n");
	}
	for (i = 0; i < n; i++)
		json_object_put(roots[i]);
	return err ? 1 : 0;
}
