// SPDX-License-Identifier: GPL-2.0
/*
 * Under the --compare table: what a reader should take away, one line per
 * finding, each computed from the figures of the sides; nothing is written
 * in advance. A finding needs the figures it rests on: a side that did not
 * measure them (its mode, its window: compare_mode.c) is left out of it, and
 * one that measured them otherwise says how.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "compare/compare.h"
#include "report/fmt.h"

/* One finding, "- " and wrapped under 80 columns with its continuation indented */
#define say(f, ...)	compare_say(f, "- ", __VA_ARGS__)

/* "epoll" for "dir/epoll.json" */
static void side_name(char *b, size_t n, const struct compare_side *s)
{
	const char *base = strrchr(s->path, '/') ? strrchr(s->path, '/') + 1 : s->path;
	size_t i;

	/* the table's cell: printable, at most 12 characters */
	snprintf(b, n < COMPARE_CELL ? n : COMPARE_CELL, "%.*s", (int)strcspn(base, "."), base);
	for (i = 0; b[i]; i++)
		if (b[i] < 0x20 || b[i] > 0x7e)
			b[i] = '?';
}

/* "poll" for a side named poll, else "srv (poll)" */
static void side_wait(char *b, size_t n, const struct compare_side *s)
{
	char name[COMPARE_CELL];

	side_name(name, sizeof(name), s);
	if (s->main_wait && strcmp(name, s->main_wait))
		snprintf(b, n, "%s (%s)", name, s->main_wait);
	else
		snprintf(b, n, "%s", name);
}

/* Which server scans every fd, and which has the kernel hand back the ready ones */
static int scans(FILE *f, const struct compare_side *s, int n)
{
	char name[64];
	int i, lines = 0;

	for (i = 0; i < n; i++) {
		char how[128];
		const char *note = compare_differs(s, n, i, R_EXAMINED, how, sizeof(how));

		side_wait(name, sizeof(name), &s[i]);
		if (s[i].scan_wait && !s[i].missing[FIG_PASSES] && !s[i].missing[FIG_READY] &&
		    s[i].passes > 0 && s[i].waits > 0 && s[i].ready > 0) {
			say(f, "%s examines every watched fd on each pass: %.1f per pass, "
				"%.1f per ready fd returned%s%s%s", name,
				s[i].examined / s[i].passes, s[i].examined / s[i].ready,
				note ? " (" : "", note ? note : "", note ? ")" : "");
			lines++;
		} else if (s[i].epoll_wait && !s[i].scan_wait && !s[i].missing[FIG_WATCHED] &&
			   !s[i].missing[FIG_READY] && s[i].watched_calls > 0) {
			say(f, "%s examines no fds: of %.1f watched per wait the kernel "
				"returns the %.2f ready", name,
				s[i].watched / s[i].watched_calls, s[i].waits ? s[i].ready / s[i].waits : 0);
			lines++;
		}
	}
	return lines;
}

/* Bytes copied between user and kernel per request: the most against the least */
static int copies(FILE *f, const struct compare_side *s, int n)
{
	int i, hi = -1, lo = -1;
	char a[64], b[64], than[160];
	double per[COMPARE_MAX];

	for (i = 0; i < n; i++) {
		/* a side that did not measure its copies is no side of this finding */
		per[i] = s[i].requests > 0 && !s[i].missing[FIG_COPIES] ?
			 (s[i].bytes_in + s[i].bytes_out) / s[i].requests : -1;
		if (per[i] < 0)
			continue;
		if (hi < 0 || per[i] > per[hi])
			hi = i;
		if (lo < 0 || per[i] < per[lo])
			lo = i;
	}
	if (hi < 0)
		return 0;
	side_name(a, sizeof(a), &s[hi]);
	side_name(b, sizeof(b), &s[lo]);
	than[0] = '\0';
	if (lo != hi && per[lo] > 0)
		snprintf(than, sizeof(than), ": %.1fx %s's %.0f", per[hi] / per[lo], b, per[lo]);
	else if (lo != hi)
		snprintf(than, sizeof(than), "; %s copies none", b);
	say(f, "%s copies %.0f bytes per request between user and kernel (%.0f in, %.0f out, "
	    "derived)%s", a, per[hi], s[hi].bytes_in / s[hi].requests,
	    s[hi].bytes_out / s[hi].requests, than);
	return 1;
}

/*
 * Who pays epoll_ctl per request: MODs, and ADD+DEL pairs (a connection per
 * request), recur with the load; ADDs that stay are paid once per fd.
 */
static int ctl(FILE *f, const struct compare_side *s, int n)
{
	char name[64];
	int i, lines = 0;

	for (i = 0; i < n; i++) {
		double recurring;

		if (!s[i].epoll_wait || s[i].requests <= 0)
			continue;
		side_name(name, sizeof(name), &s[i]);
		recurring = (s[i].ctl_mod + 2 * s[i].ctl_del) / s[i].requests;
		if (recurring >= 0.5)
			say(f, "%s pays %.2f epoll_ctl per request (%.2f MOD, %.2f ADD, "
				"%.2f DEL)", name, s[i].ctl / s[i].requests,
				s[i].ctl_mod / s[i].requests, s[i].ctl_add / s[i].requests,
				s[i].ctl_del / s[i].requests);
		else	/* a window's ADDs are those in it: the fds may be older */
			say(f, "%s registers its fds and leaves them: %.0f ADD in all%s, %.3f MOD "
			    "and DEL per request", name, s[i].ctl_add,
			    s[i].run.windowed ? " (in its window)" : "",
			    (s[i].ctl_mod + s[i].ctl_del) / s[i].requests);
		lines++;
	}
	return lines;
}

/* The standard error of on-CPU ns per request, from the per-call spread */
static double oncpu_noise(const struct compare_side *s)
{
	double calls = s->waits, mean, var;

	/* the spread needs every call's on-CPU histogram: not --light's, nor a sample's */
	if (calls < 2 || s->requests <= 0 || s->missing[FIG_ONCPU] || s->missing[FIG_HISTOGRAMS] ||
	    !s->oncpu_known || run_timed_one_in(&s->run) > 1)
		return -1;
	mean = s->oncpu / calls;
	var = s->oncpu_sq / calls - mean * mean;
	return sqrt((var > 0 ? var : 0) * calls) / s->requests;
}

/* Pairs whose wait CPU per request differs by more than 3 standard errors */
static int wait_cpu(FILE *f, const struct compare_side *s, int n)
{
	char a[64], b[64], x[3][FMT_LEN];
	int i, k, lines = 0, pairs = 0;

	for (i = 0; i < n; i++) {
		for (k = i + 1; k < n; k++) {
			double ea = oncpu_noise(&s[i]), eb = oncpu_noise(&s[k]), pa, pb, noise;

			if (ea < 0 || eb < 0)
				continue;
			pairs++;
			pa = s[i].oncpu / s[i].requests;
			pb = s[k].oncpu / s[k].requests;
			noise = 3 * sqrt(ea * ea + eb * eb);
			if (fabs(pa - pb) <= noise)
				continue;
			side_name(a, sizeof(a), pa >= pb ? &s[i] : &s[k]);
			side_name(b, sizeof(b), pa >= pb ? &s[k] : &s[i]);
			say(f, "the wait costs %s %s of CPU per request, %s %s: %.1fx "
				"(noise +-%s)", a, fmt_ns(x[0], FMT_LEN, fmax(pa, pb)), b,
				fmt_ns(x[1], FMT_LEN, fmin(pa, pb)),
				fmin(pa, pb) > 0 ? fmax(pa, pb) / fmin(pa, pb) : 0,
				fmt_ns(x[2], FMT_LEN, noise));
			lines++;
		}
	}
	if (pairs && !lines)
		say(f, "the wait's CPU per request differs by no more than the noise "
			"(3 standard errors of the per-call spread)");
	return lines + (pairs && !lines);
}

void compare_findings(FILE *f, const struct compare_side *s, int n)
{
	fprintf(f, "findings:\n");
	if (!scans(f, s, n) + !copies(f, s, n) + !ctl(f, s, n) + !wait_cpu(f, s, n) == 4)
		say(f, "none: no side has requests or waits");
}
