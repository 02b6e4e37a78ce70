/* SPDX-License-Identifier: GPL-2.0 */
/* iotrace --check: what this kernel offers and which mode loads; traces nothing. */
#ifndef IOTRACE_CHECK_H
#define IOTRACE_CHECK_H

struct options;

/* Prints the check (and -j FILE's JSON); returns the exit status: 0, 2 or 1 */
int check_main(const struct options *o);

#endif
