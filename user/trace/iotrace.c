// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace: measure what select, poll and epoll do for a process, from
 * syscall tracepoints. The lifecycle of every libbpf-tools loader: parse
 * args, check, load and attach, loop, report, and one cleanup path.
 */
#include <argp.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "capture/recorder.h"
#include "chart/plot.h"
#include "collect/cpu.h"
#include "collect/epoll_seed.h"
#include "collect/frame_names.h"
#include "collect/run_info.h"
#include "collect/snapshot.h"
#include "compare/compare.h"
#include "metrics/metrics.h"
#include "report/output.h"
#include "report/report.h"
#include "report/report_html.h"
#include "trace/check.h"
#include "trace/deep_probes.h"
#include "trace/describe.h"
#include "trace/intervals.h"
#include "trace/options.h"
#include "trace/probes.h"
#include "trace/procs.h"
#include "trace/replay.h"
#include "trace/signals.h"
#include "trace/target.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Sleep until the target exits (if watch_exit), a signal arrives or
 * `until` passes. Wake every REFRESH_S to read the CPU times (a process
 * its parent reaps keeps the last one) and, with several processes, to
 * notice exits and forks.
 */
#define REFRESH_S	0.2

static void wait_for(const struct target *t, bool watch_exit, double until)
{
	struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };
	double left = until - now_s();

	if (left > REFRESH_S)
		left = REFRESH_S;
	if (left > 0 && !signals_caught())
		poll(&pfd, watch_exit ? 1 : 0, (int)(left * 1000) + 1);
}

/* -p: every pid must be a live user process. */
static int open_targets(struct target *t, const struct options *o)
{
	int i;

	for (i = 0; i < o->npids; i++)
		if (target_open_pid(&t[i], o->pids[i]))
			return -1;
	return 0;
}

/* -f -p: the children alive now (forks from here on are caught in the kernel) */
static void add_descendants(struct probes *p, const struct options *o, struct epoll_seed *seed,
			    struct cpu_table *cpu)
{
	static pid_t kids[MAX_TARGETS + 1];
	int i, n = procs_descendants(o->pids, o->npids, kids, MAX_TARGETS + 1);

	for (i = 0; i < n; i++) {
		/* `iotrace -f -p $$`: never trace ourselves (our poll would count) */
		if (kids[i] == getpid())
			continue;
		if (!probes_add_target(p, kids[i])) {
			epoll_seed(p->skel, kids[i], seed);
			cpu_track(cpu, kids[i], false);
		} else {	/* the map is full: say so, as for a fork not followed */
			__sync_fetch_and_add(&p->skel->bss->drops.targets_full, 1);
		}
	}
}

static bool all_exited(struct target *t, int n, struct probes *p, bool many,
		       struct epoll_seed *seed, struct cpu_table *cpu)
{
	bool gone = true;
	int i;

	for (i = 0; i < n; i++)	/* also reaps a launched command */
		gone &= target_exited(&t[i]);
	return many ? procs_refresh(p->skel, seed, cpu) == 0 : gone;
}

static struct metrics *start_metrics(const struct options *o, const struct probes *p)
{
	struct metrics_conf conf = { .addr = o->metrics_addr, .per_thread = o->threads,
				     .probes = p->flavour, .sched = p->sched };

	return metrics_start(&conf, p->skel);
}

static void stop_metrics(struct metrics *m)
{
	unsigned long ok, failed;

	if (!m)
		return;
	metrics_counts(m, &ok, &failed);
	metrics_stop(m);
	fprintf(stderr, "iotrace: --metrics answered %lu scrapes%s", ok, failed ? "" : "\n");
	if (failed)
		fprintf(stderr, ", %lu failed to read the maps\n", failed);
}

int main(int argc, char **argv)
{
	struct options opts = {};
	static struct target targets[MAX_PIDS];
	struct target *target = &targets[0];	/* the launched one, or the first -p */
	pid_t pids[MAX_PIDS];
	struct probes probes = {};
	struct deep deep = {};
	struct epoll_seed seed = {};
	struct cpu_table cpu = {};
	struct snapshot snap = {};
	struct intervals iv = {};
	struct run_info run = {};
	struct metrics *metrics = NULL;
	struct frame_names *names = NULL;
	struct recorder *rec = NULL;
	struct json_out json = {}, iv_json = {};
	FILE *text;
	double start, end, next_tick;
	int err = 1, ntargets, i;
	bool many;

	for (i = 0; i < MAX_PIDS; i++)
		targets[i] = (struct target){ .pidfd = -1, .go_fd = -1, .err_fd = -1 };
	options_parse(argc, argv, &opts);
	if (opts.compare)
		return compare_reports(opts.reports, opts.nreports, opts.html_path);
	if (opts.replay_path)
		return replay_main(&opts);
	if (opts.plot_spec)
		return plot_main(opts.plot_spec, opts.html_path);
	if (opts.check)
		return check_main(&opts);
	ntargets = opts.cmd ? 1 : opts.npids;
	many = ntargets > 1 || opts.follow;
	/* with JSON on stdout, keep stdout pure and send the text to stderr */
	text = (opts.json_path && !strcmp(opts.json_path, "-")) ||
	       (opts.interval_json && !strcmp(opts.interval_json, "-")) ? stderr : stdout;

	if (probes_preflight(opts.btf_path))
		return 1;
	if (json_out_open(&json, opts.json_path))
		return 1;
	if (json_out_open(&iv_json, opts.interval_json))
		goto cleanup;
	iv.json = iv_json.f;
	if (opts.record_path && !(rec = recorder_open(opts.record_path)))
		goto cleanup;
	signals_install();

	/* Hold a launched command before exec, so its first syscall is traced. */
	if (opts.cmd ? target_launch(target, opts.cmd) : open_targets(targets, &opts))
		goto cleanup;
	for (i = 0; i < ntargets; i++)
		pids[i] = targets[i].pid;
	if (probes_start(&probes, pids, ntargets, &opts))
		goto cleanup;
	/* the optional counters are global, not per process: one process only */
	if (many)
		deep_skip(&deep, "several processes");
	else
		deep_start(&deep, target->pid, opts.btf_path);
	/* the interval lines say what this mode leaves out, as the report does */
	run_info_probes(&iv.run, &probes, &deep);
	if (rec) {
		struct record_head h = { argp_program_version, argc, argv, pids, ntargets,
					 target->comm, probes.live, opts.follow, opts.cmd != NULL,
					 probes.light, probes.time_every, probes.why_light };

		if (recorder_start(rec, probes.skel, &h))
			goto cleanup;
	}
	/* libbpf parsed the kernel's BTF (~10 MiB) to load; give it back */
	malloc_trim(0);
	if (!opts.cmd) {
		for (i = 0; i < ntargets; i++)
			epoll_seed(probes.skel, pids[i], &seed);
		if (opts.follow)
			add_descendants(&probes, &opts, &seed, &cpu);
		for (i = 0; i < ntargets; i++) {
			if (target_exited(&targets[i])) {
				fprintf(stderr, "iotrace: PID %d exited before tracing started\n",
					targets[i].pid);
				goto cleanup;
			}
		}
	}
	/* CPU times from here (a launched command, held before exec, from ~0) */
	for (i = 0; i < ntargets; i++)
		cpu_track(&cpu, pids[i], false);
	/* and the traced time: a launched command's exec and all it runs are inside it */
	start = now_s();
	if (ntargets == 1)
		fprintf(stderr, "Tracing PID %d (%s)%s... Ctrl-C to end.\n", target->pid,
			target->comm, opts.follow ? " and its children" : "");
	else
		fprintf(stderr, "Tracing PIDs %d (%s) and %d more%s... Ctrl-C to end.\n",
			target->pid, target->comm, ntargets - 1,
			opts.follow ? ", and their children" : "");
	if (opts.cmd) {
		err = target_release(target);
		if (err) {
			fprintf(stderr, "iotrace: cannot execute '%s': %s\n", opts.cmd[0],
				strerror(-err));
			err = 1;
			goto cleanup;
		}
		err = 1;
	}

	if (opts.metrics && !(metrics = start_metrics(&opts, &probes)))
		goto cleanup;

	/* the wakeup stacks' frames are named as they appear: Ctrl-C reads no kallsyms */
	if (probes.sched)
		names = frame_names_new();
	end = opts.duration ? start + opts.duration : 1e300;
	next_tick = opts.interval ? start + opts.interval : 1e300;
	run.end = RUN_END_DURATION;
	while (now_s() < end) {
		/* one process: its exit ends the wait (once exited, an exporter sleeps on) */
		wait_for(target, !many && !metrics, next_tick < end ? next_tick : end);
		/* before all_exited reaps a launched command: a zombie's stat is its last */
		cpu_sample(&cpu);
		if (signals_caught()) {
			run.end = signals_caught() == SIGINT ? RUN_END_SIGINT :
				  signals_caught() == SIGTERM ? RUN_END_SIGTERM : RUN_END_OTHER;
			run.end_other = signals_reason(signals_caught());
			break;
		}
		if (all_exited(targets, ntargets, &probes, many, &seed, &cpu)) {
			/* a one-target filter is a constant: count no more, as the
			 * pid may go to an unrelated process */
			probes.skel->bss->stopped = true;
			/* an exporter keeps serving the final counts until it is stopped */
			if (!metrics) {
				run.end = RUN_END_EXITED;
				break;
			}
		}
		if (names)	/* cheap unless new frames appeared; a failure costs the end time */
			frame_names_refresh(names, bpf_map__fd(probes.skel->maps.wakes));
		if (now_s() >= next_tick) {
			if (snapshot_take(&snap, probes.skel, false))
				break;
			interval_tick(&iv, &snap, now_s() - start, &opts, text);
			if (output_failed(text)) {	/* e.g. EPIPE: the reader is gone */
				run.end = RUN_END_OTHER;
				run.end_other = output_failure_reason(text);
				break;
			}
			next_tick += opts.interval;
		}
	}
	run.elapsed_s = now_s() - start;
	/* counting stops first: a call is read in calls and errno counts alike */
	probes.skel->bss->stopped = true;
	stop_metrics(metrics);
	metrics = NULL;
	cpu_sample(&cpu);
	if (target->launched && target->exit_status >= 0)
		cpu_reaped(&cpu, target->pid, &target->rusage);

	deep_read(&deep);
	if (snapshot_take_named(&snap, probes.skel, names)) {
		fprintf(stderr, "iotrace: failed to read the BPF maps\n");
		goto cleanup;
	}
	/* the reports see plain data only */
	run_info_target(&run, target, &opts, many);
	run_info_probes(&run, &probes, &deep);
	/* what was open before we attached or, with -f, came with a fork */
	if (!opts.cmd || opts.follow)
		run_info_epoll(&run, &seed);
	cpu_describe(&cpu, &run);
	err = rec ? recorder_finish(rec, &snap, &run) != 0 : 0;
	rec = NULL;
	text = output_text_stream(text);
	report_text(text, &snap, &run);
	err |= json.f ? report_json(json.f, &snap, &run) || json_out_commit(&json) : 0;
	if (opts.html_path)
		err |= report_html(opts.html_path, &snap, &run, NULL);
	err |= interval_end(&iv, &snap, run.elapsed_s) || (iv.json && json_out_commit(&iv_json));
	err |= output_finish(text) != 0;
	snapshot_free(&snap);

cleanup:
	recorder_close(rec);
	metrics_stop(metrics);
	frame_names_free(names);
	/* a launched command ends with its trace, unless told to keep running */
	if (opts.cmd && !opts.keep_running)
		target_end(target, TARGET_GRACE_MS);
	snapshot_free(&iv.prev);
	run_info_free(&run);
	cpu_free(&cpu);
	deep_stop(&deep);
	probes_stop(&probes);
	for (i = 0; i < MAX_PIDS; i++)
		target_close(&targets[i]);
	json_out_discard(&json);
	json_out_discard(&iv_json);
	return err;
}
