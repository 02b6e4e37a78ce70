/* SPDX-License-Identifier: GPL-2.0 */
/* -r FILE: the report of a capture, or of a time window of its events. */
#ifndef IOTRACE_REPLAY_H
#define IOTRACE_REPLAY_H

#include <stdio.h>
#include "trace/options.h"

/*
 * The report of the capture on fd (closed) to text and json (or NULL): 0,
 * 1 when broken or unreadable, 2 when --from is at or after the recording's
 * end (nothing written). Sets run_info's from_events and window for the reports.
 */
int replay_report(int fd, const char *path, const struct options *o, FILE *text, FILE *json);
/* iotrace -r: 0, 1 when the file is broken or unreadable, 2 for a window outside it */
int replay_main(const struct options *o);

#endif
