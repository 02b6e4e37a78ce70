/* SPDX-License-Identifier: GPL-2.0 */
/* -i: a summary per interval, and with --interval-json its counters. */
#ifndef IOTRACE_INTERVALS_H
#define IOTRACE_INTERVALS_H

#include <stdio.h>
#include "collect/run_info.h"
#include "collect/snapshot.h"
#include "trace/options.h"

struct intervals {
	FILE *json;		/* --interval-json, or NULL */
	struct snapshot prev;	/* at the last tick (empty before the first) */
	double prev_s;		/* when, from the start */
	struct run_info run;	/* the mode that runs: what the lines leave out */
	int err;
};

/* A tick at at_s: report snap - prev; snap becomes prev (and snap is emptied). */
void interval_tick(struct intervals *iv, struct snapshot *snap, double at_s,
		   const struct options *o, FILE *text);
/* The end: the last, partial interval, then the whole trace (same counters). */
int interval_end(struct intervals *iv, const struct snapshot *snap, double at_s);

#endif
