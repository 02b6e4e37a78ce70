/* SPDX-License-Identifier: GPL-2.0 */
/*
 * main's side of the run description: the loader's state (target, options,
 * probes, the epoll state read at attach) into struct run_info, the plain
 * data the reports take.
 */
#ifndef IOTRACE_DESCRIBE_H
#define IOTRACE_DESCRIBE_H

#include <stdbool.h>
#include "collect/run_info.h"

struct target;
struct options;
struct probes;
struct deep;
struct epoll_seed;

void run_info_target(struct run_info *run, const struct target *t, const struct options *o,
		     bool many);
void run_info_probes(struct run_info *run, const struct probes *p, const struct deep *d);
void run_info_epoll(struct run_info *run, const struct epoll_seed *seed);

#endif
