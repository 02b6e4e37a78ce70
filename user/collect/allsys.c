// SPDX-License-Identifier: GPL-2.0
/* all_syscalls: the per-CPU counts by syscall number, summed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "collect/snapshot.h"

int allsys_read(struct sys_count *all, int map_fd)
{
	int ncpus = libbpf_num_possible_cpus(), c;
	struct sys_count *vals;
	__u32 nr;

	if (ncpus <= 0)
		return -EINVAL;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(all, 0, SYSCALL_SLOTS * sizeof(*all));
	for (nr = 0; nr < SYSCALL_SLOTS; nr++) {
		if (bpf_map_lookup_elem(map_fd, &nr, vals))
			continue;
		for (c = 0; c < ncpus; c++) {
			all[nr].calls += vals[c].calls;
			all[nr].failed += vals[c].failed;
			all[nr].total_ns += vals[c].total_ns;
			all[nr].untimed += vals[c].untimed;
		}
	}
	free(vals);
	return 0;
}

__u64 allsys_calls(const struct snapshot *snap)
{
	__u64 n = 0;
	unsigned int i;

	for (i = 0; i < SYSCALL_SLOTS; i++)
		n += snap->all[i].calls;
	return n;
}

static int cmp_calls(const void *a, const void *b, void *arg)
{
	const struct snapshot *snap = arg;
	const struct sys_count *x = &snap->all[*(const __u32 *)a];
	const struct sys_count *y = &snap->all[*(const __u32 *)b];

	if (x->calls != y->calls)
		return (x->calls < y->calls) - (x->calls > y->calls);
	return (*(const __u32 *)a > *(const __u32 *)b) - (*(const __u32 *)a < *(const __u32 *)b);
}

size_t allsys_sorted(const struct snapshot *snap, __u32 **out)
{
	__u32 *nrs = calloc(SYSCALL_SLOTS, sizeof(*nrs));
	size_t n = 0;
	__u32 i;

	*out = nrs;
	if (!nrs)
		return 0;
	for (i = 0; i < SYSCALL_SLOTS; i++)
		if (snap->all[i].calls)
			nrs[n++] = i;
	qsort_r(nrs, n, sizeof(*nrs), cmp_calls, (void *)snap);
	return n;
}

