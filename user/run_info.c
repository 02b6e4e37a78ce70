// SPDX-License-Identifier: GPL-2.0
/* The run description, from the loader's state (main's side). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "deep_probes.h"
#include "epoll_seed.h"
#include "options.h"
#include "probes.h"
#include "iotrace.h"
#include "run_info.h"
#include "target.h"

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

const char *run_end_name(const struct run_info *run)
{
	switch (run->end) {
	case RUN_END_DURATION:
		return "duration";
	case RUN_END_SIGINT:
		return "Ctrl-C";
	case RUN_END_SIGTERM:
		return "SIGTERM";
	case RUN_END_EXITED:
		return run->many ? "targets exited" : "target exited";
	case RUN_END_OTHER:
		return run->end_other ? run->end_other : "?";
	}
	return "?";
}

const char *const light_left_out =
	"fds watched by select/pselect6 (poll: array entries, negative fds included), "
	"fds ready by fd and re-reports, what select/poll wrote back, bytes copied and "
	"wait-queue registrations (derived), who woke the thread (waker stacks), "
	"the latency of every call (1 in " LIGHT_TIME_EVERY_STR " is timed, drawn at random: latency, its "
	"histogram and max, time on CPU and all_syscalls time are of the timed calls; "
	"counts, time asleep and preempted, sleeps and wakeups are of every call; "
	"with -w every call is timed)";
void run_info_free(struct run_info *run)
{
	free(run->cpus);
	run->cpus = NULL;
	run->ncpus = 0;
}

const char *cpu_source_name(unsigned int sources, char *buf, size_t len)
{
	static const char *const names[CPU_SOURCE_NR] = {
		[CPU_PROC] = "proc",
		[CPU_PROC_BEFORE_EXIT] = "proc_before_exit",
		[CPU_RUSAGE] = "rusage",
	};
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < CPU_SOURCE_NR && used < len; i++)
		if (sources & (1u << i))
			used += snprintf(buf + used, len - used, "%s%s", used ? "+" : "", names[i]);
	return buf[0] ? buf : "none";
}

const struct proc_cpu *run_cpu_of(const struct run_info *run, pid_t pid)
{
	size_t i;

	for (i = 0; i < run->ncpus; i++)
		if (run->cpus[i].pid == pid)
			return &run->cpus[i];
	return NULL;
}
