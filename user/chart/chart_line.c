// SPDX-License-Identifier: GPL-2.0
/* Line charts: several series of (x, y) points, linear or log axes, a marker per point. */
#include <math.h>
#include "chart/chart_draw.h"
#include "chart/svg.h"

#define X_BAND		52	/* below the plot: tick labels and the x label */

static bool point_ok(const struct chart *c, const struct chart_series *s, int i)
{
	return axis_drawable(s->x[i], c->x_log) && axis_drawable(s->y[i], c->y_log);
}

static bool x_labels_overlap(const struct scale *s)
{
	struct tick t[AXIS_MAX_TICKS];
	int i, n = scale_ticks(s, t, AXIS_MAX_TICKS);
	double prev = -INFINITY, x, w;
	char buf[32];

	for (i = 0; i < n; i++) {
		if (!t[i].label)
			continue;
		scale_label(s, t[i].v, buf, sizeof(buf));
		x = scale_px(s, t[i].v);
		w = text_width(buf, SVG_SMALL);
		if (x - w / 2 < prev + 6)
			return true;
		prev = x + w / 2;
	}
	return false;
}

void line_layout(const struct chart *c, struct layout *L)
{
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
	int i, k, target;

	for (k = 0; k < c->nseries; k++) {
		const struct chart_series *s = &c->series[k];

		for (i = 0; i < s->n; i++) {
			if (!point_ok(c, s, i))
				continue;
			xmin = fmin(xmin, s->x[i]);
			xmax = fmax(xmax, s->x[i]);
			ymin = fmin(ymin, s->y[i]);
			ymax = fmax(ymax, s->y[i]);
		}
	}
	/* a linear y axis starts at zero: differences look as large as they are */
	if (!c->y_log && ymin <= ymax) {
		ymin = fmin(ymin, 0);
		ymax = fmax(ymax, 0);
	}
	scale_fit(&L->ys, ymin, ymax, c->y_log, 5);
	layout_frame(c, L);
	/* as many x ticks as fit without their labels touching */
	for (target = 7; target > 1; target--) {
		scale_fit(&L->xs, xmin, xmax, c->x_log, target);
		L->xs.p0 = L->x0;
		L->xs.p1 = L->x1;
		if (!x_labels_overlap(&L->xs))
			break;
	}
	L->height = L->y1 + X_BAND;
}

static void draw_x_axis(FILE *f, const struct chart *c, const struct layout *L)
{
	struct tick t[AXIS_MAX_TICKS];
	int i, n = scale_ticks(&L->xs, t, AXIS_MAX_TICKS);
	char buf[32];
	double x;

	fputs("<g class=\"x-axis\">\n", f);
	for (i = 0; i < n; i++) {
		x = scale_px(&L->xs, t[i].v);
		if (t[i].label) {
			if (i && i < n - 1)
				svg_line(f, x, L->y0, x, L->y1, GRID_COLOUR);
			scale_label(&L->xs, t[i].v, buf, sizeof(buf));
			svg_text(f, x, L->y1 + 18, SVG_SMALL, "middle", 0, buf);
		}
		svg_line(f, x, L->y1, x, L->y1 + (t[i].label ? 5 : 3), AXIS_COLOUR);
	}
	svg_line(f, L->x0, L->y1, L->x1, L->y1, AXIS_COLOUR);
	svg_text(f, (L->x0 + L->x1) / 2, L->y1 + 40, SVG_FONT, "middle", 0, c->x_label);
	fputs("</g>\n", f);
}

static void draw_series(FILE *f, const struct chart *c, const struct layout *L, int k)
{
	const struct chart_series *s = &c->series[k];
	const char *col = svg_colour(k);
	bool pen_down = false, any = false;
	char tip[256];
	int i;

	fputs("<g class=\"series\">\n", f);
	for (i = 0; i < s->n; i++) {
		if (!point_ok(c, s, i)) {
			pen_down = false;	/* a gap where a value is missing */
			continue;
		}
		if (!any)
			fprintf(f, "<path class=\"line\" fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"2\" stroke-linejoin=\"round\" d=\"", col);
		fprintf(f, "%s%c%.1f %.1f", any ? " " : "", pen_down ? 'L' : 'M',
			scale_px(&L->xs, s->x[i]), scale_px(&L->ys, s->y[i]));
		pen_down = any = true;
	}
	if (any)
		fputs("\"/>\n", f);
	for (i = 0; i < s->n; i++) {
		if (!point_ok(c, s, i))
			continue;
		snprintf(tip, sizeof(tip), "%s: %g, %g", s->name, s->x[i], s->y[i]);
		svg_marker(f, k, scale_px(&L->xs, s->x[i]), scale_px(&L->ys, s->y[i]), col,
			   "marker", tip);
	}
	fputs("</g>\n", f);
}

void line_draw(FILE *f, const struct chart *c, const struct layout *L)
{
	int k;

	draw_x_axis(f, c, L);
	for (k = 0; k < c->nseries; k++)
		draw_series(f, c, L, k);
}
