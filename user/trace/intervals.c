// SPDX-License-Identifier: GPL-2.0
/* -i: a summary per interval, and with --interval-json its counters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "report/report.h"
#include "trace/intervals.h"

static void interval_json(struct intervals *iv, const struct snapshot *snap, double at_s)
{
	struct snapshot delta;

	snapshot_diff(&delta, snap, &iv->prev);
	if (!iv->err && report_json_line(iv->json, &delta, &iv->run, iv->prev_s, at_s, false)) {
		fprintf(stderr, "iotrace: failed to write the interval JSON: %s\n", strerror(errno));
		iv->err = 1;
	}
}

void interval_tick(struct intervals *iv, struct snapshot *snap, double at_s,
		   const struct options *o, FILE *text)
{
	struct snapshot delta;

	snapshot_diff(&delta, snap, &iv->prev);
	report_interval(text, &delta, o->interval, o->timestamps);
	if (iv->json)
		interval_json(iv, snap, at_s);
	snapshot_free(&iv->prev);
	iv->prev = *snap;
	iv->prev_s = at_s;
	memset(snap, 0, sizeof(*snap));
}

int interval_end(struct intervals *iv, const struct snapshot *snap, double at_s)
{
	if (!iv->json)
		return 0;
	interval_json(iv, snap, at_s);
	if (!iv->err && report_json_line(iv->json, snap, &iv->run, 0, at_s, true)) {
		fprintf(stderr, "iotrace: failed to write the interval JSON: %s\n", strerror(errno));
		iv->err = 1;
	}
	return iv->err;
}
