// SPDX-License-Identifier: GPL-2.0
/* The traced processes: their calls (from the snapshot) and their CPU time. */
#include <stdlib.h>
#include <string.h>
#include "report/report.h"

static int cmp_pid(const void *a, const void *b)
{
	const struct process_row *x = a, *y = b;

	return (x->p.tgid > y->p.tgid) - (x->p.tgid < y->p.tgid);
}

size_t report_processes(const struct snapshot *snap, const struct run_info *run,
			struct process_row **out)
{
	struct proc_row *calls;
	size_t ncalls = snapshot_processes(snap, &calls), n = 0, i;
	struct process_row *rows = calloc(ncalls + run->ncpus + 1, sizeof(*rows));

	*out = rows;
	if (!rows) {
		free(calls);
		return 0;
	}
	for (i = 0; i < ncalls; i++) {
		rows[n].p = calls[i];
		rows[n++].cpu = run_cpu_of(run, calls[i].tgid);
	}
	free(calls);
	/* traced, but no call of theirs counted: their CPU time still is */
	for (i = 0; i < run->ncpus; i++) {
		size_t k;

		for (k = 0; k < ncalls && rows[k].p.tgid != (__u32)run->cpus[i].pid; k++)
			;
		if (k < ncalls)
			continue;
		rows[n].p.tgid = run->cpus[i].pid;
		memcpy(rows[n].p.comm, run->cpus[i].comm, sizeof(rows[n].p.comm));
		rows[n++].cpu = &run->cpus[i];
	}
	sort_rows(rows, n, sizeof(*rows), cmp_pid);
	return n;
}

void report_cpu_text(FILE *f, const struct run_info *run)
{
	const struct cpu_use *c = &run->cpu;
	char b[5][FMT_LEN], src[64];

	if (!c->sources)
		return;
	fprintf(f, "cpu: %s (user %s, system %s), %s of %s traced; from %s",
		fmt_ns(b[0], FMT_LEN, (c->user_s + c->system_s) * 1e9),
		fmt_ns(b[1], FMT_LEN, c->user_s * 1e9), fmt_ns(b[2], FMT_LEN, c->system_s * 1e9),
		fmt_pct(b[3], FMT_LEN, c->user_s + c->system_s, run->elapsed_s),
		fmt_ns(b[4], FMT_LEN, run->elapsed_s * 1e9),
		cpu_source_name(c->sources, src, sizeof(src)));
	if (run->cpu_unread)
		fprintf(f, "; %u forked process%s exited unread", run->cpu_unread,
			run->cpu_unread == 1 ? "" : "es");
	fputc('\n', f);
}

/* -p A,B or -f: which processes made the calls, and their CPU time */
void report_processes_text(FILE *f, const struct process_row *p, size_t n, bool all,
			   size_t max_rows)
{
	char b[FMT_LEN];
	size_t i;

	fprintf(f, "\n%-8s %-16s %8s %10s %10s\n", "PID", "COMM", "THREADS", "MUX CALLS", "CPU");
	for (i = 0; i < n && (all || i < max_rows); i++)
		fprintf(f, "%-8u %-16s %8u %10llu %10s\n", p[i].p.tgid, p[i].p.comm, p[i].p.threads,
			(unsigned long long)p[i].p.mux_calls, p[i].cpu ?
			fmt_ns(b, FMT_LEN, (p[i].cpu->cpu.user_s + p[i].cpu->cpu.system_s) * 1e9) :
			"?");
	if (i < n)
		fprintf(f, "... %zu more processes (--threads shows all)\n", n - i);
}
