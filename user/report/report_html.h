/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --html FILE for a live run and a replay (-r): a self-contained page
 * (chart/html_page.c) with the report's tables and SVG charts.
 */
#ifndef IOTRACE_REPORT_HTML_H
#define IOTRACE_REPORT_HTML_H

#include "capture/timeline.h"
#include "collect/run_info.h"
#include "collect/snapshot.h"

/* Per syscall: a table and its latency histogram; with tl, the timeline. 0 or 1 */
int report_html(const char *path, const struct snapshot *snap, const struct run_info *run,
		const struct timeline *tl);

#endif
