// SPDX-License-Identifier: GPL-2.0
/* Chart axes: nice tick steps for linear axes, decades for log axes. */
#include <math.h>
#include "chart/axis.h"
#include "chart/svg.h"

#define LOG_MINOR_DECADES	6	/* up to this many decades: minor ticks 2..9 */
#define LOG_MID_LABELS		2	/* up to this many: also label 2x and 5x */

bool axis_drawable(double v, bool log)
{
	return isfinite(v) && fabs(v) <= AXIS_MAX_ABS && (!log || v >= 1 / AXIS_MAX_ABS);
}

static void fit_linear(struct scale *s, double min, double max, int target)
{
	double raw, mag, norm;

	if (!(min <= max)) {
		min = 0;
		max = 1;
	}
	if (min == max) {
		/* one value: centre it in a range of its own size */
		double d = min ? fabs(min) / 2 : 1;

		min -= min ? d : 0;
		max += d;
	}
	raw = (max - min) / target;
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	s->step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
	if (!(s->step > 0 && isfinite(s->step))) {
		/* a range too small for doubles (denormals) */
		fit_linear(s, 0, 1, target);
		return;
	}
	/* ticks are k * step with k whole, so that 0 is exactly 0 */
	s->lo = floor(min / s->step) * s->step;
	s->hi = ceil(max / s->step) * s->step;
}

static void fit_log(struct scale *s, double min, double max, int target)
{
	double a, b;

	if (!(min > 0 && min <= max)) {
		min = 1;
		max = 10;
	}
	a = floor(log10(min));
	b = ceil(log10(max));
	if (a == b)
		b = a + 1;
	s->lo = pow(10, a);
	s->hi = pow(10, b);
	s->step = ceil((b - a) / target);
	if (s->step < 1)
		s->step = 1;
}

void scale_fit(struct scale *s, double min, double max, bool log, int target)
{
	s->log = log;
	if (log)
		fit_log(s, min, max, target + 3);	/* decades are cheap to label */
	else
		fit_linear(s, min, max, target);
}

double scale_px(const struct scale *s, double v)
{
	double f;

	if (s->log)
		f = (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo));
	else
		f = (v - s->lo) / (s->hi - s->lo);
	return s->p0 + f * (s->p1 - s->p0);
}

static int ticks_log(const struct scale *s, struct tick *t, int max)
{
	double a = round(log10(s->lo)), b = round(log10(s->hi)), d;
	bool minor = b - a <= LOG_MINOR_DECADES && s->step == 1;
	bool mid = b - a <= LOG_MID_LABELS;
	int n = 0, m;

	for (d = a; d <= b && n < max; d += s->step) {
		t[n++] = (struct tick){ pow(10, d), true };
		for (m = 2; minor && d < b && m <= 9 && n < max; m++)
			t[n++] = (struct tick){ m * pow(10, d), mid && (m == 2 || m == 5) };
	}
	return n;
}

int scale_ticks(const struct scale *s, struct tick *t, int max)
{
	double k0, v;
	int i, n, last;

	if (s->log)
		return ticks_log(s, t, max);
	k0 = round(s->lo / s->step);
	last = (int)fmin(round((s->hi - s->lo) / s->step), max - 1);
	for (i = 0, n = 0; i <= last; i++) {
		v = (k0 + i) * s->step;
		/* steps below the values' precision (1e16 + 0.5) round to the same tick */
		if (!n || v != t[n - 1].v)
			t[n++] = (struct tick){ v, true };
	}
	return n;
}

void scale_label(const struct scale *s, double v, char *buf, size_t size)
{
	double top = fmax(fabs(s->lo), fabs(s->hi));

	/* 0, 0.5m, 1m, 1.5m rather than 0, 500µ, 0.001, 0.0015 */
	if (!s->log && top < 0.01 && top > 0)
		fmt_scaled(buf, size, v, floor(log10(top) / 3));
	else
		fmt_eng(buf, size, v);
}
