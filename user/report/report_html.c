// SPDX-License-Identifier: GPL-2.0
/* The report as an HTML page: tables, latency histograms, the timeline. */
#include <math.h>
#include <stdlib.h>
#include "chart/html_page.h"
#include "collect/hist.h"
#include "collect/measured.h"
#include "collect/names.h"
#include "report/fmt.h"
#include "report/report.h"
#include "report/report_html.h"

/* "256ns", "2.0us", "16us", "1.0ms": an octave's lower bound, 2 or 3 digits */
static void octave_label(char *b, size_t n, __u64 ns)
{
	static const char *const units[] = { "ns", "us", "ms", "s" };
	double v = ns;
	int u = 0;

	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(b, n, v < 10 && u ? "%.1f%s" : "%.0f%s", v, units[u]);
}

#define OCTAVES		48	/* 1 ns .. 2^47 ns */

/* The latency histogram in power-of-two octaves, from the first to the last non-empty */
static void latency_chart(FILE *f, const char *name, const struct mux_stats *s)
{
	static char labels[OCTAVES][16];
	const char *cats[OCTAVES];
	double counts[OCTAVES] = {};
	int lo = OCTAVES, hi = -1, k;
	unsigned int i;
	char title[64];

	for (i = 0; i < HIST_SLOTS; i++) {
		__u64 low = hist_slot_low(i);

		k = low ? 64 - __builtin_clzll(low) - 1 : 0;
		if (!s->hist[i] || k >= OCTAVES)
			continue;
		counts[k] += s->hist[i];
		lo = k < lo ? k : lo;
		hi = k > hi ? k : hi;
	}
	if (hi < 0)
		return;
	for (k = lo; k <= hi; k++) {
		octave_label(labels[k], sizeof(labels[k]), 1ULL << k);
		cats[k - lo] = labels[k];
	}
	snprintf(title, sizeof(title), "%s latency", name);
	{
		struct chart_series ser = { .name = "calls", .y = counts + lo, .n = hi - lo + 1 };
		struct chart c = { .kind = CHART_HISTOGRAM, .title = title,
				   .x_label = "latency (octave from)", .y_label = "calls",
				   .categories = cats, .ncat = hi - lo + 1, .series = &ser,
				   .nseries = 1 };

		html_chart(f, &c);
	}
}

/* A figure the run did not measure is an empty cell */
static void syscall_table(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	static const char *const cols[] = { "syscall", "calls", "failed", "timeouts",
		"watched/call", "ready/call", "mean", "p50", "p99", "max" };
	static const bool num[] = { false, true, true, true, true, true, true, true, true, true };
	char b[9][FMT_LEN];
	const char *cells[10];
	unsigned int s;

	html_table_begin(f, "Calls and latency", cols, 10);
	for (s = 0; s < MUX_NR; s++) {
		const struct mux_stats *m = &snap->total[s];
		struct sys_row r;

		if (!(snap->present & (1u << s)))
			continue;
		sys_row_of(&r, snap, SNAP_ALL_THREADS, s, m);
		snprintf(b[0], FMT_LEN, "%llu", (unsigned long long)m->calls);
		snprintf(b[1], FMT_LEN, "%llu", (unsigned long long)r.failed);
		snprintf(b[2], FMT_LEN, "%llu", (unsigned long long)m->timeouts);
		fmt_ratio(b[3], FMT_LEN, m->watched_total, m->watched_calls, 2);
		fmt_ratio(b[4], FMT_LEN, m->ready_total, m->calls, 2);
		fmt_ns(b[5], FMT_LEN, mean_lat(m));
		fmt_ns(b[6], FMT_LEN, hist_quantile(m->hist, 0.50, m->lat_max));
		fmt_ns(b[7], FMT_LEN, hist_quantile(m->hist, 0.99, m->lat_max));
		fmt_ns(b[8], FMT_LEN, m->lat_max);
		cells[0] = mux_sys_name(s);
		for (int k = 0; k < 9; k++)
			cells[k + 1] = is_wait(s) || k < 2 || k > 4 ? b[k] : "-";
		if (figure_missing(run, figure_watched(s)))
			cells[4] = "";
		for (int k = 5; k < 9 && !timed_calls(m); k++)	/* --light: none drawn */
			cells[k + 1] = "";
		html_table_row(f, cells, num, 10);
	}
	html_table_end(f);
}

/* One line chart of the timeline: y(bin) per process; NaN leaves a gap */
static void timeline_chart(FILE *f, const struct timeline *tl, const char *title,
			   const char *y_label, bool y_log,
			   double (*y)(const struct tl_bin *b, double width_s))
{
	struct chart_series ser[TL_PROCS + 1];
	char names[TL_PROCS + 1][40];
	double *xs = calloc(tl->nbins ? tl->nbins : 1, sizeof(*xs));
	double *ys = calloc((tl->nbins ? tl->nbins : 1) * (TL_PROCS + 1), sizeof(*ys));
	double width_s = tl->width_ns / 1e9;
	int p, k;

	if (!xs || !ys || !tl->nbins)
		goto out;
	for (k = 0; k < tl->nbins; k++)
		xs[k] = (k + 0.5) * width_s;
	for (p = 0; p < tl->nprocs; p++) {
		if (tl->procs[p].tgid)
			snprintf(names[p], sizeof(names[p]), "%u %s", tl->procs[p].tgid,
				 tl->procs[p].comm);
		else
			snprintf(names[p], sizeof(names[p]), "other processes");
		for (k = 0; k < tl->nbins; k++)
			ys[p * tl->nbins + k] = y(&tl->procs[p].bins[k], width_s);
		ser[p] = (struct chart_series){ .name = names[p], .x = xs,
						.y = ys + p * tl->nbins, .n = tl->nbins };
	}
	{
		struct chart c = { .kind = CHART_LINE, .title = title,
				   .x_label = "time from the start (s)", .y_label = y_label,
				   .y_log = y_log, .series = ser, .nseries = tl->nprocs };

		html_chart(f, &c);
	}
out:
	free(xs);
	free(ys);
}

static double calls_per_s(const struct tl_bin *b, double width_s)
{
	return b->calls / width_s;
}

static double ready_per_wait(const struct tl_bin *b, double width_s)
{
	(void)width_s;
	return b->waits ? (double)b->ready / b->waits : NAN;
}

static double wait_latency_us(const struct tl_bin *b, double width_s)
{
	(void)width_s;
	return b->waits ? b->wait_ns / 1e3 / b->waits : NAN;
}

/* The mode, the sampling, the window, and what the run did not measure */
static void mode_paragraphs(FILE *f, const struct run_info *run)
{
	char line[1024];
	size_t used;
	unsigned int fig;

	used = snprintf(line, sizeof(line), "mode: %s", run->light ? "light" : "full");
	if (run_timed_one_in(run) > 1)
		used += snprintf(line + used, sizeof(line) - used, "; 1 call in %u timed, drawn at "
				 "random: latency and time on CPU are of the timed calls",
				 run_timed_one_in(run));
	if (run->windowed && used < sizeof(line))
		used += snprintf(line + used, sizeof(line) - used, "; a window of the recording: "
				 "%.3f s to %.3f s", run->window_from_s, run->window_to_s);
	html_paragraph(f, line);
	used = 0;
	for (fig = 0; fig < FIG_NR && used < sizeof(line); fig++)
		if (figure_missing(run, fig))
			used += snprintf(line + used, sizeof(line) - used, "%s%s (%s)",
					 used ? "; " : "not measured: ", figure_name(fig),
					 figure_missing(run, fig));
	if (used)
		html_paragraph(f, line);
}

struct report_page {
	const struct snapshot *snap;
	const struct run_info *run;
	const struct timeline *tl;
};

static void report_page(FILE *f, const void *arg)
{
	const struct report_page *r = arg;
	char title[64], sub[160];
	unsigned int s;

	snprintf(title, sizeof(title), "iotrace: PID %d (%s)", r->run->pid, r->run->comm);
	snprintf(sub, sizeof(sub), "%zu thread%s, %.2f s, ended by %s; probes: %s sys_enter+exit%s",
		 r->snap->nthreads, r->snap->nthreads == 1 ? "" : "s", r->run->elapsed_s,
		 run_end_name(r->run), r->run->syscall_probe,
		 r->run->sched ? ", sched_switch+waking" : "");
	html_begin(f, title, sub, NULL);
	mode_paragraphs(f, r->run);
	syscall_table(f, r->snap, r->run);
	for (s = 0; s < MUX_NR; s++)
		if (r->snap->present & (1u << s))
			latency_chart(f, mux_sys_name(s), &r->snap->total[s]);
	if (r->tl && r->tl->nbins) {
		html_paragraph(f, "Timeline from the recording's events, per process "
			       "(bins of equal width; a gap: no wait in that bin).");
		timeline_chart(f, r->tl, "traced calls over time", "calls/s", false, calls_per_s);
		timeline_chart(f, r->tl, "fds ready per wait over time", "fds ready/wait", false,
			       ready_per_wait);
		timeline_chart(f, r->tl, "wait latency over time", "mean wait latency (us)", true,
			       wait_latency_us);
	}
	html_end(f);
}

int report_html(const char *path, const struct snapshot *snap, const struct run_info *run,
		const struct timeline *tl)
{
	struct report_page r = { snap, run, tl };

	return html_write(path, report_page, &r);
}
