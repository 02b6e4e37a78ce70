/* SPDX-License-Identifier: GPL-2.0 */
/* iotrace --plot SPEC.json --html OUT.html: a chart page from a spec; no tracing. */
#ifndef IOTRACE_PLOT_H
#define IOTRACE_PLOT_H

/* Returns the exit status: 0, 1 (read or write failed) or 2 (bad spec). */
int plot_main(const char *spec_path, const char *html_path);

#endif
