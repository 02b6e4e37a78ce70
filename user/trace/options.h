/* SPDX-License-Identifier: GPL-2.0 */
/* The command line, parsed and range-checked into struct options. */
#ifndef IOTRACE_OPTIONS_H
#define IOTRACE_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>
#include <netinet/in.h>

#define MAX_PIDS	64	/* -p PID,PID,... */

struct options {
	pid_t pids[MAX_PIDS];	/* -p: trace these processes */
	int npids;		/* 0: launch cmd */
	bool follow;		/* -f: also the processes they fork from now on */
	char **cmd;		/* -- CMD ARGS: launch and trace, or NULL */
	bool keep_running;	/* --keep-running: CMD outlives the trace */
	bool compare;		/* --compare: the operands are reports; no tracing */
	char **reports;
	int nreports;
	double duration;	/* -d: seconds, 0 = until Ctrl-C or the target exits */
	double interval;	/* -i: seconds between interval summaries, 0 = none */
	const char *json_path;	/* -j: file, "-" for stdout, or NULL */
	const char *interval_json; /* --interval-json: JSON lines per interval, or NULL */
	const char *btf_path;	/* --btf: BTF for CO-RE when the kernel has none */
	long stats_entries;	/* --stats-entries: thread x syscall slots, 0 = default */
	bool timestamps;	/* -T */
	bool verbose;		/* -v: libbpf debug output */
	bool threads;		/* --threads: per-thread tables in the text report */
	bool stacks;		/* --stacks: top waker stacks in the text report */
	bool raw_tp;		/* --raw-tp: syscall programs as raw_tp, not tp_btf */
	bool light;		/* --light: no user-memory reads, no per-fd state */
	bool check;		/* --check: what loads on this kernel; no tracing */
	bool metrics;		/* --metrics: serve Prometheus metrics at metrics_addr */
	struct sockaddr_in metrics_addr;
	const char *record_path;	/* -w: record a capture to this file */
	long record_kib;	/* --record-buffer: the ring buffer, KiB (0: 16 MiB) */
	const char *replay_path;	/* -r: report from this capture; no tracing */
	double from_s, to_s;	/* -r --from/--to: seconds from the start (to 0: end) */
	const char *plot_spec;	/* --plot: draw this JSON spec; no tracing */
	const char *html_path;	/* --html: the page --plot writes */
};

/* Parse argv; exits with a one-line error (status 2) on bad input. */
void options_parse(int argc, char **argv, struct options *opts);

/* The keys of the long options without a letter */
enum option_key {
	OPT_BTF = 1000, OPT_THREADS, OPT_STACKS, OPT_STATS_ENTRIES, OPT_RAW_TP, OPT_COMPARE,
	OPT_INTERVAL_JSON, OPT_METRICS, OPT_FROM, OPT_TO, OPT_PLOT, OPT_HTML,
	OPT_RECORD_BUFFER, OPT_KEEP_RUNNING, OPT_LIGHT, OPT_CHECK,
};

struct argp_state;
/* options_modes.c: note each option as it is parsed (one with a value, given twice, exits) */
void options_note(int key, struct argp_state *state);
/* At the end: refuse what does not apply to the mode, or lacks what it needs (exit 2) */
void options_check_mode(struct options *opts, struct argp_state *state);

#endif
