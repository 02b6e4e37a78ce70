// SPDX-License-Identifier: GPL-2.0
/*
 * The figures of a report and what each needs to be measured: full mode
 * (user memory reads and per-fd state, which --light leaves out), the
 * sched tracepoints, the optional fentry/kprobe layer, or the kernel's
 * own aggregates of the whole run (which a report rebuilt from recorded
 * events, or a window of them, does not have). Written once, read by the
 * reports, --compare, --metrics and --check.
 */
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/measured.h"

enum {
	NEEDS_FULL = 1,		/* user memory and per-fd state: not --light */
	NEEDS_SCHED = 2,	/* sched_switch and sched_waking attached */
	NEEDS_DEEP = 4,		/* the fentry/kprobe layer attached */
	NEEDS_MAPS = 8,		/* the kernel's aggregates of the whole run, not events */
};

static const struct figure_def {
	const char *name;
	bool derived;
	unsigned int needs;
	bool sampled;		/* --light: of the timed calls only */
	const char *light_note;	/* --light measures it otherwise: how */
	const char *keys[FIGURE_KEYS + 1];
} figures[FIG_NR] = {
	[FIG_CALLS] = { "calls, failures by errno, interruptions, timeouts", false, 0, false, NULL,
		{ "calls", "failed", "errno", "interrupted", "timeouts" } },
	[FIG_LATENCY] = { "latency and its histogram", false, 0, true, NULL, { "latency" } },
	[FIG_READY] = { "fds ready per call", false, 0, false, NULL, { "fds_ready" } },
	[FIG_WATCHED] = { "fds watched by poll (entries) and epoll (interest sets)", false, 0,
		false, "poll: every entry, negative fds included",
		{ "fds_watched (poll, ppoll, epoll waits)" } },
	[FIG_WATCHED_SELECT] = { "fds watched by select", false, NEEDS_FULL, false, NULL,
		{ "fds_watched (select, pselect6)", "kernel.fds_examined (select, pselect6)" } },
	[FIG_UNREADABLE] = { "fd lists that could not be read", false, NEEDS_FULL | NEEDS_MAPS,
		false, NULL, { "fds_watched.unreadable (select, pselect6, poll, ppoll)" } },
	[FIG_READINESS] = { "ready fds by fd, level-triggered re-reports", false,
		NEEDS_FULL | NEEDS_MAPS, false, NULL, { "readiness", "fds", "fds_closed" } },
	[FIG_REWRITES] = { "what select and poll wrote back (S7, P1)", false,
		NEEDS_FULL | NEEDS_MAPS, false, NULL, { "rewrites" } },
	[FIG_IO] = { "reads, writes, accepts: bytes and fd kinds", false, 0, false, NULL,
		{ "bytes", "data_calls", "fd_kinds", "io" } },
	[FIG_ALL_SYSCALLS] = { "every syscall by name", false, NEEDS_MAPS, true, NULL,
		{ "all_syscalls", "per_request.syscalls", "per_request.syscalls_per_request",
		  "per_request.by_syscall" } },
	[FIG_TIME] = { "time asleep and preempted, sleeps, wakeups", false, NEEDS_SCHED, false,
		NULL, { "time.asleep_ns", "time.preempted_ns", "time.slept_calls", "time.wakeups" } },
	[FIG_ONCPU] = { "time on CPU inside the calls", true, NEEDS_SCHED, true, NULL,
		{ "time.oncpu_ns", "time.oncpu_ns_per_fd_examined" } },
	[FIG_COPY_PHASE] = { "the copy phase of reads after a wakeup", false,
		NEEDS_SCHED | NEEDS_MAPS, false, NULL, { "time.copy_phase_ns" } },
	[FIG_HISTOGRAMS] = { "histograms of on-CPU time and fds examined per call", true,
		NEEDS_FULL | NEEDS_SCHED, false, NULL,
		{ "time.oncpu_histogram", "kernel.fds_examined_histogram" } },
	[FIG_WAKE_CLASSES] = { "who woke the thread (by class)", false, NEEDS_FULL | NEEDS_SCHED,
		false, NULL, { "wakeups" } },
	[FIG_WAKE_STACKS] = { "waker stacks and contexts", false,
		NEEDS_FULL | NEEDS_SCHED | NEEDS_MAPS, false, NULL,
		{ "wakeups.top_stacks", "wakeups.<syscall>.by_context", "wakeups.outside" } },
	/* the name reports before the split used for all of them: an older
	 * light report's not_measured still leaves out every copy */
	[FIG_COPIES] = { "bytes copied between user and kernel", true, NEEDS_MAPS, false, NULL,
		{ "kernel.bytes_in (poll, epoll_wait, epoll_pwait, epoll_pwait2, epoll_ctl)",
		  "kernel.bytes_out (poll, epoll_wait, epoll_pwait, epoll_pwait2, epoll_ctl)" } },
	[FIG_COPIES_SELECT] = { "bytes copied by select, pselect6 and ppoll", true,
		NEEDS_FULL | NEEDS_MAPS, false, NULL,
		{ "kernel.bytes_in (select, pselect6, ppoll)",
		  "kernel.bytes_out (select, pselect6, ppoll)" } },
	[FIG_REGISTRATIONS] = { "wait-queue registrations", true, NEEDS_FULL | NEEDS_MAPS, false,
		NULL, { "kernel.registrations (select, pselect6, poll, ppoll)",
			"kernel.registrations_approximated_calls" } },
	[FIG_PASSES] = { "scan passes and fds examined (lower bounds)", true, NEEDS_SCHED, false,
		"poll: every entry, negative fds included", { "kernel.passes",
		"kernel.fds_examined" } },
	[FIG_EPOLL_INTEREST] = { "epoll interest sets at the end", true, NEEDS_MAPS, false, NULL,
		{ "epoll_interest", "fds_watched.unknown_interest" } },
	[FIG_CPU] = { "CPU time of the traced processes", false, NEEDS_MAPS, false, NULL,
		{ "cpu", "processes[].cpu" } },
	[FIG_EXACT] = { "exact in-kernel counts (__pollwait, sock_poll, ...)", false,
		NEEDS_DEEP | NEEDS_MAPS, false, NULL, { "probes.exact_counts" } },
};

/* In this order: the mode first, since even the whole recording lacks what it leaves out */
const char *figure_missing(const struct run_info *run, enum figure f)
{
	unsigned int needs = f < FIG_NR ? figures[f].needs : 0;

	if ((needs & NEEDS_FULL) && run->light)
		return run->why_light[0] ? "light mode (full mode does not load on this kernel)"
					 : "--light";
	if ((needs & NEEDS_SCHED) && !run->sched)
		return "a kernel without the sched tracepoints";
	if ((needs & NEEDS_DEEP) && !run_exact_live(run))
		return "without the optional fentry/kprobe layer";
	if ((needs & NEEDS_MAPS) && run->windowed)
		return "a window of a recording (--from/--to)";
	if ((needs & NEEDS_MAPS) && run->from_events)
		return "rebuilt from a recording's events";
	return NULL;
}

enum figure figure_watched(unsigned int sys)
{
	return sys == MUX_SELECT || sys == MUX_PSELECT6 ? FIG_WATCHED_SELECT : FIG_WATCHED;
}

enum figure figure_copies(unsigned int sys)
{
	return copies_read_user(sys) ? FIG_COPIES_SELECT : FIG_COPIES;
}

unsigned int run_timed_one_in(const struct run_info *run)
{
	return run->light && run->time_every > 1 ? run->time_every : 1;
}

bool figure_sampled(const struct run_info *run, enum figure f)
{
	return f < FIG_NR && figures[f].sampled && run_timed_one_in(run) > 1;
}

const char *figure_differs(const struct run_info *run, enum figure f, char *buf, size_t len)
{
	if (f >= FIG_NR || figure_missing(run, f))
		return NULL;
	if (figure_sampled(run, f)) {
		snprintf(buf, len, "sampled: 1 call in %u timed", run_timed_one_in(run));
		return buf;
	}
	if (figures[f].light_note && run->light) {
		snprintf(buf, len, "%s", figures[f].light_note);
		return buf;
	}
	return NULL;
}

const char *figure_name(enum figure f)
{
	return f < FIG_NR ? figures[f].name : "?";
}

bool figure_derived(enum figure f)
{
	return f < FIG_NR && figures[f].derived;
}

const char *const *figure_keys(enum figure f)
{
	static const char *const none[] = { NULL };

	return f < FIG_NR ? figures[f].keys : none;
}

enum figure figure_by_name(const char *name)
{
	unsigned int f;

	for (f = 0; name && f < FIG_NR; f++)
		if (!strcmp(figures[f].name, name))
			return f;
	return FIG_NR;
}
