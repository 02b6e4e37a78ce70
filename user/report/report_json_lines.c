// SPDX-License-Identifier: GPL-2.0
/*
 * --interval-json: one JSON object per line, each -i interval's counters,
 * then the last (partial) interval and the whole trace's. Every counter
 * (SUM field) of struct mux_stats appears under its own name, expanded
 * from MUX_STATS_FIELDS: the intervals add up to the whole exactly. A
 * counter of a figure this run did not measure (--light) is null, as in
 * the report (collect/measured.h), and every line says its mode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "collect/measured.h"
#include "collect/names.h"
#include "report/report_json.h"

/* {"slot": count} for the non-empty slots (see HIST_*, LOG2_SLOTS, enum fd_kind) */
static void slot_json(json_object *a, unsigned int i, __u64 v)
{
	char k[16];

	if (!v)
		return;
	snprintf(k, sizeof(k), "%u", i);
	add_u64(a, k, v);
}

/* The figure a counter belongs to, where it is not always measured */
static const struct { const char *counter; enum figure fig; } counter_figures[] = {
	{ "passes", FIG_PASSES }, { "examined", FIG_PASSES },
	{ "registrations", FIG_REGISTRATIONS }, { "approx_regs", FIG_REGISTRATIONS },
	{ "wakeups", FIG_TIME }, { "sleep_ns", FIG_TIME }, { "runq_ns", FIG_TIME },
	{ "slept_calls", FIG_TIME }, { "copy_ns", FIG_COPY_PHASE },
	{ "reports", FIG_READINESS }, { "rereports", FIG_READINESS },
	{ "unmapped", FIG_READINESS }, { "unreadable", FIG_UNREADABLE },
	{ "rewrite_calls", FIG_REWRITES }, { "set_bits_in", FIG_REWRITES },
	{ "set_bits_out", FIG_REWRITES }, { "tmo_rewritten", FIG_REWRITES },
	{ "tmo_left_ns", FIG_REWRITES }, { "revents_set", FIG_REWRITES },
	{ "events_kept", FIG_REWRITES }, { "pollfds_reread", FIG_REWRITES },
	{ "hist_examined", FIG_HISTOGRAMS }, { "hist_oncpu", FIG_HISTOGRAMS },
};

static bool counter_measured(const struct run_info *run, unsigned int sys, const char *name)
{
	unsigned int i;

	if (!strncmp(name, "watched_", 8))
		return !figure_missing(run, figure_watched(sys));
	if (!strncmp(name, "bytes_", 6))
		return !figure_missing(run, figure_copies(sys));
	for (i = 0; i < sizeof(counter_figures) / sizeof(counter_figures[0]); i++)
		if (!strcmp(name, counter_figures[i].counter))
			return !figure_missing(run, counter_figures[i].fig);
	return true;
}

#define LINE_SUM(type, name)		if (counter_measured(run, sys, #name))		\
						add_u64(o, #name, s->name);			\
					else							\
						add_null(o, #name);
#define LINE_SUM_A(type, name, n)	if (counter_measured(run, sys, #name)) {		\
						json_object *a = json_object_new_object();	\
						for (i = 0; i < (n); i++)			\
							slot_json(a, i, s->name[i]);		\
						json_object_object_add(o, #name, a);		\
					} else {						\
						add_null(o, #name);				\
					}
#define LINE_MAX(...)
#define LINE_MIN(...)
#define LINE_ID(...)
#define LINE_MAX_A(...)
#define LINE_MIN_A(...)
#define LINE_ID_A(...)
#define LINE_F(type, name, how)		LINE_##how(type, name)
#define LINE_A(type, name, n, how)	LINE_##how##_A(type, name, n)

static json_object *counters_json(const struct mux_stats *s, unsigned int sys,
				   const struct run_info *run)
{
	json_object *o = json_object_new_object();
	unsigned int i;

	MUX_STATS_FIELDS(LINE_F, LINE_A)
	return o;
}

int report_json_line(FILE *f, const struct snapshot *snap, const struct run_info *run,
		     double start_s, double end_s, bool whole)
{
	json_object *root = json_object_new_object(), *sys = json_object_new_object();
	unsigned int s;
	int err;

	add_double(root, "start_s", start_s);
	add_double(root, "end_s", end_s);
	json_object_object_add(root, "whole_trace", json_object_new_boolean(whole));
	add_str(root, "mode", run->light ? "light" : "full");
	add_u64(root, "timed_one_in", run_timed_one_in(run));
	for (s = 0; s < MUX_NR; s++)
		if (snap->present & (1u << s))
			json_object_object_add(sys, mux_sys_name(s), counters_json(&snap->total[s], s, run));
	json_object_object_add(root, "syscalls", sys);
	err = fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 || fflush(f);
	json_object_put(root);
	return err ? -EIO : 0;
}
