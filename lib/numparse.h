/* SPDX-License-Identifier: GPL-2.0 */
/* One range-checked number parser for iotrace, the servers and loadgen. */
#ifndef IOTRACE_NUMPARSE_H
#define IOTRACE_NUMPARSE_H

#include <stdbool.h>

/*
 * Parse a whole decimal integer in [min, max]. On failure print
 * "<prog>: invalid <what> 'arg': expected an integer from min to max"
 * on stderr and return false; *out is untouched.
 */
bool parse_long(const char *prog, const char *what, const char *arg,
		long min, long max, long *out);

/* Parse a non-negative number of seconds, fractions allowed ("0.5"). */
bool parse_seconds(const char *prog, const char *what, const char *arg,
		   double max, double *out);

#endif
