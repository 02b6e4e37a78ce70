// SPDX-License-Identifier: GPL-2.0
/*
 * Grouped bars (categories x series, a value label on each bar) and
 * histograms (the categories are buckets, e.g. iotrace's log2 latency
 * buckets; bars touch, labels only where they fit).
 */
#include <math.h>
#include "chart/chart_draw.h"
#include "chart/svg.h"

#define ROT		0.71	/* sin 45: rotated labels' extent per px of text */
#define ROW_PX		18	/* rotated labels closer than this overlap */
#define X_LABEL_BAND	30	/* below the category labels: the x label */

static double group_width(const struct chart *c, double slot)
{
	if (c->kind == CHART_HISTOGRAM)
		return slot > 4 ? slot - 1 : slot;
	return slot * 0.8;
}

/* A label's lines (1 or 2) if it fits a slot of width w flat, else 0 */
static int label_lines(const char *s, double w)
{
	char first[256];
	int brk;

	if (text_width(s, SVG_SMALL) + 6 <= w)
		return 1;
	if ((brk = text_break(s)) < 0)
		return 0;
	snprintf(first, sizeof(first), "%.*s", brk, s);
	return fmax(text_width(first, SVG_SMALL), text_width(s + brk + 1, SVG_SMALL)) + 6 <= w ?
	       2 : 0;
}

/* Category labels: how many lines they need flat (0: they must be rotated) */
static int category_lines(const struct chart *c, double slot)
{
	int i, n, lines = 1;

	for (i = 0; i < c->ncat; i++) {
		if (!(n = label_lines(c->categories[i], slot)))
			return 0;
		lines = n > lines ? n : lines;
	}
	return lines;
}

static double widest_category(const struct chart *c)
{
	double w = 0;
	int i;

	for (i = 0; i < c->ncat; i++)
		w = fmax(w, text_width(c->categories[i], SVG_SMALL));
	return w;
}

static double widest_value(const struct chart *c)
{
	char buf[32];
	double w = 0;
	int i, k;

	for (k = 0; k < c->nseries; k++) {
		for (i = 0; i < c->series[k].n; i++) {
			fmt_eng(buf, sizeof(buf), c->series[k].y[i]);
			w = fmax(w, text_width(buf, SVG_TINY));
		}
	}
	return w;
}

/* The y range, with headroom above (and below) the bars for their value labels */
static void fit_y(const struct chart *c, struct layout *L, double value_w)
{
	double min = 0, max = 0, span, room;
	int i, k;

	for (k = 0; k < c->nseries; k++)
		for (i = 0; i < c->series[k].n; i++)
			if (axis_drawable(c->series[k].y[i], false)) {
				min = fmin(min, c->series[k].y[i]);
				max = fmax(max, c->series[k].y[i]);
			}
	room = L->labels == LABELS_UP ? value_w + 8 : L->labels == LABELS_FLAT ? 16 : 0;
	span = max - min;
	if (max > 0)
		max += span * room / (PLOT_H - room);
	if (min < 0)
		min -= span * room / (PLOT_H - room);
	scale_fit(&L->ys, min, max, false, 5);
}

/*
 * Each choice (label rotation, value labels flat or upright) changes the
 * margins that decide the bar widths the choice was made for: iterate
 * until nothing changes (it settles in two or three passes; if it has not
 * after four, the last choices stand and the geometry is made to fit them).
 */
void bars_layout(const struct chart *c, struct layout *L)
{
	double cat_w = widest_category(c), value_w = widest_value(c), bar_w, first_w;
	enum value_labels labels;
	bool rotate;
	int pass;

	L->labels = LABELS_FLAT;
	first_w = c->ncat ? text_width(c->categories[0], SVG_SMALL) : 0;
	for (pass = 0;; pass++) {
		fit_y(c, L, value_w);
		layout_frame(c, L);
		L->slot = (L->x1 - L->x0) / (c->ncat ? c->ncat : 1);
		if (pass == 4)
			break;
		bar_w = group_width(c, L->slot) / (c->nseries ? c->nseries : 1);
		rotate = !category_lines(c, L->slot);
		if (value_w + 2 <= (c->nseries == 1 ? L->slot : bar_w))
			labels = LABELS_FLAT;
		else
			labels = c->kind == CHART_HISTOGRAM || bar_w < 9 ? LABELS_NONE : LABELS_UP;
		if (rotate == L->rotate && labels == L->labels && pass)
			break;
		L->rotate = rotate;
		L->labels = labels;
		/* the first category's rotated label hangs left of the plot */
		L->min_x0 = rotate ? ROT * first_w + PAD - L->slot / 2 : 0;
	}
	L->every = 1;
	if (L->rotate && L->slot * ROT < ROW_PX)
		L->every = ceil(ROW_PX / (L->slot * ROT));
	L->height = L->y1 + 8 + X_LABEL_BAND +
		    (L->rotate ? ROT * cat_w + 14 : 3 + 13 * category_lines(c, L->slot));
}

static void draw_x_axis(FILE *f, const struct chart *c, const struct layout *L)
{
	double x, y = L->y1 + (L->rotate ? 12 : 18);
	/* if one label takes two lines, all that can do so, to look alike */
	bool two = !L->rotate && category_lines(c, L->slot) == 2;
	char first[256];
	int i, brk;

	fputs("<g class=\"x-axis\">\n", f);
	for (i = 0; i < c->ncat; i++) {
		x = L->x0 + (i + 0.5) * L->slot;
		svg_line(f, x, L->y1, x, L->y1 + 4, AXIS_COLOUR);
		if (i % L->every)
			continue;
		if (L->rotate) {
			svg_text(f, x + 3, y, SVG_SMALL, "end", -45, c->categories[i]);
		} else if (!two || text_break(c->categories[i]) < 0) {
			svg_text(f, x, y, SVG_SMALL, "middle", 0, c->categories[i]);
		} else {
			brk = text_break(c->categories[i]);
			snprintf(first, sizeof(first), "%.*s", brk, c->categories[i]);
			svg_text(f, x, y, SVG_SMALL, "middle", 0, first);
			svg_text(f, x, y + 13, SVG_SMALL, "middle", 0, c->categories[i] + brk + 1);
		}
	}
	svg_line(f, L->x0, L->y1, L->x1, L->y1, AXIS_COLOUR);
	if (L->ys.lo < 0)
		svg_line(f, L->x0, scale_px(&L->ys, 0), L->x1, scale_px(&L->ys, 0), AXIS_COLOUR);
	svg_text(f, (L->x0 + L->x1) / 2, L->height - 10, SVG_FONT, "middle", 0, c->x_label);
	fputs("</g>\n", f);
}

static void value_label(FILE *f, const struct layout *L, double cx, double top, double bottom,
			double v)
{
	char buf[32];

	fmt_eng(buf, sizeof(buf), v);
	if (L->labels == LABELS_FLAT)
		svg_text(f, cx, v < 0 ? bottom + 12 : top - 4, SVG_TINY, "middle", 0, buf);
	else if (L->labels == LABELS_UP)
		svg_text(f, cx + 3.5, v < 0 ? bottom + 4 : top - 4, SVG_TINY,
			 v < 0 ? "end" : "start", -90, buf);
}

void bars_draw(FILE *f, const struct chart *c, const struct layout *L)
{
	double group = group_width(c, L->slot), bar_w = group / c->nseries;
	double zero = scale_px(&L->ys, 0), gap = 0, x, top, v;
	char tip[256];
	int i, k;

	/* white between the bars of a group, unless they are too thin for it */
	if (c->kind == CHART_BARS && c->nseries > 1 && bar_w >= 6)
		gap = 1;
	draw_x_axis(f, c, L);
	for (k = 0; k < c->nseries; k++) {
		fputs("<g class=\"series\">\n", f);
		for (i = 0; i < c->ncat; i++) {
			v = c->series[k].y[i];
			x = L->x0 + i * L->slot + (L->slot - group) / 2 + k * bar_w;
			if (!axis_drawable(v, false)) {
				value_label(f, L, x + bar_w / 2, zero, zero, v);
				continue;
			}
			top = scale_px(&L->ys, v);
			snprintf(tip, sizeof(tip), "%s, %s: %g", c->series[k].name,
				 c->categories[i], v);
			svg_rect(f, x + gap / 2, fmin(top, zero), bar_w - gap, fabs(top - zero),
				 svg_colour(k), "bar", tip);
			value_label(f, L, x + bar_w / 2, fmin(top, zero), fmax(top, zero), v);
		}
		fputs("</g>\n", f);
	}
}
