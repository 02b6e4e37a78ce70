/* SPDX-License-Identifier: GPL-2.0 */
/* Several traced processes: children at start, forks, exits (-p A,B, -f). */
#ifndef IOTRACE_PROCS_H
#define IOTRACE_PROCS_H

#include <sys/types.h>

struct iotrace_bpf;
struct epoll_seed;
struct cpu_table;

/* The live descendants of roots (not the roots); returns how many, <= max. */
int procs_descendants(const pid_t *roots, int nroots, pid_t *out, int max);
/*
 * Drop the processes that exited from the targets map; seed the epoll
 * state of those a fork added and start counting their CPU time. Returns
 * how many are still alive.
 */
int procs_refresh(struct iotrace_bpf *skel, struct epoll_seed *seed, struct cpu_table *cpu);

#endif
