/* SPDX-License-Identifier: GPL-2.0 */
/* iotrace --compare: JSON reports side by side. */
#ifndef IOTRACE_COMPARE_H
#define IOTRACE_COMPARE_H

#define COMPARE_MAX	4	/* columns that fit in 80 */

/* Print the table; 0, or 1 after a one-line error about a file. */
int compare_reports(char **paths, int n);

#endif
