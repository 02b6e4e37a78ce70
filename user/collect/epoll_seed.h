/* SPDX-License-Identifier: GPL-2.0 */
/* Epoll interest sets that existed before we attached, read from /proc. */
#ifndef IOTRACE_EPOLL_SEED_H
#define IOTRACE_EPOLL_SEED_H

#include <sys/types.h>

struct iotrace_bpf;

struct epoll_seed {
	unsigned int epoll_fds;		/* epoll fds found open at attach */
	unsigned int registrations;	/* their registrations (fdinfo tfd lines) */
	unsigned int unreadable;	/* epoll fds whose fdinfo we could not read */
};

/* Fill the interest and registered maps from /proc/PID/fdinfo; adds to *out. */
int epoll_seed(struct iotrace_bpf *skel, pid_t pid, struct epoll_seed *out);

#endif
