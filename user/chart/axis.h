/* SPDX-License-Identifier: GPL-2.0 */
/* Chart axes: a data range rounded out to round ticks, and values mapped to px. */
#ifndef IOTRACE_AXIS_H
#define IOTRACE_AXIS_H

#include <stdbool.h>
#include <stddef.h>

#define AXIS_MAX_TICKS	64
#define AXIS_MAX_ABS	1e300	/* beyond this, range arithmetic could overflow */

struct scale {
	double lo, hi;		/* the range shown; log: powers of ten */
	double p0, p1;		/* px of lo and of hi */
	double step;		/* linear: between ticks; log: decades between labels */
	bool log;
};

struct tick {
	double v;
	bool label;		/* labelled, with a grid line; else a minor tick */
};

/* Can v be placed on an axis: finite, |v| <= 1e300, and >= 1e-300 on a log axis? */
bool axis_drawable(double v, bool log);

/*
 * Round [min, max] out to about `target` labelled ticks (linear: steps of
 * 1, 2 or 5 x 10^n; log: whole decades). An empty range (min > max) or a
 * log range without positive values gets a default one.
 */
void scale_fit(struct scale *s, double min, double max, bool log, int target);
double scale_px(const struct scale *s, double v);
/* The ticks of s in increasing order; returns their number (<= max). */
int scale_ticks(const struct scale *s, struct tick *t, int max);
/* Tick v's label: engineering form, one SI prefix for a whole small linear axis */
void scale_label(const struct scale *s, double v, char *buf, size_t size);

#endif
