/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the charts: the layout that chart.c, chart_line.c and chart_bars.c share. */
#ifndef IOTRACE_CHART_DRAW_H
#define IOTRACE_CHART_DRAW_H

#include <stdio.h>
#include "chart/axis.h"
#include "chart/chart.h"

#define CHART_W		720	/* viewBox width; the height follows the layout */
#define PLOT_H		250	/* height of the plot area */
#define PAD		10
#define AXIS_COLOUR	"#444"
#define GRID_COLOUR	"#e3e3e3"

enum value_labels { LABELS_NONE, LABELS_FLAT, LABELS_UP };

struct layout {
	double x0, x1, y0, y1;	/* the plot area; y grows downwards */
	double min_x0;		/* room that rotated category labels need */
	double height;		/* of the viewBox */
	double legend_y;	/* baseline of the legend's first row */
	struct scale xs, ys;
	/* bars and histograms */
	double slot;		/* px per category */
	bool rotate;		/* category labels at 45 degrees */
	int every;		/* label every n-th category */
	enum value_labels labels;
};

/* Place the plot area for L->ys: left of it the y ticks, above it title and legend. */
void layout_frame(const struct chart *c, struct layout *L);

void line_layout(const struct chart *c, struct layout *L);
void line_draw(FILE *f, const struct chart *c, const struct layout *L);
void bars_layout(const struct chart *c, struct layout *L);
void bars_draw(FILE *f, const struct chart *c, const struct layout *L);

#endif
