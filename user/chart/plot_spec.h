/* SPDX-License-Identifier: GPL-2.0 */
/* The JSON spec of `iotrace --plot` (doc/plot-spec.md), checked field by field. */
#ifndef IOTRACE_PLOT_SPEC_H
#define IOTRACE_PLOT_SPEC_H

#include <stdbool.h>
#include <json-c/json.h>
#include "chart/chart.h"

#define PLOT_MAX_SERIES		32	/* per chart: more would not fit a legend */
#define PLOT_MAX_CATEGORIES	1000

struct plot {
	const char *title, *subtitle, *verdict;	/* subtitle, verdict: NULL if absent */
	json_object *paragraphs;	/* checked: an array of strings, or NULL */
	json_object *tables;		/* checked: see doc/plot-spec.md, or NULL */
	struct chart *charts;
	int ncharts;
};

/*
 * Check every field of spec (read from file) and fill p, whose strings
 * point into spec. A bad field: one line on stderr naming it, false.
 */
bool plot_spec_read(json_object *spec, const char *file, struct plot *p);
void plot_spec_free(struct plot *p);

#endif
