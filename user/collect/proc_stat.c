// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "collect/proc_stat.h"

/* The comm (field 2) may hold spaces and ')': parse after the last ')'. */
int proc_stat_read(pid_t pid, struct proc_stat *st)
{
	char path[64], buf[1024], *open, *close;
	long long cut, cst;
	int ok, ppid;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	open = ok ? strchr(buf, '(') : NULL;
	close = ok ? strrchr(buf, ')') : NULL;
	if (!open || !close || close < open ||
	    sscanf(close + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld"
		   " %*d %*d %*d %*d %llu", &st->state, &ppid, &st->utime, &st->stime, &cut,
		   &cst, &st->starttime) != 7)
		return -EINVAL;
	st->ppid = ppid;
	snprintf(st->comm, sizeof(st->comm), "%.*s", (int)(close - open - 1), open + 1);
	st->cutime = cut > 0 ? cut : 0;
	st->cstime = cst > 0 ? cst : 0;
	return 0;
}
