/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Charts as inline SVG: line charts (log axes optional), grouped bars and
 * histograms. Each is one <svg class="chart"> with a title, axes, ticks,
 * axis labels and a legend; its viewBox lets it scale to the page.
 */
#ifndef IOTRACE_CHART_H
#define IOTRACE_CHART_H

#include <stdbool.h>
#include <stdio.h>

enum chart_kind { CHART_LINE, CHART_BARS, CHART_HISTOGRAM };

struct chart_series {
	const char *name;
	const double *x;	/* line: the points' x (NULL for bars) */
	const double *y;	/* line: the points' y; bars: one value per category */
	int n;			/* points (line) or categories (bars) */
};

struct chart {
	enum chart_kind kind;
	const char *title, *x_label, *y_label;	/* labels carry the units */
	bool x_log, y_log;			/* line charts only */
	const char *const *categories;		/* bars and histograms */
	int ncat;
	const struct chart_series *series;
	int nseries;
};

/*
 * Write c as one <svg class="chart">. Values that cannot be drawn (NaN,
 * infinite, <= 0 on a log axis) are left out: a gap in a line, "n/a" over a
 * bar; chart_skipped() counts them so the caller can say so.
 */
void chart_write(FILE *f, const struct chart *c);
int chart_skipped(const struct chart *c, const struct chart_series *s);

#endif
