// SPDX-License-Identifier: GPL-2.0
/*
 * The set of traced processes lives in the BPF targets map: the user's
 * pids, the children found at start, and with --follow whatever they fork
 * (added in the kernel at sched_process_fork). Here user space walks
 * /proc for descendants, notices exits, and reads the epoll state a
 * forked child inherited, which no epoll_ctl of its own will show.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "collect/cpu.h"
#include "collect/epoll_seed.h"
#include "collect/proc_stat.h"
#include "trace/probes.h"
#include "trace/procs.h"

/* State and parent from /proc/PID/stat */
static int read_stat(pid_t pid, char *state, pid_t *ppid)
{
	struct proc_stat st;
	int err = proc_stat_read(pid, &st);

	if (err)
		return err;
	*state = st.state;
	*ppid = st.ppid;
	return 0;
}

static bool alive(pid_t pid)
{
	char state;
	pid_t ppid;

	/* a zombie has made its last syscall; X: being reaped */
	return !read_stat(pid, &state, &ppid) && state != 'Z' && state != 'X';
}

static bool listed(const pid_t *pids, int n, pid_t pid)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

int procs_descendants(const pid_t *roots, int nroots, pid_t *out, int max)
{
	struct { pid_t pid, ppid; } *all = NULL;
	size_t nall = 0, cap = 0, i;
	struct dirent *de;
	int n = 0, grew = 1;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name), ppid;
		char state;

		if (pid <= 0 || read_stat(pid, &state, &ppid) || state == 'Z')
			continue;
		if (nall == cap) {
			void *m = realloc(all, (cap = cap ? cap * 2 : 256) * sizeof(*all));

			if (!m)
				break;
			all = m;
		}
		all[nall].pid = pid;
		all[nall++].ppid = ppid;
	}
	closedir(d);
	/* children of roots, then their children, until nothing is added */
	while (grew && n < max) {
		grew = 0;
		for (i = 0; i < nall && n < max; i++) {
			if (listed(roots, nroots, all[i].pid) || listed(out, n, all[i].pid))
				continue;
			if (listed(roots, nroots, all[i].ppid) || listed(out, n, all[i].ppid)) {
				out[n++] = all[i].pid;
				grew = 1;
			}
		}
	}
	free(all);
	return n;
}

int procs_refresh(struct iotrace_bpf *skel, struct epoll_seed *seed, struct cpu_table *cpu)
{
	int fd = bpf_map__fd(skel->maps.targets), n = 0, live = 0, i;
	static __u32 keys[MAX_TARGETS];
	__u32 key, next, *prev = NULL, val, given = TARGET_GIVEN;

	while (n < MAX_TARGETS && bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		keys[n++] = key;
	}
	for (i = 0; i < n; i++) {
		bool forked = !bpf_map_lookup_elem(fd, &keys[i], &val) && val == TARGET_FORKED;

		/* a fork's times start at 0; a zombie's stat still has them */
		if (forked)
			cpu_track(cpu, keys[i], true);
		if (!alive(keys[i])) {
			bpf_map_delete_elem(fd, &keys[i]);
			probes_target_bit(skel, keys[i], false);
			continue;
		}
		live++;
		if (!forked)
			continue;
		epoll_seed(skel, keys[i], seed);
		bpf_map_update_elem(fd, &keys[i], &given, BPF_EXIST);
	}
	return live;
}
