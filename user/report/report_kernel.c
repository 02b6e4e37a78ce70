// SPDX-License-Identifier: GPL-2.0
/*
 * The text report's kernel-internals sections: what each call cost the
 * kernel (passes, fds examined, registrations, bytes copied), where its
 * time went, who woke the thread, the reads and writes around the waits,
 * and which fds kept being reported ready.
 */
#include <errno.h>
#include <string.h>
#include "collect/measured.h"
#include "collect/names.h"
#include "report/report.h"

#define TOP_FDS		5
#define TOP_STACKS	8

static bool has(const struct snapshot *snap, unsigned int sys)
{
	return snap->present & (1u << sys) && snap->total[sys].calls;
}

static double per_call(__u64 v, const struct mux_stats *s)
{
	return s->calls ? (double)v / s->calls : 0;
}

/* v per call with its format, or "-" when the run did not measure it */
static const char *cell(char *b, const char *fmt, __u64 v, const struct mux_stats *s,
			bool measured)
{
	if (!measured)
		return "-";
	snprintf(b, FMT_LEN, fmt, per_call(v, s));
	return b;
}

static void print_work(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	bool passes = !figure_missing(run, FIG_PASSES), regs = !figure_missing(run, FIG_REGISTRATIONS);
	char b[5][FMT_LEN];
	unsigned int s;
	bool copies;

	fprintf(f, "\nKERNEL WORK PER CALL   (d) derived from arguments; (lb) lower bound\n");
	fprintf(f, "%-17s %8s %10s %9s %9s %9s\n", "SYSCALL", "PASSES", "EXAMINED", "REGS(d)",
		"IN B(d)", "OUT B(d)");
	for (s = 0; s < MUX_NR; s++) {
		const struct mux_stats *st = &snap->total[s];

		if (!is_mux(s) || !has(snap, s))
			continue;
		fprintf(f, "%-17s", mux_sys_name(s));
		if (is_scan(s))		/* select's examined are its fds watched x passes */
			fprintf(f, " %5s lb %7s lb %9s",
				cell(b[0], "%.2f", st->passes, st, passes),
				cell(b[1], "%.2f", st->examined, st,
				     passes && !figure_missing(run, figure_watched(s))),
				cell(b[2], "%.2f", st->registrations, st, regs));
		else if (s == MUX_EPOLL_CTL_ADD)	/* from the calls: every mode */
			fprintf(f, " %8s %10s %9.2f", "-", "-",
				per_call(st->calls - (st->errors), st));
		else
			fprintf(f, " %8s %10s %9s", "-", "-", "-");
		copies = !figure_missing(run, figure_copies(s));
		fprintf(f, " %9s %9s\n", cell(b[3], "%.1f", st->bytes_in, st, copies),
			cell(b[4], "%.1f", st->bytes_out, st, copies));
	}
}

/* S7, P1: what select and poll wrote back into the caller's arguments */
static void print_rewrites(FILE *f, const struct snapshot *snap)
{
	bool any = false;
	unsigned int s;
	char b[2][FMT_LEN];

	for (s = 0; s < MUX_NR; s++) {
		const struct mux_stats *st = &snap->total[s];
		__u64 n = st->rewrite_calls;

		if (!is_scan(s) || !n)
			continue;
		if (!any)
			fprintf(f, "\nWRITTEN BACK AT EXIT   per call; arguments re-read at return\n");
		any = true;
		fprintf(f, "%-9s %llu calls:", mux_sys_name(s), (unsigned long long)n);
		if (s == MUX_SELECT || s == MUX_PSELECT6)
			fprintf(f, " %.2f bits in, %.2f out; timeout rewritten %s, %s left\n",
				(double)st->set_bits_in / n, (double)st->set_bits_out / n,
				fmt_pct(b[0], FMT_LEN, st->tmo_rewritten, n), st->tmo_rewritten ?
				fmt_ns(b[1], FMT_LEN, (double)st->tmo_left_ns / st->tmo_rewritten) :
				"-");
		else
			fprintf(f, " %.2f pollfds re-read, %.2f with revents, %.2f events kept\n",
				(double)st->pollfds_reread / n, (double)st->revents_set / n,
				(double)st->events_kept / n);
	}
}

static void print_time(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	bool any = false, measured = !figure_missing(run, FIG_ONCPU);
	unsigned int s;
	char b[6][FMT_LEN];

	for (s = 0; s < MUX_NR; s++) {	/* "outside" has no calls */
		const struct mux_stats *st = &snap->total[s];
		double oncpu;

		if (!has(snap, s))
			continue;
		if (!any) {
			fprintf(f, "\nTIME PER CALL          ON-CPU = latency - asleep - preempted\n");
			fprintf(f, "%-17s %9s %9s %9s %6s %8s %10s\n", "SYSCALL", "ON-CPU", "ASLEEP",
				"PREEMPTED", "SLEPT", "WAKEUPS", "CPU/FD");
		}
		any = true;
		oncpu = oncpu_ns(st);	/* --light: the timed calls' */
		fprintf(f, "%-17s %9s %9s %9s %6s %8s %10s\n", mux_sys_name(s),
			!measured || !timed_calls(st) ? "-" :	/* --light: none drawn */
			fmt_ns(b[0], FMT_LEN, oncpu / timed_calls(st)),
			fmt_ns(b[1], FMT_LEN, per_call(st->sleep_ns, st)),
			fmt_ns(b[2], FMT_LEN, per_call(st->runq_ns, st)),
			fmt_pct(b[3], FMT_LEN, st->slept_calls, st->calls),
			fmt_ratio(b[4], FMT_LEN, st->wakeups, st->calls, 2),
			is_scan(s) && st->examined && measured ?
			fmt_ns(b[5], FMT_LEN, oncpu_per_examined(st)) : "-");
	}
}

static void print_wakeups(FILE *f, const struct snapshot *snap, bool contexts)
{
	bool any = false;
	unsigned int s, c;
	char buf[32];

	for (s = 0; s < MUX_NR; s++) {
		__u64 total = 0;
		bool first = true;

		for (c = 0; c < WAKE_NR; c++)
			total += snap->wake[s][c];
		if (!total)
			continue;
		if (!any)
			fprintf(f, "\nWAKEUPS (sched_waking; callback above try_to_wake_up)\n");
		any = true;
		fprintf(f, "  %-15s %7llu ", mux_sys_name(s), (unsigned long long)total);
		for (c = 0; c < WAKE_NR; c++) {
			if (!snap->wake[s][c])
				continue;
			snprintf(buf, sizeof(buf), "%s %llu", wake_class_name(c),
				 (unsigned long long)snap->wake[s][c]);
			fprintf(f, "%s%s", first ? "" : ", ", buf);
			first = false;
		}
		if (!contexts) {	/* a window: the class of each call's last waker only */
			fputc('\n', f);
			continue;
		}
		fprintf(f, "  [");
		for (c = 0, first = true; c < CTX_NR; c++) {
			if (!snap->wake_ctx[s][c])
				continue;
			fprintf(f, "%s%s %llu", first ? "" : ", ", wake_context_name(c),
				(unsigned long long)snap->wake_ctx[s][c]);
			first = false;
		}
		fprintf(f, "]\n");
	}
}

static void print_ctl_per_wait(FILE *f, const struct snapshot *snap)
{
	__u64 mux = snapshot_calls(snap, is_wait), ctl = snapshot_calls(snap, is_epoll_ctl);

	if (ctl && mux)
		fprintf(f, "epoll_ctl per wait: %.2f\n", (double)ctl / mux);
}

static void print_readiness(FILE *f, const struct snapshot *snap)
{
	const struct closed_fds *c = &snap->closed;
	size_t i;

	if (!snap->nfdrows && !c->fds)
		return;
	fprintf(f, "\nREADY FDS  RE-REPORTS = ready again on the thread's next call, untouched\n");
	if (snap->nfdrows)
		fprintf(f, "%8s %8s %10s %10s   (open at the end)\n", "PID", "FD", "REPORTS",
			"RE-REPORTS");
	for (i = 0; i < snap->nfdrows && i < TOP_FDS; i++)
		fprintf(f, "%8u %8d %10llu %10llu\n", snap->fdrows[i].tgid, snap->fdrows[i].fd,
			(unsigned long long)snap->fdrows[i].reports,
			(unsigned long long)snap->fdrows[i].rereports);
	if (snap->nfdrows > TOP_FDS)
		fprintf(f, "... %zu more fds (all in the JSON)\n", snap->nfdrows - TOP_FDS);
	if (c->fds)
		fprintf(f, "closed while traced: %llu fds, %llu reports, %llu re-reports"
			" (at most %llu on one fd)\n", (unsigned long long)c->fds,
			(unsigned long long)c->reports, (unsigned long long)c->rereports,
			(unsigned long long)c->max_rereports);
}

static void print_stacks(FILE *f, const struct snapshot *snap, const struct ksyms *ks)
{
	size_t i, k;

	for (i = 0; i < snap->nwakes && i < TOP_STACKS; i++) {
		const struct wake_row *r = &snap->wakes[i];

		fprintf(f, "\n%s woken via %s (%s, waker %s): %llu\n", mux_sys_name(r->sys),
			wake_class_name(r->info.cls), wake_context_name(r->info.ctx), r->waker,
			(unsigned long long)r->count);
		for (k = 0; k < MAX_STACK_DEPTH && r->ips[k]; k++) {
			const char *fn = ksyms_name(ks, r->ips[k]);

			fprintf(f, "    %s\n", fn ? fn : "[unknown]");
		}
	}
}

void report_kernel_text(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	const char *why;

	if (snapshot_any(snap, is_mux))
		print_work(f, snap, run);
	if (!figure_missing(run, FIG_REWRITES))
		print_rewrites(f, snap);
	why = figure_missing(run, FIG_TIME);
	if (why)
		fprintf(f, "\nwakeups and time asleep: not measured (%s)\n", why);
	else
		print_time(f, snap, run);
	if (!figure_missing(run, FIG_WAKE_CLASSES))
		print_wakeups(f, snap, !figure_missing(run, FIG_WAKE_STACKS));
	report_io_text(f, snap, run);
	print_ctl_per_wait(f, snap);
	if (!figure_missing(run, FIG_READINESS))
		print_readiness(f, snap);
	if (run->stacks && !figure_missing(run, FIG_WAKE_STACKS))
		print_stacks(f, snap, snap->ksyms);
}
