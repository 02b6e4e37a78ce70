// SPDX-License-Identifier: GPL-2.0
/* The final report as JSON (schema in doc/json.md). */
#include <errno.h>
#include <string.h>
#include "report/report_json.h"

#define JSON_SCHEMA_VERSION	1

/* Where each figure comes from: observed by a probe, or derived. */
static json_object *sources_json(const struct run_info *run)
{
	json_object *o = json_object_new_object();
	char buf[128];

	snprintf(buf, sizeof(buf), "observed: %s and %s", run->live[0], run->live[1]);
	add_str(o, "calls, failed, interrupted, timeouts, fds_ready, latency.mean/max", buf);
	add_str(o, "latency.p50/p90/p99",
		"derived: midpoint of the histogram slot (8 per power of two, within 6.25%)");
	add_str(o, "fds_watched (select, pselect6, poll, ppoll)",
		"observed: fd sets / pollfd array read from user memory at syscall entry");
	add_str(o, "fds_watched (epoll waits)",
		"derived: interest set tracked from epoll_ctl, close, dup2/dup3 and /proc fdinfo at attach");
	add_str(o, "kernel.passes",
		"observed lower bound: 1 + sched_waking of the thread during the call");
	add_str(o, "kernel.fds_examined", "derived: fds_watched x passes (lower bound)");
	add_str(o, "kernel.registrations",
		"derived: none for a zero timeout or an error; up to the first ready fd when the "
		"first pass found one; every polled fd when the call slept");
	add_str(o, "kernel.bytes_in, kernel.bytes_out",
		"derived: from the arguments by the kernel's copy rules (doc/figures.md)");
	add_str(o, "time, wakeups", "observed: tp_btf/sched_switch and tp_btf/sched_waking");
	add_str(o, "readiness", "observed: fd sets / revents / events read back at syscall exit; "
		"epoll events map to fds through the data given at epoll_ctl(ADD) or in /proc "
		"at attach (events whose data a MOD changed count as unmapped_events)");
	add_str(o, "rewrites (select, pselect6, poll, ppoll)", "observed: fd sets and timeout, or "
		"the pollfd array, read back from user memory at syscall exit");
	add_str(o, "cpu", "observed: /proc/PID/stat utime+stime (clock ticks) at attach (0 for a "
		"fork) and at the end, read every 0.2 s so a process reaped by its parent keeps its "
		"last figure (proc_before_exit: a lower bound); a launched command iotrace reaps: "
		"its rusage less the children it reaped");
	add_str(o, "fds, fds_closed", "observed: the readiness reports above, per fd; an fd's "
		"counts move to fds_closed when close/dup2/dup3 releases its number");
	return o;
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
	if (run_exact_live(run)) {
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

static json_object *threads_json(const struct snapshot *snap)
{
	json_object *threads = json_object_new_array();
	size_t i;

	for (i = 0; i < snap->nthreads; i++) {
		const struct thread_stats *th = &snap->threads[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "tid", json_object_new_int(th->tid));
		json_object_object_add(o, "pid", json_object_new_int(th->tgid));
		add_str(o, "comm", th->comm);
		json_object_object_add(o, "syscalls", syscalls_json(snap, th->tid, th->sys,
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
	if (run->cpu.sources)
		json_object_object_add(root, "cpu", cpu_json(&run->cpu));
	json_object_object_add(root, "probes", probes_json(run));
	add_str(root, "mode", run->light ? "light" : "full");
	if (run->light) {
		if (run->why_light[0])
			add_str(root, "mode_reason", run->why_light);
		add_str(root, "not_measured", light_left_out);
		/* 1 when -w: the recording needs every call's duration */
		add_u64(root, "timed_one_in", run->time_every);
	}
	json_object_object_add(root, "sources", sources_json(run));
	if (run->epoll_read) {
		json_object *e = json_object_new_object();

		add_u64(e, "epoll_fds", run->epoll_fds);
		add_u64(e, "registrations", run->epoll_registrations);
		add_u64(e, "unreadable", run->epoll_unreadable);
		json_object_object_add(root, "epoll_at_attach", e);
	}
	json_object_object_add(root, "drops", drops_json(&snap->drops));
	json_object_object_add(root, "syscalls",
			       syscalls_json(snap, SNAP_ALL_THREADS, snap->total, snap->present));
	json_object_object_add(root, "all_syscalls", all_syscalls_json(snap));
	json_object_object_add(root, "io", io_json(snap));
	json_object_object_add(root, "threads", threads_json(snap));
	if (run->sched)
		json_object_object_add(root, "wakeups", wakeups_json(snap, snap->ksyms));
	json_object_object_add(root, "fds", fds_json(snap));
	json_object_object_add(root, "fds_closed", closed_fds_json(&snap->closed));
	json_object_object_add(root, "epoll_interest", epolls_json(snap));
	json_object_object_add(root, "per_request", per_request_json(snap));
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
