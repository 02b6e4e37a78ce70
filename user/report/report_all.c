// SPDX-License-Identifier: GPL-2.0
/*
 * all_syscalls in the reports: every syscall of the traced processes by
 * name (text table and JSON object), and syscalls per request counted over
 * all of them, with the share of each syscall.
 */
#include <stdlib.h>
#include "collect/syscall_names.h"
#include "report/report_json.h"

#define TOP_ALL		20	/* text rows; the JSON has every syscall */
#define NAME_LEN	24

void report_all_text(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	__u32 *nrs;
	size_t n, i;
	__u64 total = allsys_calls(snap), rest = 0, reqs = snapshot_requests(snap);
	char name[NAME_LEN], b[3][FMT_LEN];

	if (figure_missing(run, FIG_ALL_SYSCALLS)) {
		fprintf(f, "\nALL SYSCALLS  -  (not measured: %s)\n",
			figure_missing(run, FIG_ALL_SYSCALLS));
		return;
	}
	n = allsys_sorted(snap, &nrs);
	if (!n) {
		free(nrs);
		return;
	}
	fprintf(f, "\nALL SYSCALLS  %llu calls of %zu syscalls\n", (unsigned long long)total, n);
	fprintf(f, "%-22s %10s %8s %10s %10s %9s\n", "SYSCALL", "CALLS", "FAILED", "TIME",
		"AVG", reqs ? "PER REQ" : "");
	for (i = 0; i < n; i++) {
		const struct sys_count *c = &snap->all[nrs[i]];

		if (i >= TOP_ALL) {
			rest += c->calls;
			continue;
		}
		fprintf(f, "%-22s %10llu %8llu %10s %10s %9s\n",
			syscall_name(nrs[i], name, sizeof(name)), (unsigned long long)c->calls,
			(unsigned long long)c->failed, fmt_ns(b[0], FMT_LEN, c->total_ns),
			c->calls > c->untimed ?	/* --light: "-" when none was timed */
			fmt_ns(b[1], FMT_LEN, (double)c->total_ns / (c->calls - c->untimed)) : "-",
			reqs ? fmt_ratio(b[2], FMT_LEN, c->calls, reqs, 2) : "");
	}
	if (rest)
		fprintf(f, "... %zu more syscalls, %llu calls (-j has every one)\n", n - TOP_ALL,
			(unsigned long long)rest);
	if (reqs)
		fprintf(f, "syscalls per request (socket reads with data): %.2f, every syscall "
			"counted\n", (double)total / reqs);
	free(nrs);
}

/* {"<name>": {"calls", "failed", "total_ns"}}, most called first */
json_object *all_syscalls_json(const struct snapshot *snap)
{
	json_object *o = json_object_new_object();
	__u32 *nrs;
	size_t n = allsys_sorted(snap, &nrs), i;
	char name[NAME_LEN];

	for (i = 0; i < n; i++) {
		const struct sys_count *c = &snap->all[nrs[i]];
		json_object *e = json_object_new_object();

		add_u64(e, "calls", c->calls);
		add_u64(e, "failed", c->failed);
		add_u64(e, "total_ns", c->total_ns);	/* of the timed calls */
		add_u64(e, "timed_calls", c->calls - c->untimed);
		json_object_object_add(o, syscall_name(nrs[i], name, sizeof(name)), e);
	}
	free(nrs);
	return o;
}

/* per_request.by_syscall: each syscall's calls per request */
json_object *per_request_by_syscall_json(const struct snapshot *snap, __u64 reqs)
{
	json_object *o = json_object_new_object();
	__u32 *nrs;
	size_t n = allsys_sorted(snap, &nrs), i;
	char name[NAME_LEN];

	for (i = 0; reqs && i < n; i++)
		add_double(o, syscall_name(nrs[i], name, sizeof(name)),
			   (double)snap->all[nrs[i]].calls / reqs);
	free(nrs);
	return o;
}
