// SPDX-License-Identifier: GPL-2.0
/* SVG drawing primitives and text helpers for the charts (see chart.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chart/svg.h"

/* Okabe-Ito, ordered so that the first colours differ most; yellow last (weak on white) */
static const char *const palette[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7",
	"#E69F00", "#56B4E9", "#000000", "#F0E442",
};

const char *svg_colour(int i)
{
	return palette[i % (int)(sizeof(palette) / sizeof(palette[0]))];
}

void xml_escape(FILE *f, const char *s)
{
	static const char *const entity[256] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
	};

	for (; *s; s++) {
		if (entity[(unsigned char)*s])
			fputs(entity[(unsigned char)*s], f);
		else
			fputc(*s, f);
	}
}

void fmt_scaled(char *buf, size_t size, double v, int e3)
{
	/* "\xc2\xb5" is micro (U+00B5) in UTF-8 */
	static const char *const suffix[] = { "f", "p", "n", "\xc2\xb5", "m", "", "k", "M", "G",
					      "T", "P", "E" };

	if (!isfinite(v)) {
		snprintf(buf, size, "n/a");
		return;
	}
	if (e3 < -5 || e3 > 6) {
		snprintf(buf, size, "%.3g", v);
		return;
	}
	v /= pow(1000, e3);
	snprintf(buf, size, "%.3g%s", v == 0 ? 0 : v, v == 0 ? "" : suffix[e3 + 5]);
}

void fmt_eng(char *buf, size_t size, double v)
{
	int e3 = 0;

	if (v && isfinite(v) && (fabs(v) >= 999.5 || fabs(v) < 0.01)) {
		e3 = floor(log10(fabs(v)) / 3);
		/* 999.6 must read 1k, not 1e+03: step up when %.3g would round up */
		if (fabs(v) / pow(1000, e3) >= 999.5)
			e3++;
	}
	fmt_scaled(buf, size, v, e3);
}

/* The space nearest the middle of s, or -1 */
int text_break(const char *s)
{
	int i, best = -1, mid = strlen(s) / 2;

	for (i = 0; s[i]; i++)
		if (s[i] == ' ' && (best < 0 || abs(i - mid) < abs(best - mid)))
			best = i;
	return best;
}

double text_width(const char *s, double px)
{
	int chars = 0;

	/* count UTF-8 characters, not bytes; DejaVu Sans averages ~0.6 em */
	for (; *s; s++)
		chars += (*s & 0xc0) != 0x80;
	return chars * px * 0.62;
}

void svg_text(FILE *f, double x, double y, double px, const char *anchor, double deg,
	      const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\"", x, y, px);
	if (strcmp(anchor, "start"))
		fprintf(f, " text-anchor=\"%s\"", anchor);
	if (deg)
		fprintf(f, " transform=\"rotate(%.0f %.1f %.1f)\"", deg, x, y);
	fputc('>', f);
	xml_escape(f, s);
	fputs("</text>\n", f);
}

void svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		x1, y1, x2, y2, stroke);
}

static void tooltip_close(FILE *f, const char *tag, const char *tip)
{
	if (!tip) {
		fputs("/>\n", f);
		return;
	}
	fputs("><title>", f);
	xml_escape(f, tip);
	fprintf(f, "</title></%s>\n", tag);
}

void svg_rect(FILE *f, double x, double y, double w, double h, const char *fill,
	      const char *cls, const char *tip)
{
	fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"%s\"", cls, x, y, w, h, fill);
	tooltip_close(f, "rect", tip);
}

void svg_marker(FILE *f, int shape, double x, double y, const char *fill, const char *cls,
		const char *tip)
{
	double r = 3.5;

	switch (shape % SVG_MARKERS) {
	case 0:
		fprintf(f, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"",
			cls, x, y, r, fill);
		tooltip_close(f, "circle", tip);
		return;
	case 1:
		fprintf(f, "<path class=\"%s\" d=\"M%.1f %.1fh%.1fv%.1fh%.1fz\"", cls,
			x - r, y - r, 2 * r, 2 * r, -2 * r);
		break;
	case 2:
		fprintf(f, "<path class=\"%s\" d=\"M%.1f %.1fl%.1f %.1fh%.1fz\"", cls,
			x, y - 1.2 * r, 1.2 * r, 2.1 * r, -2.4 * r);
		break;
	default:
		r *= 1.3;
		fprintf(f, "<path class=\"%s\" d=\"M%.1f %.1fl%.1f %.1fl%.1f %.1fl%.1f %.1fz\"",
			cls, x, y - r, r, r, -r, r, -r, -r);
		break;
	}
	fprintf(f, " fill=\"%s\"", fill);
	tooltip_close(f, "path", tip);
}
