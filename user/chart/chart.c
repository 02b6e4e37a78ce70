// SPDX-License-Identifier: GPL-2.0
/*
 * One chart as inline SVG: the frame every kind shares (title, legend,
 * y axis with grid lines, axis labels). chart_line.c and chart_bars.c draw
 * the data and the x axis. Text sizes are estimated (there is no layout
 * engine to ask), so margins are generous.
 */
#include <math.h>
#include "chart/chart_draw.h"
#include "chart/svg.h"

#define TITLE_PX	15
#define TITLE_Y		24	/* baseline */
#define LEGEND_Y	48	/* baseline of the first legend row */
#define LEGEND_ROW	18
#define TITLE_LINE	19	/* between the lines of a long title */
#define SWATCH		14	/* legend key width */
#define Y_LABEL_BAND	20	/* left of the y tick labels */

/* The title's font size and lines: two if it is too long for one, smaller if need be */
static int title_lines(const char *title, double *px, int *brk)
{
	double room = CHART_W - 2 * PAD, w;
	char first[256];

	*px = TITLE_PX;
	*brk = -1;
	if (text_width(title, *px) <= room)
		return 1;
	*brk = text_break(title);
	if (*brk < 0 || *brk >= (int)sizeof(first)) {
		*brk = -1;
		*px = fmax(8, *px * room / text_width(title, *px));
		return 1;
	}
	snprintf(first, sizeof(first), "%.*s", *brk, title);
	w = fmax(text_width(first, *px), text_width(title + *brk + 1, *px));
	if (w > room)
		*px = fmax(8, *px * room / w);
	return 2;
}

static void draw_title(FILE *f, const char *title)
{
	char first[256];
	double px;
	int brk;

	fputs("<g class=\"title\" font-weight=\"bold\">", f);
	if (title_lines(title, &px, &brk) == 1) {
		svg_text(f, CHART_W / 2.0, TITLE_Y, px, "middle", 0, title);
	} else {
		snprintf(first, sizeof(first), "%.*s", brk, title);
		svg_text(f, CHART_W / 2.0, TITLE_Y, px, "middle", 0, first);
		svg_text(f, CHART_W / 2.0, TITLE_Y + TITLE_LINE, px, "middle", 0, title + brk + 1);
	}
	fputs("</g>\n", f);
}

/* Lay out (f NULL) or draw the legend: one entry per series, wrapped into rows */
static int legend_walk(FILE *f, const struct chart *c, const struct layout *L)
{
	double x = L->x0, y = L->legend_y;
	int i, rows = 1;

	for (i = 0; i < c->nseries; i++) {
		const char *name = c->series[i].name, *col = svg_colour(i);
		double w = SWATCH + 6 + text_width(name, SVG_FONT) + 18;

		if (x + w > L->x1 && x > L->x0) {
			x = L->x0;
			y += LEGEND_ROW;
			rows++;
		}
		if (f && c->kind == CHART_LINE) {
			fprintf(f, "<g class=\"key\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
				x, y - 4, x + SWATCH, y - 4, col);
			svg_marker(f, i, x + SWATCH / 2.0, y - 4, col, "key-marker", NULL);
		} else if (f) {
			fputs("<g class=\"key\">", f);
			svg_rect(f, x + 1, y - 11, 12, 12, col, "swatch", NULL);
		}
		if (f) {
			svg_text(f, x + SWATCH + 6, y, SVG_FONT, "start", 0, name);
			fputs("</g>\n", f);
		}
		x += w;
	}
	return rows;
}

void layout_frame(const struct chart *c, struct layout *L)
{
	struct tick t[AXIS_MAX_TICKS];
	double w = 0, px;
	char buf[32];
	int i, brk, n = scale_ticks(&L->ys, t, AXIS_MAX_TICKS);

	for (i = 0; i < n; i++) {
		scale_label(&L->ys, t[i].v, buf, sizeof(buf));
		if (t[i].label)
			w = fmax(w, text_width(buf, SVG_SMALL));
	}
	L->x0 = fmax(PAD + Y_LABEL_BAND + w + 9, L->min_x0);
	L->x1 = CHART_W - 3 * PAD;
	L->legend_y = LEGEND_Y + (title_lines(c->title, &px, &brk) - 1) * TITLE_LINE;
	L->y0 = L->legend_y + (legend_walk(NULL, c, L) - 1) * LEGEND_ROW + 20;
	L->y1 = L->y0 + PLOT_H;
	L->ys.p0 = L->y1;
	L->ys.p1 = L->y0;
}

static void draw_y_axis(FILE *f, const struct chart *c, const struct layout *L)
{
	struct tick t[AXIS_MAX_TICKS];
	int i, n = scale_ticks(&L->ys, t, AXIS_MAX_TICKS);
	double y, px = SVG_FONT;
	char buf[32];

	fputs("<g class=\"y-axis\">\n", f);
	for (i = 0; i < n; i++) {
		y = scale_px(&L->ys, t[i].v);
		if (t[i].label) {
			svg_line(f, L->x0, y, L->x1, y, GRID_COLOUR);
			scale_label(&L->ys, t[i].v, buf, sizeof(buf));
			svg_text(f, L->x0 - 8, y + 4, SVG_SMALL, "end", 0, buf);
		}
		svg_line(f, L->x0 - (t[i].label ? 5 : 3), y, L->x0, y, AXIS_COLOUR);
	}
	svg_line(f, L->x0, L->y0, L->x0, L->y1, AXIS_COLOUR);
	/* shrink a label longer than the axis rather than let it run off */
	if (text_width(c->y_label, px) > PLOT_H)
		px = fmax(8, px * PLOT_H / text_width(c->y_label, px));
	svg_text(f, PAD + px, (L->y0 + L->y1) / 2, px, "middle", -90, c->y_label);
	fputs("</g>\n", f);
}

void chart_write(FILE *f, const struct chart *c)
{
	struct layout L = { .every = 1 };

	if (c->kind == CHART_LINE)
		line_layout(c, &L);
	else
		bars_layout(c, &L);
	fputs("<svg class=\"chart\" role=\"img\" aria-label=\"", f);
	xml_escape(f, c->title);
	fprintf(f, "\" viewBox=\"0 0 %d %.0f\" font-family=\"sans-serif\" fill=\"#222\">\n",
		CHART_W, ceil(L.height));
	draw_title(f, c->title);
	draw_y_axis(f, c, &L);
	if (c->kind == CHART_LINE)
		line_draw(f, c, &L);
	else
		bars_draw(f, c, &L);
	fputs("<g class=\"legend\">\n", f);
	legend_walk(f, c, &L);
	fputs("</g>\n</svg>\n", f);
}

int chart_skipped(const struct chart *c, const struct chart_series *s)
{
	int i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (c->kind != CHART_LINE)
			n += !axis_drawable(s->y[i], false);
		else
			n += !axis_drawable(s->x[i], c->x_log) || !axis_drawable(s->y[i], c->y_log);
	}
	return n;
}
