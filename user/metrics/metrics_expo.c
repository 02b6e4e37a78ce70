// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus exposition of a snapshot: text format 0.0.4, or
 * OpenMetrics 1.0 when the scraper asks for it. Series are per process
 * (pid, comm) and syscall, per thread only with --threads: never per fd,
 * so the count of series stays bounded by processes x syscalls.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "collect/hist.h"
#include "collect/ksyms.h"
#include "collect/measured.h"
#include "collect/names.h"
#include "collect/syscall_names.h"
#include "collect/wake_cache.h"
#include "metrics/metrics.h"
#include "metrics/metrics_groups.h"

struct expo {
	FILE *f;
	bool om;	/* OpenMetrics */
	const struct metrics_conf *conf;
	struct run_info run;	/* the mode, for what it measured (collect/measured.h) */
};

/*
 * A counter totals every call: exported only for a figure this mode
 * measured, and measured on every call (--light's on-CPU time is of 1
 * call in 16, its latency a histogram of those with their own count).
 */
static bool counted(const struct expo *x, enum figure f)
{
	return !figure_missing(&x->run, f) && !figure_sampled(&x->run, f);
}

/* "# HELP/TYPE" for a family; counters' samples carry the _total suffix. */
static void family(struct expo *x, const char *name, const char *type, const char *help)
{
	const char *sfx = !x->om && !strcmp(type, "counter") ? "_total" : "";

	fprintf(x->f, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, sfx, help, name, sfx, type);
}

/* Label values are our own names and comms: escape \ " and newlines. */
static void label(FILE *f, const char *k, const char *v)
{
	fprintf(f, ",%s=\"", k);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void group_labels(struct expo *x, const struct metrics_group *g)
{
	char comm[TASK_COMM_LEN + 1] = {};

	fprintf(x->f, "{pid=\"%u\"", g->tgid);
	if (x->conf->per_thread)
		fprintf(x->f, ",tid=\"%u\"", g->tid);
	memcpy(comm, g->comm, TASK_COMM_LEN);
	label(x->f, "comm", comm);
}

static void sample_u64(struct expo *x, const char *name, const struct metrics_group *g,
		       const char *sys, const char *k2, const char *v2, unsigned long long v)
{
	fputs(name, x->f);
	group_labels(x, g);
	label(x->f, "syscall", sys);
	if (k2)
		label(x->f, k2, v2);
	fprintf(x->f, "} %llu\n", v);
}

static void sample_s(struct expo *x, const char *name, const struct metrics_group *g,
		     const char *sys, double v)
{
	fputs(name, x->f);
	group_labels(x, g);
	label(x->f, "syscall", sys);
	fprintf(x->f, "} %.9f\n", v);
}

/* body once per series with data that pred accepts; g, s and _s are in scope */
#define EACH_SERIES(gs, pred, body)						\
	do {									\
		size_t _i;							\
		unsigned int _s;						\
		for (_i = 0; _i < (gs)->n; _i++)				\
			for (_s = 0; _s < MUX_NR; _s++) {			\
				const struct metrics_group *g = &(gs)->rows[_i]; \
				const struct mux_stats *s = &g->sys[_s];	\
				if (!g->calls[_s] || !(pred))			\
					continue;				\
				body;						\
			}							\
	} while (0)

/*
 * A counter family from one mux_stats expression: a count, or ns shown as
 * seconds; fig(_s) is the figure of syscall _s's series, and a family none
 * of whose figures this mode measured is not exported at all.
 */
#define COUNTER(x, gs, name, help, fig, pred, expr)				\
	do {									\
		if (!counted(x, fig(x, MUX_SELECT)) && !counted(x, fig(x, MUX_POLL))) \
			break;							\
		family(x, name, "counter", help);				\
		EACH_SERIES(gs, counted(x, fig(x, _s)) && (pred),		\
			    sample_u64(x, name "_total", g,			\
			    metrics_sys_label(_s), NULL, NULL, (expr)));	\
	} while (0)

#define SECONDS(x, gs, name, help, fig, pred, expr)				\
	do {									\
		if (!counted(x, fig(x, MUX_POLL)))				\
			break;							\
		family(x, name, "counter", help);				\
		EACH_SERIES(gs, counted(x, fig(x, _s)) && (pred),		\
			    sample_s(x, name "_total", g,			\
			    metrics_sys_label(_s), (expr) / 1e9));		\
	} while (0)

/* The figure of a family's series, by syscall */
#define FIGURE_OF(fn, f)							\
	static enum figure fn(const struct expo *x, unsigned int s)		\
	{									\
		(void)x;							\
		(void)s;							\
		return f;							\
	}
FIGURE_OF(fig_calls, FIG_CALLS)
FIGURE_OF(fig_ready, FIG_READY)
FIGURE_OF(fig_passes, FIG_PASSES)
FIGURE_OF(fig_regs, FIG_REGISTRATIONS)
FIGURE_OF(fig_copies, figure_copies(s))
FIGURE_OF(fig_time, FIG_TIME)
FIGURE_OF(fig_oncpu, FIG_ONCPU)
FIGURE_OF(fig_io, FIG_IO)
FIGURE_OF(fig_watched, figure_watched(s))
/* select's fds examined are its fds watched x passes */
FIGURE_OF(fig_examined, counted(x, figure_watched(s)) ? FIG_PASSES : figure_watched(s))

/* Latency as a native histogram: cumulative le buckets at powers of two. */
#define LE_FIRST_MSB	10	/* 1.024 us */
#define LE_LAST_MSB	35	/* 34.4 s */

static void latency(struct expo *x, const struct metrics_groups *gs)
{
	const char *name = "iotrace_syscall_latency_seconds";
	unsigned int s, slot, msb;
	size_t i;

	family(x, name, "histogram",
	       "Time from syscall entry to exit (observed). Buckets hold calls below 2^k ns.");
	for (i = 0; i < gs->n; i++) {
		for (s = 0; s < MUX_NR; s++) {
			const struct metrics_group *g = &gs->rows[i];
			const struct mux_stats *st = &g->sys[s];
			unsigned long long cum = 0;

			if (!g->calls[s])
				continue;
			slot = 0;
			for (msb = LE_FIRST_MSB; msb <= LE_LAST_MSB; msb++) {
				/* integer ns: "< 2^msb" is "<= 2^msb - 1" exactly */
				for (; slot < HIST_SLOTS && hist_slot_low(slot) < (1ULL << msb);
				     slot++)
					cum += st->hist[slot];
				fprintf(x->f, "%s_bucket", name);
				group_labels(x, g);
				label(x->f, "syscall", metrics_sys_label(s));
				fprintf(x->f, ",le=\"%.12g\"} %llu\n", ((1ULL << msb) - 1) / 1e9, cum);
			}
			fprintf(x->f, "%s_bucket", name);
			group_labels(x, g);
			label(x->f, "syscall", metrics_sys_label(s));
			/* --light: the timed calls only */
			fprintf(x->f, ",le=\"+Inf\"} %llu\n", (unsigned long long)timed_calls(st));
			sample_s(x, "iotrace_syscall_latency_seconds_sum", g, metrics_sys_label(s),
				 st->lat_total / 1e9);
			sample_u64(x, "iotrace_syscall_latency_seconds_count", g,
				   metrics_sys_label(s), NULL, NULL, timed_calls(st));
		}
	}
}

/* Failures by errno; interrupts (EINTR, ERESTART*) apart, as in the report */
static void errors(struct expo *x, const struct metrics_groups *gs)
{
	char buf[32];
	size_t i;

	family(x, "iotrace_syscall_failures", "counter",
	       "Calls that returned an error, by errno, interrupts excluded (observed).");
	for (i = 0; i < gs->nerrs; i++) {
		const struct metrics_err *e = &gs->errs[i];

		if (!errno_is_interrupt(e->err))
			sample_u64(x, "iotrace_syscall_failures_total", &gs->rows[e->group],
				   metrics_sys_label(e->sys), "errno",
				   errno_name(e->err, buf, sizeof(buf)), e->count);
	}
	family(x, "iotrace_syscall_interrupts", "counter",
	       "Calls ended by a signal: EINTR or a kernel restart code (observed).");
	for (i = 0; i < gs->nerrs; i++) {
		const struct metrics_err *e = &gs->errs[i];

		if (errno_is_interrupt(e->err))
			sample_u64(x, "iotrace_syscall_interrupts_total", &gs->rows[e->group],
				   metrics_sys_label(e->sys), "errno",
				   errno_name(e->err, buf, sizeof(buf)), e->count);
	}
}

static void wakeups(struct expo *x, struct wake_cache *wc, struct iotrace_bpf *skel)
{
	static __u64 by[MUX_NR][WAKE_NR];
	unsigned int s, c;

	if (!counted(x, FIG_WAKE_CLASSES))	/* --light keeps no waker stacks */
		return;
	family(x, "iotrace_wakeups_by_class", "counter",
	       "Wakeups of traced threads by the kernel callback that woke them, all "
	       "traced processes together (observed: the waker's stack).");
	memset(by, 0, sizeof(by));
	if (wake_cache_read(wc, bpf_map__fd(skel->maps.wakes), by))
		return;
	for (s = 0; s < MUX_NR; s++)
		for (c = 0; c < WAKE_NR; c++)
			if (by[s][c])
				fprintf(x->f, "iotrace_wakeups_by_class_total{syscall=\"%s\","
					"class=\"%s\"} %llu\n", metrics_sys_label(s),
					wake_class_name(c), (unsigned long long)by[s][c]);
}

/* IO calls that moved data, by the kind of file: requests are the socket reads */
static void io_kinds(struct expo *x, const struct metrics_groups *gs)
{
	size_t i;
	unsigned int s, k;

	family(x, "iotrace_io_kind_data_calls", "counter",
	       "Reads and writes that moved bytes, accepts that returned an fd, by the kind of "
	       "file behind the fd (observed); requests are the socket reads.");
	for (i = 0; i < gs->n; i++)
		for (s = 0; s < MUX_NR; s++)
			for (k = 0; k < FD_KIND_NR && is_io(s) && gs->rows[i].calls[s]; k++)
				if (gs->rows[i].sys[s].kind_calls[k])
					sample_u64(x, "iotrace_io_kind_data_calls_total", &gs->rows[i],
						   metrics_sys_label(s), "fd_kind", fd_kind_name(k),
						   gs->rows[i].sys[s].kind_data[k]);
}

/* Every syscall by name: the kernel counts them by number only, not per process */
static void all_syscalls(struct expo *x, const struct snapshot *snap)
{
	char buf[32];
	__u32 *nrs;
	size_t i, n = allsys_sorted(snap, &nrs);

	family(x, "iotrace_all_syscalls", "counter",
	       "Completed calls of every syscall, all traced processes together (observed).");
	for (i = 0; i < n; i++)
		fprintf(x->f, "iotrace_all_syscalls_total{syscall=\"%s\"} %llu\n",
			syscall_name(nrs[i], buf, sizeof(buf)),
			(unsigned long long)snap->all[nrs[i]].calls);
	free(nrs);
}

static void drops(struct expo *x, const struct drop_counts *d)
{
	family(x, "iotrace_drops", "counter",
	       "Events iotrace could not record, by reason (a full map, a lost slot).");
#define DROP(field)								\
	fprintf(x->f, "iotrace_drops_total{reason=\"" #field "\"} %llu\n",	\
		(unsigned long long)d->field)
	DROP(stats_full);
	DROP(errs_full);
	DROP(interest_full);
	DROP(wakes_full);
	DROP(fds_full);
	DROP(slot_collisions);
	DROP(targets_full);
#undef DROP
}

static void info(struct expo *x)
{
	family(x, "iotrace_probes", "gauge",
	       "1 for each probe set that is live; figures needing sched are absent without it.");
	fprintf(x->f, "iotrace_probes{probe=\"syscalls\",flavour=\"%s\"} 1\n", x->conf->probes);
	fprintf(x->f, "iotrace_probes{probe=\"sched\",flavour=\"tp_btf\"} %d\n", x->conf->sched);
	family(x, "iotrace_mode", "gauge",
	       "1: the mode (full, or light: no user memory read, 1 call in timed_one_in timed); "
	       "families of figures the mode does not measure are absent.");
	fprintf(x->f, "iotrace_mode{mode=\"%s\",timed_one_in=\"%u\"} 1\n",
		x->run.light ? "light" : "full", run_timed_one_in(&x->run));
}

/* The mode the loaded programs run in: what every family below rests on */
static void run_of(struct run_info *run, const struct metrics_conf *conf,
		   const struct iotrace_bpf *skel)
{
	memset(run, 0, sizeof(*run));
	run->light = skel->rodata->light;
	run->time_every = skel->rodata->time_every;
	run->sched = conf->sched;
	run->exact = EXACT_NOT_TRIED;
}

int metrics_write(FILE *f, const struct snapshot *snap, const struct metrics_conf *conf,
		  struct wake_cache *wc, struct iotrace_bpf *skel, bool openmetrics)
{
	struct expo x = { .f = f, .om = openmetrics, .conf = conf };
	struct metrics_groups gs;

	if (metrics_groups_build(&gs, snap, conf->per_thread))
		return -1;
	run_of(&x.run, conf, skel);
	info(&x);
	COUNTER(&x, &gs, "iotrace_syscall_calls", "Completed calls (observed).", fig_calls, 1,
		s->calls);
	errors(&x, &gs);
	COUNTER(&x, &gs, "iotrace_syscall_timeouts", "Waits that returned 0: timed out (observed).",
		fig_calls, is_wait(_s), s->timeouts);
	latency(&x, &gs);
	COUNTER(&x, &gs, "iotrace_fds_watched",
		"Fds watched, summed over the waits (observed from the arguments); "
		"divide by calls for the mean.", fig_watched, is_wait(_s), s->watched_total);
	COUNTER(&x, &gs, "iotrace_fds_ready", "Fds (select: bits) returned ready (observed).",
		fig_ready, is_wait(_s), s->ready_total);
	COUNTER(&x, &gs, "iotrace_scan_passes",
		"select/poll passes over the fds: 1 + wakeups per call (a lower bound).",
		fig_passes, is_scan(_s), s->passes);
	COUNTER(&x, &gs, "iotrace_fds_examined",
		"Fds the kernel polled: watched x passes (derived).", fig_examined, is_scan(_s),
		s->examined);
	COUNTER(&x, &gs, "iotrace_waitqueue_registrations",
		"Wait-queue entries the kernel added, by its rules (derived).", fig_regs, is_scan(_s),
		s->registrations);
	COUNTER(&x, &gs, "iotrace_copied_in_bytes",
		"Bytes the kernel copied from user memory for the call's arguments (derived).",
		fig_copies, is_mux(_s), s->bytes_in);
	COUNTER(&x, &gs, "iotrace_copied_out_bytes",
		"Bytes the kernel copied back to user memory for the call's results (derived).",
		fig_copies, is_mux(_s), s->bytes_out);
	SECONDS(&x, &gs, "iotrace_syscall_asleep_seconds",
		"Time asleep inside the calls (observed: sched_switch).", fig_time, 1, s->sleep_ns);
	SECONDS(&x, &gs, "iotrace_syscall_preempted_seconds",
		"Time runnable but preempted inside the calls (observed: sched_switch).",
		fig_time, 1, s->runq_ns);
	SECONDS(&x, &gs, "iotrace_syscall_oncpu_seconds",
		"Time on CPU inside the calls: latency less time off CPU (derived).",
		fig_oncpu, 1, oncpu_ns(s));
	COUNTER(&x, &gs, "iotrace_syscall_wakeups", "Wakeups inside the calls (observed).",
		fig_time, 1, s->wakeups);
	wakeups(&x, wc, skel);
	COUNTER(&x, &gs, "iotrace_io_bytes", "Bytes reads returned and writes took (observed).",
		fig_io, is_read(_s) || is_write(_s), s->io_bytes);
	COUNTER(&x, &gs, "iotrace_io_data_calls",
		"Reads and writes that moved bytes, accepts that returned an fd (observed), "
		"of every kind of file (by kind: iotrace_io_kind_data_calls).", fig_io, is_io(_s),
		s->data_calls);
	io_kinds(&x, &gs);
	all_syscalls(&x, snap);
	drops(&x, &snap->drops);
	if (openmetrics)
		fputs("# EOF\n", f);
	metrics_groups_free(&gs);
	return ferror(f) ? -1 : 0;
}
