/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --metrics ADDR:PORT: serve the BPF maps as Prometheus metrics while
 * tracing. One HTTP thread (libmicrohttpd); every scrape reads the maps.
 */
#ifndef IOTRACE_METRICS_H
#define IOTRACE_METRICS_H

#include <stdbool.h>
#include <stdio.h>
#include <netinet/in.h>

struct iotrace_bpf;
struct snapshot;
struct metrics;

/* What the exposition needs besides the maps */
struct metrics_conf {
	struct sockaddr_in addr;	/* where to listen: 127.0.0.1 unless given */
	bool per_thread;		/* --threads: a tid label on each series */
	const char *probes;		/* "tp_btf", "raw_tp": how the syscalls attached */
	bool sched;			/* sched_switch and sched_waking attached */
};

/* "9464", ":9464", "127.0.0.1:9464", "0.0.0.0:9464": 0, or -1 with a one-line error */
int metrics_parse_addr(const char *arg, struct sockaddr_in *out);

/* Bind and start serving; prints a one-line error and returns NULL on failure. */
struct metrics *metrics_start(const struct metrics_conf *conf, struct iotrace_bpf *skel);
/* Scrapes answered and failed, for the final report */
void metrics_counts(const struct metrics *m, unsigned long *ok, unsigned long *failed);
void metrics_stop(struct metrics *m);

/* The exposition of one snapshot; openmetrics picks that format. */
struct wake_cache;
int metrics_write(FILE *f, const struct snapshot *snap, const struct metrics_conf *conf,
		  struct wake_cache *wc, struct iotrace_bpf *skel, bool openmetrics);

#endif
