// SPDX-License-Identifier: GPL-2.0
/*
 * The text report: header (what, how long, probes, CPU), the per-syscall
 * counts and latencies, errnos, threads, histograms; and the -i summaries.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "collect/hist.h"
#include "collect/measured.h"
#include "collect/names.h"
#include "report/report.h"

#define THREAD_ROWS	20	/* per-thread rows shown without --threads */

void sys_row_of(struct sys_row *r, const struct snapshot *snap, __u32 tid, unsigned int sys,
		const struct mux_stats *s)
{
	r->s = s;
	r->interrupted = snapshot_interrupted(snap, tid, sys);
	r->failed = s->errors - r->interrupted;
}

static void print_counts(FILE *f, const struct run_info *run, const char *name,
			 const struct sys_row *r, unsigned int sys)
{
	const struct mux_stats *s = r->s;
	char b[FMT_LEN];

	fprintf(f, "%-17s %7llu %7llu %5llu", name, (unsigned long long)s->calls,
		(unsigned long long)r->failed, (unsigned long long)r->interrupted);
	if (!is_wait(sys)) {
		fprintf(f, " %7s %13s %11s\n", "-", "-", "-");
		return;
	}
	fprintf(f, " %7llu", (unsigned long long)s->timeouts);
	/* "-": not measured in this mode; "?": no call's fd list could be read */
	fprintf(f, " %13s", figure_missing(run, figure_watched(sys)) ? "-" : s->watched_calls ?
		fmt_ratio(b, sizeof(b), s->watched_total, s->watched_calls, 2) : "?");
	fprintf(f, " %11s\n", fmt_ratio(b, sizeof(b), s->ready_total, s->calls, 2));
}

static void print_latency(FILE *f, const char *name, const struct mux_stats *s)
{
	char b[5][FMT_LEN];

	if (!timed_calls(s)) {	/* --light: none of its calls drawn */
		fprintf(f, "%-17s %9s %9s %9s %9s %9s  (sampled: 0 of %llu calls timed)\n", name,
			"-", "-", "-", "-", "-", (unsigned long long)s->calls);
		return;
	}
	fprintf(f, "%-17s %9s %9s %9s %9s %9s\n", name,
		fmt_ns(b[0], FMT_LEN, mean_lat(s)),
		fmt_ns(b[1], FMT_LEN, hist_quantile(s->hist, 0.50, s->lat_max)),
		fmt_ns(b[2], FMT_LEN, hist_quantile(s->hist, 0.90, s->lat_max)),
		fmt_ns(b[3], FMT_LEN, hist_quantile(s->hist, 0.99, s->lat_max)),
		fmt_ns(b[4], FMT_LEN, s->lat_max));
	if (s->untimed_calls)	/* --light */
		fprintf(f, "%-17s sampled: %llu of %llu calls timed\n", "",
			(unsigned long long)timed_calls(s), (unsigned long long)s->calls);
}

/* One line per syscall: "  poll: EINVAL 1, EFAULT 1", summed over threads. */
static void print_errnos(FILE *f, const struct snapshot *snap, bool interrupts)
{
	bool header = false, first;
	char buf[16];
	unsigned int s, err;
	size_t i;

	for (s = 0; s < MUX_NR; s++) {
		first = true;
		for (err = 1; err <= 516; err++) {
			__u64 n = 0;

			if (errno_is_interrupt(err) != interrupts)
				continue;
			for (i = 0; i < snap->nerrs; i++)
				if (snap->errs[i].sys == s && snap->errs[i].err == err)
					n += snap->errs[i].count;
			if (!n)
				continue;
			if (!header)
				fprintf(f, "\n%s\n", interrupts ? "INTERRUPTED BY" : "FAILED WITH");
			header = true;
			if (first)
				fprintf(f, "  %-17s ", mux_sys_name(s));
			fprintf(f, "%s%s %llu", first ? "" : ", ", errno_name(err, buf, sizeof(buf)),
				(unsigned long long)n);
			first = false;
		}
		if (!first)
			fputc('\n', f);
	}
}

static void print_threads(FILE *f, const struct snapshot *snap, bool all)
{
	size_t i, rows = 0, hidden = 0;
	unsigned int s;
	char b[2][FMT_LEN];

	fprintf(f, "\n%-7s %-15s %-15s %7s %6s %5s %8s %8s\n", "TID", "COMM", "SYSCALL",
		"CALLS", "FAILED", "INTR", "AVG", "MAX");
	for (i = 0; i < snap->nthreads; i++) {
		const struct thread_stats *t = &snap->threads[i];

		for (s = 0; s < MUX_NR; s++) {
			struct sys_row r;

			if (!(t->present & (1u << s)))
				continue;
			if (!all && rows >= THREAD_ROWS) {
				hidden++;
				continue;
			}
			sys_row_of(&r, snap, t->tid, s, &t->sys[s]);
			fprintf(f, "%-7u %-15.15s %-15.15s %7llu %6llu %5llu %8s %8s\n", t->tid,
				t->comm, mux_sys_name(s), (unsigned long long)t->sys[s].calls,
				(unsigned long long)r.failed, (unsigned long long)r.interrupted,
				!timed_calls(&t->sys[s]) ? "-" :	/* --light: none drawn */
				fmt_ns(b[0], FMT_LEN, mean_lat(&t->sys[s])),
				!timed_calls(&t->sys[s]) ? "-" :
				fmt_ns(b[1], FMT_LEN, t->sys[s].lat_max));
			rows++;
		}
	}
	if (hidden)
		fprintf(f, "... %zu more rows (--threads shows all)\n", hidden);
}

/* Never lose data silently: every map that filled up says how much. */
static void print_drops(FILE *f, const struct snapshot *snap)
{
	const struct drop_counts *d = &snap->drops;
	const struct { const char *what; __u64 n; } lost[] = {
		{ "calls (stats map full: raise --stats-entries)", d->stats_full },
		{ "errno counts (errs map full: raise --stats-entries)", d->errs_full },
		{ "epoll registrations untracked (map full)", d->interest_full },
		{ "wakeups uncounted (wakes map full)", d->wakes_full },
		{ "fd readiness updates (fds map full)", d->fds_full },
		{ "calls (two threads in one in-flight slot: pid_max > 32768)", d->slot_collisions },
		{ "forked processes not followed (targets map full)", d->targets_full },
	};
	unsigned int i;

	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		if (lost[i].n)
			fprintf(f, "LOST: %llu %s\n", (unsigned long long)lost[i].n, lost[i].what);
}

static void print_exact(FILE *f, const struct run_info *run)
{
	int i;

	switch (run->exact) {
	case EXACT_FENTRY:
	case EXACT_KPROBE:
		fprintf(f, "exact counts (%s):", run->exact == EXACT_FENTRY ? "fentry" : "kprobe");
		for (i = 0; i < DEEP_NR; i++)
			fprintf(f, " %s %llu", run->exact_names[i],
				(unsigned long long)run->exact_counts[i]);
		fputc('\n', f);
		break;
	case EXACT_NOT_TRIED:
		fprintf(f, "no exact counts (not tried: %s)\n", run->not_tried);
		break;
	case EXACT_FAILED:
		/* "EPERM (Operation not permitted)": the errno name is enough here */
		fprintf(f, "no exact counts (fentry: %.*s, kprobe: %.*s)\n",
			(int)strcspn(run->fentry_error, " "), run->fentry_error,
			(int)strcspn(run->kprobe_error, " "), run->kprobe_error);
		break;
	}
}

/* "not measured (WHY): a, b, c", one paragraph per reason, under 80 columns */
static void print_not_measured(FILE *f, const struct run_info *run)
{
	const char *whys[FIG_NR];
	unsigned int fig, k, n = 0;

	for (fig = 0; fig < FIG_NR; fig++) {
		/* the exact counts have their line above */
		const char *why = fig == FIG_EXACT ? NULL : figure_missing(run, fig);

		for (k = 0; why && k < n && strcmp(whys[k], why); k++)
			;
		if (why && k == n)
			whys[n++] = why;
	}
	for (k = 0; k < n; k++) {
		int col = fprintf(f, "not measured, %s:", whys[k]);
		bool first = true;

		for (fig = 0; fig < FIG_NR; fig++) {
			const char *why = fig == FIG_EXACT ? NULL : figure_missing(run, fig);
			const char *name = figure_name(fig);

			if (!why || strcmp(why, whys[k]))
				continue;
			if (col + 2 + (int)strlen(name) > 79) {
				fprintf(f, "%s\n ", first ? "" : ",");
				col = 1;
			} else if (!first) {
				col += fprintf(f, ",");
			}
			col += fprintf(f, " %s", name);
			first = false;
		}
		fputc('\n', f);
	}
}

static void print_header(FILE *f, const struct snapshot *snap, const struct run_info *run,
			 size_t nprocs)
{
	unsigned int s, unknown = 0;

	if (run->many)
		fprintf(f, "\niotrace: %zu process%s with calls, %zu thread%s, %.2f s, ended by %s\n",
			nprocs, nprocs == 1 ? "" : "es", snap->nthreads,
			snap->nthreads == 1 ? "" : "s", run->elapsed_s, run_end_name(run));
	else
		fprintf(f, "\niotrace: PID %d (%s), %zu thread%s, %.2f s, ended by %s\n",
			run->pid, run->comm, snap->nthreads,
			snap->nthreads == 1 ? "" : "s", run->elapsed_s, run_end_name(run));
	fprintf(f, "probes: %s sys_enter+exit%s%s\n", run->syscall_probe,
		run->sched ? ", tp_btf sched_switch+waking" : " (no sched tracepoints)",
		run_exact_live(run) ? "" : "; tracepoints only");
	print_exact(f, run);
	if (run->light && run->why_light[0])
		fprintf(f, "mode: light, full mode does not load on this kernel (%s)\n",
			run->why_light);
	if (run_timed_one_in(run) > 1)
		fprintf(f, "sampled: 1 call in %u timed, drawn at random: latency, time on CPU and\n"
			"  syscall times are of the timed calls; every count is of every call\n",
			run_timed_one_in(run));
	print_not_measured(f, run);
	report_cpu_text(f, run);
	if (run->epoll_read)
		fprintf(f, "epoll state read from /proc %s: %u epoll fd%s, %u registrations%s\n",
			run->follow ? "at attach and at fork time" : "at attach",
			run->epoll_fds, run->epoll_fds == 1 ? "" : "s", run->epoll_registrations,
			run->epoll_unreadable ? " (some unreadable)" : "");
	for (s = 0; s < MUX_NR; s++)
		if (is_epoll_wait(s))
			unknown += snap->total[s].unknown_interest;
	if (unknown)
		fprintf(f, "epoll: %u wait%s on an epoll fd whose registrations are unknown\n",
			unknown, unknown == 1 ? "" : "s");
}

void report_text(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	struct process_row *procs;
	size_t nprocs = report_processes(snap, run, &procs), with_calls, i;
	unsigned int s;

	for (i = 0, with_calls = 0; i < nprocs; i++)
		with_calls += procs[i].p.threads > 0;
	print_header(f, snap, run, with_calls);
	if (run->many && nprocs)
		report_processes_text(f, procs, nprocs, run->all_threads, THREAD_ROWS);
	free(procs);
	if (!snapshot_any(snap, is_mux)) {
		fprintf(f, "\nno multiplexing syscalls completed\n");
		report_kernel_text(f, snap, run);
		report_all_text(f, snap, run);
		print_drops(f, snap);
		return;
	}
	fprintf(f, "\n%-17s %7s %7s %5s %7s %13s %11s\n", "SYSCALL", "CALLS", "FAILED", "INTR",
		"TIMEOUT", "WATCHED/CALL", "READY/CALL");
	for (s = 0; s < MUX_NR; s++) {
		struct sys_row r;

		if (!is_mux(s) || !(snap->present & (1u << s)))
			continue;
		sys_row_of(&r, snap, SNAP_ALL_THREADS, s, &snap->total[s]);
		print_counts(f, run, mux_sys_name(s), &r, s);
	}
	fprintf(f, "\n%-17s %9s %9s %9s %9s %9s\n", "LATENCY", "AVG", "P50", "P90", "P99", "MAX");
	for (s = 0; s < MUX_NR; s++)
		if (snap->present & (1u << s))
			print_latency(f, mux_sys_name(s), &snap->total[s]);
	report_kernel_text(f, snap, run);
	report_all_text(f, snap, run);
	print_errnos(f, snap, false);
	print_errnos(f, snap, true);
	if (snap->nthreads > 1 || run->all_threads)
		print_threads(f, snap, run->all_threads);
	for (s = 0; s < MUX_NR; s++) {
		if (!is_wait(s) || !(snap->present & (1u << s)))
			continue;
		fprintf(f, "\n%s latency:\n", mux_sys_name(s));
		hist_print_log2(f, snap->total[s].hist, 1000, "usecs");
	}
	print_drops(f, snap);
}

void report_interval(FILE *f, const struct snapshot *delta, double secs, bool timestamp)
{
	unsigned int s;
	char ts[32];
	time_t now;

	if (timestamp) {
		now = time(NULL);
		strftime(ts, sizeof(ts), "%H:%M:%S ", localtime(&now));
	} else {
		ts[0] = '\0';
	}
	fprintf(f, "\n%s%-17s %7s %7s %9s %9s %9s (last %g s)\n", ts, "SYSCALL", "CALLS",
		"CALLS/s", "AVG", "P50", "P99", secs);
	for (s = 0; s < MUX_NR; s++) {
		const struct mux_stats *st = &delta->total[s];
		char b[4][FMT_LEN];

		if (!st->calls)
			continue;
		fprintf(f, "%s%-17s %7llu %7s %9s %9s %9s\n", ts, mux_sys_name(s),
			(unsigned long long)st->calls, fmt_rate(b[3], FMT_LEN, st->calls, secs),
			fmt_ns(b[0], FMT_LEN, mean_lat(st)),
			fmt_ns(b[1], FMT_LEN, hist_quantile(st->hist, 0.50, st->lat_max)),
			fmt_ns(b[2], FMT_LEN, hist_quantile(st->hist, 0.99, st->lat_max)));
	}
	fflush(f);
}
