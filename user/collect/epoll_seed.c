// SPDX-License-Identifier: GPL-2.0
/*
 * A process we attach to may already have epoll fds with registrations
 * that no epoll_ctl we will see created. The kernel lists each epoll fd's
 * registrations in /proc/PID/fdinfo/FD as "tfd: N events: E data: D"
 * lines (fs/eventpoll.c, ep_show_fdinfo), so the interest sets and the
 * event-data-to-fd map start exact.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "collect/epoll_seed.h"

static int seed_one(struct iotrace_bpf *skel, pid_t pid, int epfd, struct epoll_seed *out)
{
	struct interest_key key = { .tgid = pid, .epfd = epfd };
	char path[64], line[256];
	unsigned long long data;
	unsigned int events;
	__s64 count = 0;
	FILE *f;
	int tfd, n;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, epfd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct interest_key reg = { .tgid = pid };
		struct epdata_key dk = { .tgid = pid };
		n = sscanf(line, "tfd: %d events: %x data: %llx", &tfd, &events, &data);

		if (n < 1)
			continue;
		reg.epfd = tfd;
		bpf_map_update_elem(bpf_map__fd(skel->maps.registered), &reg, &epfd, BPF_ANY);
		/* the data each event will carry, to tell which fd it reports */
		if (n == 3) {
			dk.data = data;
			bpf_map_update_elem(bpf_map__fd(skel->maps.epdata), &dk, &tfd, BPF_ANY);
		}
		count++;
	}
	fclose(f);
	out->registrations += count;
	n = bpf_map_update_elem(bpf_map__fd(skel->maps.interest), &key, &count, BPF_ANY);
	/* threads cache set sizes until this moves (bpf/interest.bpf.h) */
	__sync_fetch_and_add(&skel->bss->interest_gen, 1);
	return n;
}

int epoll_seed(struct iotrace_bpf *skel, pid_t pid, struct epoll_seed *out)
{
	char dir[64], path[320], link[64];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, "anon_inode:[eventpoll]"))
			continue;
		out->epoll_fds++;
		if (seed_one(skel, pid, atoi(de->d_name), out))
			out->unreadable++;
	}
	closedir(d);
	return 0;
}
