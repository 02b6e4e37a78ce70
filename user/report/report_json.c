// SPDX-License-Identifier: GPL-2.0
/* The final report as JSON (schema in doc/json.md). */
#include <errno.h>
#include <string.h>
#include "report/report_json.h"

/* 2: not_measured is a list, unmeasured figures null, timed_one_in and window always */
#define JSON_SCHEMA_VERSION	2

/* The source of figure f, when the run measured it */
static void source(json_object *o, const struct run_info *run, enum figure f, const char *key,
		   const char *how)
{
	if (!figure_missing(run, f))
		add_str(o, key, how);
}

/* Where each figure comes from: observed by a probe, or derived. */
static json_object *sources_json(const struct run_info *run)
{
	json_object *o = json_object_new_object();
	char buf[160];

	if (run->from_events)
		add_str(o, "syscalls, threads", "observed: rebuilt from the recorded events (-w), "
			"one per call, by the kernel side's rules");
	snprintf(buf, sizeof(buf), "observed: %s and %s", run->live[0], run->live[1]);
	add_str(o, "calls, failed, interrupted, timeouts, fds_ready, latency.mean/max", buf);
	if (run_timed_one_in(run) > 1) {
		snprintf(buf, sizeof(buf), "observed: 1 call in %u timed, drawn at random per thread "
			 "(latency, time.oncpu_ns, all_syscalls.total_ns)", run_timed_one_in(run));
		add_str(o, "timed calls", buf);
	}
	add_str(o, "latency.p50/p90/p99",
		"derived: midpoint of the histogram slot (8 per power of two, within 6.25%)");
	if (!figure_missing(run, FIG_WATCHED_SELECT))
		add_str(o, "fds_watched (select, pselect6, poll, ppoll)",
			"observed: fd sets / pollfd array read from user memory at syscall entry");
	else
		add_str(o, "fds_watched (poll, ppoll)",
			"observed: nfds, the pollfd entries, negative fds included (the array is "
			"not read)");
	add_str(o, "fds_watched (epoll waits)",
		"derived: interest set tracked from epoll_ctl, close, dup2/dup3 and /proc fdinfo at attach");
	source(o, run, FIG_PASSES, "kernel.passes",
	       "observed lower bound: 1 + sched_waking of the thread during the call");
	source(o, run, FIG_PASSES, "kernel.fds_examined",
	       "derived: fds_watched x passes (lower bound)");
	source(o, run, FIG_REGISTRATIONS, "kernel.registrations",
	       "derived: none for a zero timeout or an error; up to the first ready fd when the "
	       "first pass found one; every polled fd when the call slept");
	source(o, run, FIG_COPIES, "kernel.bytes_in, kernel.bytes_out (poll, epoll_wait, "
	       "epoll_pwait, epoll_pwait2, epoll_ctl)",
	       "derived: from the arguments by the kernel's copy rules (doc/figures.md)");
	source(o, run, FIG_COPIES_SELECT, "kernel.bytes_in, kernel.bytes_out (select, pselect6, "
	       "ppoll)", "derived: from the arguments by the kernel's copy rules, the sigmask "
	       "pack and the timeout's value read from user memory (doc/figures.md)");
	source(o, run, FIG_TIME, "time, wakeups", "observed: tp_btf/sched_switch and tp_btf/sched_waking");
	source(o, run, FIG_READINESS, "readiness", "observed: fd sets / revents / events read back "
	       "at syscall exit; epoll events map to fds through the data given at "
	       "epoll_ctl(ADD) or in /proc at attach (events whose data a MOD changed count as "
	       "unmapped_events)");
	source(o, run, FIG_REWRITES, "rewrites (select, pselect6, poll, ppoll)", "observed: fd "
	       "sets and timeout, or the pollfd array, read back from user memory at syscall exit");
	source(o, run, FIG_CPU, "cpu", "observed: /proc/PID/stat utime+stime (clock ticks) at "
	       "attach (0 for a fork) and at the end, read every 0.2 s so a process reaped by its "
	       "parent keeps its last figure (proc_before_exit: a lower bound); a launched command "
	       "iotrace reaps: its rusage less the children it reaped");
	source(o, run, FIG_READINESS, "fds, fds_closed", "observed: the readiness reports above, "
	       "per fd; an fd's counts move to fds_closed when close/dup2/dup3 releases its number");
	return o;
}

/* [{"figure", "keys", "why"}]: every figure this run did not measure (collect/measured.h) */
static json_object *not_measured_json(const struct run_info *run)
{
	json_object *a = json_object_new_array();
	unsigned int f, k;

	for (f = 0; f < FIG_NR; f++) {
		const char *why = figure_missing(run, f);
		const char *const *keys = figure_keys(f);
		json_object *e, *ka;

		if (!why)
			continue;
		e = json_object_new_object();
		ka = json_object_new_array();
		add_str(e, "figure", figure_name(f));
		for (k = 0; keys[k]; k++)
			json_object_array_add(ka, json_object_new_string(keys[k]));
		json_object_object_add(e, "keys", ka);
		add_str(e, "why", why);
		json_object_array_add(a, e);
	}
	return a;
}

/* {"from_s", "to_s"} of the recording a window covers, or null */
static json_object *window_json(const struct run_info *run)
{
	json_object *w;

	if (!run->windowed)
		return NULL;
	w = json_object_new_object();
	add_double(w, "from_s", run->window_from_s);
	add_double(w, "to_s", run->window_to_s);
	return w;
}

static json_object *target_json(const struct run_info *run)
{
	json_object *t = json_object_new_object();

	json_object_object_add(t, "pid", json_object_new_int(run->pid));
	add_str(t, "comm", run->comm);
	json_object_object_add(t, "launched", json_object_new_boolean(run->launched));
	if (run->launched && run->wait_status >= 0)
		json_object_object_add(t, "wait_status", json_object_new_int(run->wait_status));
	json_object_object_add(t, "follow", json_object_new_boolean(run->follow));
	return t;
}

static json_object *probes_json(const struct run_info *run)
{
	json_object *probes = json_object_new_object(), *live = json_object_new_array();
	int i;

	add_str(probes, "syscalls", run->syscall_probe);
	for (i = 0; run->live[i]; i++)
		json_object_array_add(live, json_object_new_string(run->live[i]));
	json_object_object_add(probes, "live", live);
	json_object_object_add(probes, "fentry",
			       json_object_new_boolean(run->exact == EXACT_FENTRY));
	json_object_object_add(probes, "kprobes",
			       json_object_new_boolean(run->exact == EXACT_KPROBE));
	if (run->fentry_error[0])
		add_str(probes, "fentry_error", run->fentry_error);
	if (run->kprobe_error[0])
		add_str(probes, "kprobe_error", run->kprobe_error);
	if (!figure_missing(run, FIG_EXACT)) {	/* the whole run's: not a window's */
		json_object *exact = json_object_new_object();

		for (i = 0; i < DEEP_NR; i++)
			add_u64(exact, run->exact_names[i], run->exact_counts[i]);
		json_object_object_add(probes, "exact_counts", exact);
	}
	return probes;
}

static json_object *drops_json(const struct drop_counts *drops)
{
	json_object *d = json_object_new_object();

	add_u64(d, "calls_lost_stats_full", drops->stats_full);
	add_u64(d, "errnos_lost_errs_full", drops->errs_full);
	add_u64(d, "epoll_fds_untracked_map_full", drops->interest_full);
	add_u64(d, "wakeups_lost_wakes_full", drops->wakes_full);
	add_u64(d, "fds_untracked_fds_full", drops->fds_full);
	add_u64(d, "calls_lost_slot_collisions", drops->slot_collisions);
	add_u64(d, "forks_not_followed_targets_full", drops->targets_full);
	return d;
}

static json_object *threads_json(const struct snapshot *snap, const struct run_info *run)
{
	json_object *threads = json_object_new_array();
	size_t i;

	for (i = 0; i < snap->nthreads; i++) {
		const struct thread_stats *th = &snap->threads[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "tid", json_object_new_int(th->tid));
		json_object_object_add(o, "pid", json_object_new_int(th->tgid));
		add_str(o, "comm", th->comm);
		json_object_object_add(o, "syscalls", syscalls_json(snap, run, th->tid, th->sys,
								   th->present));
		json_object_array_add(threads, o);
	}
	return threads;
}

static json_object *report_object(const struct snapshot *snap, const struct run_info *run)
{
	json_object *root = json_object_new_object();

	add_u64(root, "schema_version", JSON_SCHEMA_VERSION);
	json_object_object_add(root, "target", target_json(run));
	json_object_object_add(root, "processes", processes_json(snap, run));
	add_double(root, "duration_s", run->elapsed_s);
	add_str(root, "ended_by", run_end_name(run));
	if (run->cpu.sources && !figure_missing(run, FIG_CPU))
		json_object_object_add(root, "cpu", cpu_json(&run->cpu));
	json_object_object_add(root, "probes", probes_json(run));
	/* what the figures are of: mode, sampling, span; and what is left out */
	add_str(root, "mode", run->light ? "light" : "full");
	if (run->light && run->why_light[0])
		add_str(root, "mode_reason", run->why_light);
	/* 1 in full mode, and with -w: the recording needs every call's duration */
	add_u64(root, "timed_one_in", run_timed_one_in(run));
	json_object_object_add(root, "window", window_json(run));
	json_object_object_add(root, "not_measured", not_measured_json(run));
	json_object_object_add(root, "sources", sources_json(run));
	if (run->epoll_read) {
		json_object *e = json_object_new_object();

		add_u64(e, "epoll_fds", run->epoll_fds);
		add_u64(e, "registrations", run->epoll_registrations);
		add_u64(e, "unreadable", run->epoll_unreadable);
		json_object_object_add(root, "epoll_at_attach", e);
	}
	json_object_object_add(root, "drops", drops_json(&snap->drops));
	json_object_object_add(root, "syscalls", syscalls_json(snap, run, SNAP_ALL_THREADS,
								snap->total, snap->present));
	add_if(root, "all_syscalls", run, FIG_ALL_SYSCALLS, all_syscalls_json(snap));
	json_object_object_add(root, "io", io_json(snap));
	json_object_object_add(root, "threads", threads_json(snap, run));
	add_if(root, "wakeups", run, FIG_WAKE_CLASSES, wakeups_json(snap, run, snap->ksyms));
	add_if(root, "fds", run, FIG_READINESS, fds_json(snap));
	add_if(root, "fds_closed", run, FIG_READINESS, closed_fds_json(&snap->closed));
	add_if(root, "epoll_interest", run, FIG_EPOLL_INTEREST, epolls_json(snap));
	json_object_object_add(root, "per_request", per_request_json(snap, run));
	return root;
}

int report_json(FILE *f, const struct snapshot *snap, const struct run_info *run)
{
	json_object *root = report_object(snap, run);
	int err;

	err = fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 || fflush(f);
	json_object_put(root);
	if (err)
		fprintf(stderr, "iotrace: failed to write the JSON report: %s\n", strerror(errno));
	return err ? -EIO : 0;
}
