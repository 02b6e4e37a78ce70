// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <sys/resource.h>

#include "nofile.h"

static long limit_long(rlim_t v)
{
	return v > (rlim_t)LONG_MAX ? LONG_MAX : (long)v;
}

long nofile_raise(long want)
{
	struct rlimit rl;
	int err = 0;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur >= (rlim_t)want)
		return limit_long(rl.rlim_cur);
	if (rl.rlim_max < (rlim_t)want) {
		struct rlimit both = { want, want };

		if (!setrlimit(RLIMIT_NOFILE, &both))
			return want;
		err = errno;	/* not root: go as far as the hard limit */
	}
	rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	errno = err;
	return limit_long(rl.rlim_cur);
}
