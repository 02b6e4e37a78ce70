// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace -r FILE: no tracing, no root. The whole trace prints from the
 * recorded final snapshot, so text and JSON are the live run's; a window
 * (--from/--to) or a file cut before its snapshot prints from the events.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "record.h"
#include "capture/capture.h"
#include "capture/window.h"
#include "files/input_file.h"
#include "report/output.h"
#include "report/report.h"
#include "report/report_html.h"
#include "trace/replay.h"

/* A run description from the header alone: the file ended before the snapshot */
static void run_from_header(struct run_info *run, const struct capture *c)
{
	int i;

	memset(run, 0, sizeof(*run));
	run->pid = c->ntargets ? (pid_t)c->targets[0] : 0;
	snprintf(run->comm, sizeof(run->comm), "%s", c->comm);
	run->npids = c->ntargets;
	run->launched = c->launched;
	run->wait_status = -1;
	run->follow = c->follow;
	run->many = c->ntargets > 1 || c->follow;
	run->end = RUN_END_DURATION;
	run->syscall_probe = c->probes[0] && !strncmp(c->probes[0], "raw_tp", 6) ? "raw_tp" : "tp_btf";
	for (i = 0; c->probes[i] && i < 7; i++) {
		run->live[i] = c->probes[i];
		run->sched |= strstr(c->probes[i], "sched_switch") != NULL;
	}
	if (i < 2) {
		run->live[0] = "?";
		run->live[1] = "?";
		run->live[2] = NULL;
	}
	run->exact = EXACT_NOT_TRIED;
	run->not_tried = "replay of a partial capture";
	for (i = 0; i < DEEP_NR; i++)
		run->exact_names[i] = "?";
	/* the mode is in the header (full in files before it said) */
	run->light = c->run.light;
	run->time_every = c->run.time_every;
	memcpy(run->why_light, c->run.why_light, sizeof(run->why_light));
}

static void print_counts(const struct capture *c, const char *path)
{
	if (!c->have_end)
		return;
	fprintf(stderr, "iotrace: %s: %llu calls and %llu process events recorded\n", path,
		(unsigned long long)c->counts.calls, (unsigned long long)c->counts.procs);
	if (c->counts.calls_dropped)
		fprintf(stderr, "iotrace: %llu of %llu calls not recorded (ring buffer full); "
			"totals exact\n", (unsigned long long)c->counts.calls_dropped,
			(unsigned long long)(c->counts.calls + c->counts.calls_dropped));
}

/* Which figures a report from events has: said once, above it */
static void print_window_note(FILE *f, const struct run_info *run)
{
	if (run->windowed)
		fprintf(f, "window: %.3f s to %.3f s of the recording\n", run->window_from_s,
			run->window_to_s);
	fprintf(f, "from the events: calls, errors, timeouts, latency, fds watched and ready, "
		"time asleep and on CPU, wakeups (class of each call's last waker); "
		"kernel copies, registrations, readiness and fd tables need the "
		"aggregates: not measured here (-, JSON null)\n");
}

/*
 * --from/--to against the recording: a window that starts at or after its
 * end is refused (1 line; 0 from what would be an empty report), one that
 * ends after it is cut there, and said. false: refused.
 */
static bool place_window(struct run_info *run, const struct capture *c, const char *path,
			 const struct options *o)
{
	double end = capture_end_s(c);

	run->windowed = o->from_s || o->to_s;
	if (!run->windowed)
		return true;
	if (o->from_s >= end) {
		if (o->from_s)
			fprintf(stderr, "iotrace: %s: --from %.3f s is at or after the end of the "
				"recording (%.3f s): no window there\n", path, o->from_s, end);
		else	/* --to alone: nothing was recorded, or nothing read */
			fprintf(stderr, "iotrace: %s: the recording holds no time (it ends at its "
				"start): no window there\n", path);
		return false;
	}
	run->window_from_s = o->from_s;
	run->window_to_s = o->to_s && o->to_s < end ? o->to_s : end;
	if (o->to_s > end)
		fprintf(stderr, "iotrace: %s: --to %.3f s is after the end of the recording: "
			"the window ends at %.3f s\n", path, o->to_s, end);
	return true;
}

int replay_report(int fd, const char *path, const struct options *o, FILE *text, FILE *json)
{
	struct window w = { .from_s = o->from_s, .to_s = o->to_s };
	struct timeline *tl = o->html_path ? calloc(1, sizeof(*tl)) : NULL;
	struct capture c;
	struct run_info run;
	const struct snapshot *snap;
	int ret, err = 0;

	w.tl = tl;
	ret = capture_read_fd(fd, path, &c, window_event, &w);
	if (ret < 0) {
		free(tl);
		return 1;
	}
	if (c.broken)
		fprintf(stderr, "iotrace: %s: %s: the report below is partial\n", path, c.error);
	window_finish(&w, &c);
	if (c.have_snapshot)
		run = c.run;
	else
		run_from_header(&run, &c);
	run.all_threads = o->threads;
	run.stacks = o->stacks;
	if (!place_window(&run, &c, path, o)) {
		err = 2;
		goto out;
	}
	run.from_events = run.windowed || !c.have_snapshot;
	snap = &c.snap;
	if (run.from_events) {
		snap = &w.snap;
		/* the CPU times are the whole trace's: not a window's figure */
		memset(&run.cpu, 0, sizeof(run.cpu));
		run.cpus = NULL;
		run.ncpus = 0;
		run.cpu_unread = 0;
		if (run.windowed)
			run.elapsed_s = run.window_to_s - run.window_from_s;
		else
			run.elapsed_s = w.last_ts > w.first_ts ? (w.last_ts - w.first_ts) / 1e9 : 0;
		w.snap.ksyms = c.snap.ksyms;	/* borrowed for --stacks */
		print_window_note(text, &run);
	}
	report_text(text, snap, &run);
	if (json)
		err = report_json(json, snap, &run) != 0;
	if (o->html_path)
		err |= report_html(o->html_path, snap, &run, tl);
	w.snap.ksyms = NULL;
	print_counts(&c, path);
	err = err || c.broken;
out:
	window_free(&w);
	free(tl);
	capture_free(&c);
	return err;
}

int replay_main(const struct options *o)
{
	struct json_out json = {};
	struct in_file in;
	FILE *text;
	int fd, err;

	text = o->json_path && !strcmp(o->json_path, "-") ? stderr : stdout;
	/* "-" is stdin; a FIFO or a pipe is read once, as it comes */
	if (in_file_open(&in, o->replay_path)) {
		fprintf(stderr, "iotrace: failed to open %s: %s\n", o->replay_path, strerror(errno));
		return 1;
	}
	fd = in_file_fd(&in);
	if (fd < 0) {
		fprintf(stderr, "iotrace: failed to read %s: %s\n", o->replay_path, in.why);
		in_file_close(&in);
		return 1;
	}
	if (json_out_open(&json, o->json_path)) {
		close(fd);
		return 1;
	}
	err = replay_report(fd, o->replay_path, o, text, json.f);
	/* a partial report is still written: it says what was readable; a refused window is not */
	if (err != 2 && json.f && json_out_commit(&json))
		err = 1;
	json_out_discard(&json);
	if (output_finish(text))
		err = 1;
	return err;
}
