/* SPDX-License-Identifier: GPL-2.0 */
/* -w FILE: stream the ring buffer's records into a capture while tracing. */
#ifndef IOTRACE_RECORDER_H
#define IOTRACE_RECORDER_H

#include <stdbool.h>
#include <sys/types.h>
#include "collect/run_info.h"
#include "collect/snapshot.h"

struct iotrace_bpf;
struct recorder;

/* Before load: the ring buffer's size (KiB; 0: not recording) and the record programs */
void record_configure(struct iotrace_bpf *skel, long kib);

/* What the header says about the run, known once the probes are live */
struct record_head {
	const char *version;		/* iotrace's, as --version prints it */
	int argc;
	char **argv;
	const pid_t *pids;
	int npids;
	const char *comm;
	const char *const *live;	/* NULL-terminated */
	bool follow, launched;
	bool light;			/* the mode that runs (trace/probes.h) */
	unsigned int time_every;
	const char *why_light;		/* "" unless full mode fell back */
};

/* Create the file (before tracing, so a bad path fails early); NULL: printed */
struct recorder *recorder_open(const char *path);
/* Write the header and start draining the ring buffer in a thread */
int recorder_start(struct recorder *r, struct iotrace_bpf *skel, const struct record_head *h);
/* After the final snapshot: the last records, the snapshot, the counts; closes */
int recorder_finish(struct recorder *r, const struct snapshot *snap, const struct run_info *run);
/* On an error path: stop and close (the file stays, partial) */
void recorder_close(struct recorder *r);

#endif
