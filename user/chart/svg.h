/* SPDX-License-Identifier: GPL-2.0 */
/* SVG drawing primitives and the text helpers the charts and the page share. */
#ifndef IOTRACE_SVG_H
#define IOTRACE_SVG_H

#include <stddef.h>
#include <stdio.h>

#define SVG_FONT	12	/* px: legend, axis labels */
#define SVG_SMALL	11	/* px: tick labels */
#define SVG_TINY	10	/* px: value labels on bars */
#define SVG_MARKERS	4	/* marker shapes: circle, square, triangle, diamond */

/* Series i's colour: the Okabe-Ito palette, safe for colour-blind readers; cycles. */
const char *svg_colour(int i);

/* Write s with & < > " ' escaped: valid as HTML/SVG text and attribute value. */
void xml_escape(FILE *f, const char *s);

/* v in engineering form: 2.5m, 0.25, 1.5, 10, 1k, 2.5k, 10M ("n/a" if not finite). */
void fmt_eng(char *buf, size_t size, double v);
/* v in units of 1000^e3 (-5..6) with its SI prefix: (1500, 1) is 1.5k. */
void fmt_scaled(char *buf, size_t size, double v, int e3);

/* Where s best breaks into two lines: the space nearest its middle, or -1. */
int text_break(const char *s);

/* Estimated width in px of s at font size px (no layout engine to ask). */
double text_width(const char *s, double px);

/* Text anchored ("start", "middle", "end") at x,y; rotated by deg around x,y. */
void svg_text(FILE *f, double x, double y, double px, const char *anchor, double deg,
	      const char *s);
void svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke);
/* A filled rectangle; tip (if not NULL) is its hover tooltip. */
void svg_rect(FILE *f, double x, double y, double w, double h, const char *fill,
	      const char *cls, const char *tip);
/* Point marker of shape 0..SVG_MARKERS-1 (cycling) centred at x,y. */
void svg_marker(FILE *f, int shape, double x, double y, const char *fill, const char *cls,
		const char *tip);

#endif
