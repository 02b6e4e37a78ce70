// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "numparse.h"

bool parse_long(const char *prog, const char *what, const char *arg,
		long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "%s: invalid %s '%s': expected an integer from %ld to %ld\n",
			prog, what, arg, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool parse_seconds(const char *prog, const char *what, const char *arg,
		   double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v <= 0 || v > max) {
		fprintf(stderr, "%s: invalid %s '%s': expected seconds above 0, at most %g\n",
			prog, what, arg, max);
		return false;
	}
	*out = v;
	return true;
}
