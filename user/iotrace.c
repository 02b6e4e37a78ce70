// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace: measure what select, poll and epoll do for a process, from
 * syscall tracepoints. The lifecycle of every libbpf-tools loader: parse
 * args, check, load and attach, loop, report, and one cleanup path.
 */
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
#include "deep_probes.h"
#include "epoll_seed.h"
#include "options.h"
#include "probes.h"
#include "report.h"
#include "snapshot.h"
#include "target.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep until the target exits, a signal arrives or `until` passes. */
static void wait_for(const struct target *t, double until)
{
	struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };
	double left = until - now_s();

	if (left > 0 && !stop_signal)
		poll(&pfd, 1, (int)(left * 1000) + 1);
}

static FILE *open_json(const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	if (!strcmp(path, "-"))
		return stdout;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "iotrace: failed to open %s: %s\n", path, strerror(errno));
	return f;
}

int main(int argc, char **argv)
{
	struct options opts = {};
	struct target target = { .pidfd = -1, .go_fd = -1, .err_fd = -1 };
	struct probes probes = {};
	struct deep deep = {};
	struct epoll_seed seed;
	struct snapshot snap = {}, prev = {}, delta;
	struct report_ctx ctx = { .opts = &opts, .target = &target, .probes = &probes,
				  .deep = &deep };
	struct sigaction sa = { .sa_handler = on_signal };
	FILE *json = NULL, *text;
	double start, end, next_tick;
	int err = 1;

	options_parse(argc, argv, &opts);
	/* with JSON on stdout, keep stdout pure and send the text to stderr */
	text = opts.json_path && !strcmp(opts.json_path, "-") ? stderr : stdout;

	if (probes_preflight(opts.btf_path))
		return 1;
	if (opts.json_path && !(json = open_json(opts.json_path)))
		return 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* Hold a launched command before exec, so its first syscall is traced. */
	if (opts.cmd ? target_launch(&target, opts.cmd) : target_open_pid(&target, opts.pid))
		goto cleanup;
	if (probes_start(&probes, target.pid, &opts))
		goto cleanup;
	deep_start(&deep, target.pid, opts.btf_path);
	/* libbpf parsed the kernel's BTF (~10 MiB) to load; give it back */
	malloc_trim(0);
	if (!opts.cmd) {
		epoll_seed(probes.skel, target.pid, &seed);
		ctx.seed = &seed;
		if (target_exited(&target)) {
			fprintf(stderr, "iotrace: PID %d exited before tracing started\n", target.pid);
			goto cleanup;
		}
	}
	fprintf(stderr, "Tracing PID %d (%s)... Ctrl-C to end.\n", target.pid, target.comm);
	if (opts.cmd) {
		err = target_release(&target);
		if (err) {
			fprintf(stderr, "iotrace: cannot execute '%s': %s\n", opts.cmd[0],
				strerror(-err));
			err = 1;
			goto cleanup;
		}
		err = 1;
	}

	start = now_s();
	end = opts.duration ? start + opts.duration : 1e300;
	next_tick = opts.interval ? start + opts.interval : 1e300;
	ctx.end_reason = "duration";
	while (now_s() < end) {
		wait_for(&target, next_tick < end ? next_tick : end);
		if (stop_signal) {
			ctx.end_reason = stop_signal == SIGINT ? "Ctrl-C" : "SIGTERM";
			break;
		}
		if (target_exited(&target)) {
			ctx.end_reason = "target exited";
			break;
		}
		if (now_s() >= next_tick) {
			if (snapshot_take(&snap, probes.skel, false))
				break;
			snapshot_diff(&delta, &snap, &prev);
			report_interval(text, &delta, opts.interval, opts.timestamps);
			snapshot_free(&prev);
			prev = snap;
			next_tick += opts.interval;
		}
	}
	ctx.elapsed = now_s() - start;

	deep_read(&deep);
	if (snapshot_take(&snap, probes.skel, true)) {
		fprintf(stderr, "iotrace: failed to read the BPF maps\n");
		goto cleanup;
	}
	report_text(text, &snap, &ctx);
	err = json ? report_json(json, &snap, &ctx) != 0 : 0;
	snapshot_free(&snap);

cleanup:
	snapshot_free(&prev);
	deep_stop(&deep);
	probes_stop(&probes);
	target_close(&target);
	if (json && json != stdout)
		fclose(json);
	return err;
}
