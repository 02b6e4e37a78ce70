// SPDX-License-Identifier: GPL-2.0
/* The run description, from the loader's state (main's side). */
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/epoll_seed.h"
#include "trace/deep_probes.h"
#include "trace/describe.h"
#include "trace/options.h"
#include "trace/probes.h"
#include "trace/target.h"

void run_info_target(struct run_info *run, const struct target *t, const struct options *o,
		     bool many)
{
	run->pid = t->pid;
	memcpy(run->comm, t->comm, sizeof(run->comm));
	run->npids = o->cmd ? 1 : o->npids;
	run->launched = t->launched;
	run->wait_status = t->launched ? t->exit_status : -1;
	run->follow = o->follow;
	run->many = many;
	run->all_threads = o->threads;
	run->stacks = o->stacks;
	run->light = o->light;
	run->time_every = o->light && !o->record_path ? LIGHT_TIME_EVERY : 1;
}

void run_info_probes(struct run_info *run, const struct probes *p, const struct deep *d)
{
	int i;

	/* the mode that runs: full mode may have fallen back to the light programs */
	run->light = p->light;
	run->time_every = p->time_every;
	snprintf(run->why_light, sizeof(run->why_light), "%s", p->why_light);
	run->syscall_probe = p->flavour;
	run->sched = p->sched;
	for (i = 0; p->live[i] && i < (int)(sizeof(run->live) / sizeof(run->live[0])) - 1; i++)
		run->live[i] = p->live[i];
	run->live[i] = NULL;
	if (d->live)
		run->exact = !strcmp(d->live, "fentry") ? EXACT_FENTRY : EXACT_KPROBE;
	else
		run->exact = d->not_tried ? EXACT_NOT_TRIED : EXACT_FAILED;
	run->not_tried = d->not_tried;
	memcpy(run->fentry_error, d->fentry_error, sizeof(run->fentry_error));
	memcpy(run->kprobe_error, d->kprobe_error, sizeof(run->kprobe_error));
	for (i = 0; i < DEEP_NR; i++) {
		run->exact_names[i] = deep_count_name(i);
		run->exact_counts[i] = d->counts[i];
	}
}

void run_info_epoll(struct run_info *run, const struct epoll_seed *seed)
{
	run->epoll_read = true;
	run->epoll_fds = seed->epoll_fds;
	run->epoll_registrations = seed->registrations;
	run->epoll_unreadable = seed->unreadable;
}
