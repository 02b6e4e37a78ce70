// SPDX-License-Identifier: GPL-2.0
/*
 * How each report of --compare was measured: its mode, the calls it timed,
 * the span it covers, and the figures it did not measure (its not_measured
 * list, or for a report written before the list, what collect/measured.h
 * says its mode leaves out). A figure a side lacks is "-" and never a
 * finding; one measured otherwise than in another column is marked "~"
 * and said under the table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "compare/compare.h"

/* not_measured (schema 2): [{"figure": NAME, "why": ...}]; names this iotrace does not know are skipped */
static int load_not_measured(struct compare_side *s, struct report *r)
{
	json_object *list = NULL;
	size_t i;

	if (report_array(r, "not_measured", &list) < 0)
		return -1;
	for (i = 0; list && i < json_object_array_length(list); i++) {
		json_object *e = json_object_array_get_idx(list, i), *name = NULL;
		enum figure f;

		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "figure", &name) ||
		    !json_object_is_type(name, json_type_string)) {
			snprintf(r->error, sizeof(r->error), "bad report %s: not_measured[%zu]: "
				 "expected an object with a figure name", r->path, i);
			return -1;
		}
		f = figure_by_name(json_object_get_string(name));
		if (f < FIG_NR)
			s->missing[f] = true;
	}
	return 0;
}

/* The sched tracepoints: from probes.live; a report without the list is taken as having them */
static int load_sched(struct compare_side *s, struct report *r)
{
	json_object *live = NULL;
	size_t i;

	s->run.sched = true;
	if (report_array(r, "probes.live", &live) <= 0)
		return r->error[0] ? -1 : 0;
	s->run.sched = false;
	for (i = 0; i < json_object_array_length(live); i++) {
		json_object *p = json_object_array_get_idx(live, i);

		if (json_object_is_type(p, json_type_string) &&
		    strstr(json_object_get_string(p), "sched_switch"))
			s->run.sched = true;
	}
	return 0;
}

int compare_load_mode(struct compare_side *s, struct report *r)
{
	const char *mode = NULL;
	double version = 1, every = 1, from = 0, to = 0;
	json_object *window = NULL;
	unsigned int f;
	int found;

	if (report_count(r, "schema_version", &version) < 0 ||
	    report_string(r, "mode", &mode) < 0 || report_count(r, "timed_one_in", &every) < 0 ||
	    (found = report_object(r, "window", &window)) < 0 ||
	    report_number(r, "window.from_s", &from) < 0 ||
	    report_number(r, "window.to_s", &to) < 0 || load_sched(s, r) < 0)
		return -1;
	s->run.light = mode && !strcmp(mode, "light");
	s->run.time_every = every >= 1 && every < 1e9 ? (unsigned int)every : 1;
	s->run.windowed = found > 0;
	s->run.window_from_s = from;
	s->run.window_to_s = to;
	s->run.exact = EXACT_FENTRY;	/* compare sets no exact counts side by side */
	if (version >= 2 && load_not_measured(s, r) < 0)
		return -1;
	/* schema 1 said only its mode: the rule says what that mode leaves out */
	for (f = 0; f < FIG_NR; f++)
		s->missing[f] |= figure_missing(&s->run, f) != NULL;
	/* ... as it was then: its --light wrote 0 for every call's copies */
	if (version < 2 && s->run.light)
		s->missing[FIG_COPIES] = true;
	return 0;
}

void compare_mode_cell(char b[COMPARE_CELL], const struct compare_side *s)
{
	const char *mode = s->run.light ? "light" : "full";

	if (run_timed_one_in(&s->run) > 1)
		snprintf(b, COMPARE_CELL, "%s(1/%u)", mode, run_timed_one_in(&s->run));
	else
		snprintf(b, COMPARE_CELL, "%s%s", mode, s->run.windowed ? "+window" : "");
}

/* How side i measured row's figure, when not as full mode over every call (NULL) */
static const char *how(const struct compare_side *s, int row, char *buf, size_t len)
{
	enum figure f = compare_row_figure(row);

	/* a window's totals are of its span; its drops are the whole recording's */
	if (s->run.windowed && (row == R_DURATION || row == R_THREADS || row == R_REQUESTS)) {
		snprintf(buf, len, "of a window, %.2f s to %.2f s of a recording",
			 s->run.window_from_s, s->run.window_to_s);
		return buf;
	}
	if (s->run.windowed && row == R_DROPS) {
		snprintf(buf, len, "the whole recording's, not its window's");
		return buf;
	}
	/* syscalls/request counts calls, and --light counts every call */
	if (f >= FIG_NR || s->missing[f] || row == R_SYSCALLS)
		return NULL;
	/* poll's entries in --light; epoll's fds watched are the same in both modes */
	if ((f == FIG_WATCHED || f == FIG_PASSES) && !s->poll_wait)
		return NULL;
	return figure_differs(&s->run, f, buf, len);
}

const char *compare_differs(const struct compare_side *s, int n, int i, int row, char *buf,
			    size_t len)
{
	char other[128];
	const char *mine = how(&s[i], row, buf, len), *theirs;
	int k;

	if (!mine)
		return NULL;
	for (k = 0; k < n; k++) {
		if (k == i || compare_missing(&s[k], row))
			continue;
		theirs = how(&s[k], row, other, sizeof(other));
		if (!theirs || strcmp(theirs, mine))
			return mine;
	}
	return NULL;
}

void compare_say(FILE *f, const char *first, const char *fmt, ...)
{
	char line[1024], *p = line;
	va_list ap;
	bool head = true;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	while (*p) {
		size_t width = 78 - strlen(head ? first : "  "), len = strlen(p), cut = len;

		if (len > width) {
			for (cut = width; cut > 0 && p[cut] != ' '; cut--)
				;
			if (!cut)
				cut = width;
		}
		fprintf(f, "%s%.*s\n", head ? first : "  ", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		head = false;
	}
}

/* "epoll" for "dir/epoll.json", as the table's file row */
static void name_of(char *b, const struct compare_side *s, int n, int i)
{
	compare_cell(b, s, n, i, 0);
}

/* "~ light: sampled: 1 call in 16 timed: latency p50, latency p99", a line per way */
static void side_notes(FILE *f, const struct compare_side *s, int n, int i)
{
	char name[COMPARE_CELL], buf[128], first[128], line[768];
	int row, k;

	name_of(name, s, n, i);
	for (row = 0; row < compare_rows(); row++) {
		const char *h = compare_differs(s, n, i, row, first, sizeof(first));
		size_t used = 0;

		/* each way once: at the first row measured that way */
		for (k = 0; h && k < row; k++)
			if (compare_differs(s, n, i, k, buf, sizeof(buf)) && !strcmp(buf, h))
				h = NULL;
		for (k = row; h && k < compare_rows() && used < sizeof(line); k++)
			if (compare_differs(s, n, i, k, buf, sizeof(buf)) && !strcmp(buf, h))
				used += snprintf(line + used, sizeof(line) - used, "%s%s",
						 used ? ", " : "",
						 compare_label(k) + strspn(compare_label(k), " "));
		if (h)
			compare_say(f, "~ ", "%s: %s, unlike the other columns (%s)", name, h, line);
	}
}

void compare_notes(FILE *f, const struct compare_side *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		side_notes(f, s, n, i);
}
