// SPDX-License-Identifier: GPL-2.0
/* The command line: its help, its options, and each value parsed and range-checked. */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "numparse.h"
#include "iotrace.h"
#include "metrics/metrics.h"
#include "trace/options.h"

#define INTERVAL_MIN	0.01	/* s */

const char *argp_program_version = "iotrace 0.1";

static const char doc[] =
"Trace the IO multiplexing syscalls of a process: select, pselect6, poll,\n"
"ppoll, epoll_wait, epoll_pwait, epoll_pwait2 and epoll_ctl.\n"
"\n"
"USAGE: iotrace [-d SECS] [-i SECS] [-j FILE] [-T] [-v] [-f] -p PID[,PID...]\n"
"       iotrace [OPTIONS] -- CMD [ARGS...]\n"
"       iotrace --compare [--html FILE] REPORT... (-: stdin; a capture too)\n"
"       iotrace -r CAPTURE [--from SECS] [--to SECS] [-j FILE] [--html FILE]\n"
"       iotrace --plot SPEC.json --html OUT.html\n"
"       iotrace --check [-j FILE]\n"
"\n"
"EXAMPLES:\n"
"    iotrace -p 1234              # trace PID 1234 until Ctrl-C or its exit\n"
"    iotrace -p 1234 -d 10        # trace for 10 seconds\n"
"    iotrace -f -p $(pgrep -o nginx)  # nginx's master, its workers, new ones\n"
"    iotrace -p $(pgrep -d, redis)    # several processes, one report\n"
"    iotrace -p 1234 -i 1 -T      # a timestamped summary every second\n"
"    iotrace -j out.json -p 1234  # also write the report as JSON\n"
"    iotrace -j - -- python3 srv.py   # launch, trace, JSON on stdout\n"
"    iotrace --threads -p 1234    # add per-thread tables\n"
"    iotrace --stacks -p 1234     # show who woke the target, as kernel stacks\n"
"    iotrace --compare epoll.json poll.json   # two servers, per request\n"
"    iotrace -w cap.gz -p 1234 -d 10  # record every call, then the report\n"
"    iotrace -r cap.gz --from 2 --to 3   # replay one second of it, no root\n"
"    iotrace --metrics 9464 -f -p $(pgrep -o nginx)  # a Prometheus exporter\n"
"    iotrace --plot spec.json --html page.html  # charts (doc/plot-spec.md)\n"
"\v"
"Needs root, or CAP_BPF and CAP_PERFMON, and a kernel with BTF.\n"
"Latency percentiles are read from a histogram with 8 buckets per power of\n"
"two (within 6.25%); max and mean are exact. See iotrace(8).";

static const struct argp_option option_list[] = {
	{ "pid", 'p', "PID[,PID...]", 0,
	  "Trace these processes (all their threads; up to 64, or repeat -p)", 0 },
	{ "follow", 'f', NULL, 0,
	  "Also trace their child processes: those alive at start and those forked later", 0 },
	{ "duration", 'd', "SECS", 0, "Stop after SECS seconds", 0 },
	{ "keep-running", OPT_KEEP_RUNNING, NULL, 0,
	  "With -- CMD: leave CMD running when tracing ends by -d or a signal (default: SIGTERM, SIGKILL 2 s later)", 0 },
	{ "interval", 'i', "SECS", 0, "Print a summary every SECS seconds", 0 },
	{ "json", 'j', "FILE", 0, "Write the final report as JSON to FILE (- for stdout)", 0 },
	{ "timestamp", 'T', NULL, 0, "Print a timestamp on each interval summary", 0 },
	{ "interval-json", OPT_INTERVAL_JSON, "FILE", 0,
	  "With -i: each interval's counters as a JSON line to FILE, then the whole trace's", 0 },
	{ "threads", OPT_THREADS, NULL, 0, "Show per-thread tables in the text report", 0 },
	{ "stacks", OPT_STACKS, NULL, 0, "Show the top kernel stacks that woke the target", 0 },
	{ "stats-entries", OPT_STATS_ENTRIES, "N", 0,
	  "Room for N thread x syscall figures (default: 64 threads in array slots, then 65536); beyond it calls are counted as lost", 0 },
	{ "light", OPT_LIGHT, NULL, 0,
	  "For production: calls, errors, timeouts, fds ready and watched (from the arguments and epoll interest sets), sleeps and wakeups, IO by fd kind, latency from 1 call in " LIGHT_TIME_EVERY_STR " (drawn at random; every call with -w); no user-memory reads and no per-fd state (the report says what it leaves out)", 0 },
	{ "check", OPT_CHECK, NULL, 0,
	  "Tell what this kernel offers, which mode loads and each program's verifier figures; "
	  "traces nothing (exit 0: full mode loads, 2: only --light, 1: none; -j FILE: JSON)", 0 },
	{ "raw-tp", OPT_RAW_TP, NULL, 0,
	  "Attach sys_enter/sys_exit as raw_tp, the fallback used when tp_btf fails", 0 },
	{ "btf", OPT_BTF, "FILE", 0, "BTF file for CO-RE when the kernel has none", 0 },
	{ "compare", OPT_COMPARE, NULL, 0,
	  "Compare JSON reports or recordings (the operands, up to 4; - is stdin) side by side; traces nothing", 0 },
	{ "metrics", OPT_METRICS, "[ADDR:]PORT", 0,
	  "Serve Prometheus metrics at http://ADDR:PORT/metrics while tracing (ADDR: 127.0.0.1)", 0 },
	{ "write", 'w', "FILE", 0,
	  "Record every traced call, process events and the final figures to FILE (gzip)", 0 },
	{ "record-buffer", OPT_RECORD_BUFFER, "KIB", 0,
	  "With -w: the ring buffer's size, a power of two (default 16384 KiB)", 0 },
	{ "read", 'r', "FILE", 0, "Report from a recording made with -w; traces nothing", 0 },
	{ "from", OPT_FROM, "SECS", 0, "With -r: report the events from SECS after the start", 0 },
	{ "to", OPT_TO, "SECS", 0, "With -r: report the events up to SECS after the start", 0 },
	{ "plot", OPT_PLOT, "SPEC", 0, "Draw the charts of a JSON spec as HTML; traces nothing", 0 },
	{ "html", OPT_HTML, "FILE", 0,
	  "Write an HTML page of charts to FILE (- for stdout): the --plot spec's, or the report's (live, -r, --compare)", 0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf debug messages", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

/* "1,2,3": each a pid; duplicates are dropped */
static void parse_pids(const char *arg, struct options *opts)
{
	char buf[1024], *tok, *save = NULL;
	long pid;
	int i;

	if (strlen(arg) >= sizeof(buf)) {
		fprintf(stderr, "iotrace: PID list too long: '%.20s...'\n", arg);
		exit(2);
	}
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!parse_long("iotrace", "PID", tok, 1, 4194304, &pid))
			exit(2);
		for (i = 0; i < opts->npids && opts->pids[i] != pid; i++)
			;
		if (i < opts->npids)
			continue;
		if (opts->npids == MAX_PIDS) {
			fprintf(stderr, "iotrace: more than %d PIDs (-f follows children)\n",
				MAX_PIDS);
			exit(2);
		}
		opts->pids[opts->npids++] = pid;
	}
	if (!opts->npids) {
		fprintf(stderr, "iotrace: invalid PID: '%s'\n", arg);
		exit(2);
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *opts = state->input;

	options_note(key, state);
	switch (key) {
	case 'p':
		parse_pids(arg, opts);
		break;
	case 'f':
		opts->follow = true;
		break;
	case 'd':
		if (!parse_seconds("iotrace", "duration", arg, 1e7, &opts->duration))
			exit(2);
		break;
	case 'i':
		if (!parse_seconds("iotrace", "interval", arg, 1e7, &opts->interval))
			exit(2);
		/* shorter summaries only flood the terminal: each costs a map walk */
		if (opts->interval < INTERVAL_MIN) {
			fprintf(stderr, "iotrace: invalid interval '%s': expected seconds from %g to %g\n",
				arg, INTERVAL_MIN, 1e7);
			exit(2);
		}
		break;
	case 'j':
		opts->json_path = arg;
		break;
	case 'T':
		opts->timestamps = true;
		break;
	case 'w':
		opts->record_path = arg;
		break;
	case 'r':
		opts->replay_path = arg;
		break;
	case OPT_RECORD_BUFFER:
		if (!parse_long("iotrace", "record buffer (KiB)", arg, 4, 1 << 20, &opts->record_kib))
			exit(2);
		if (opts->record_kib & (opts->record_kib - 1))
			argp_error(state, "--record-buffer: %ld KiB is not a power of two",
				   opts->record_kib);
		break;
	case OPT_FROM:
		/* 0 is the start: allowed here, unlike a duration */
		if (strcmp(arg, "0") && !parse_seconds("iotrace", "--from", arg, 1e7, &opts->from_s))
			exit(2);
		break;
	case OPT_TO:
		if (!parse_seconds("iotrace", "--to", arg, 1e7, &opts->to_s))
			exit(2);
		break;
	case OPT_INTERVAL_JSON:
		opts->interval_json = arg;
		break;
	case 'v':
		opts->verbose = true;
		break;
	case OPT_THREADS:
		opts->threads = true;
		break;
	case OPT_STACKS:
		opts->stacks = true;
		break;
	case OPT_STATS_ENTRIES:
		if (!parse_long("iotrace", "stats entries", arg, 1, 1 << 22, &opts->stats_entries))
			exit(2);
		break;
	case OPT_KEEP_RUNNING:
		opts->keep_running = true;
		break;
	case OPT_LIGHT:
		opts->light = true;
		break;
	case OPT_CHECK:
		opts->check = true;
		break;
	case OPT_RAW_TP:
		opts->raw_tp = true;
		break;
	case OPT_METRICS:
		if (metrics_parse_addr(arg, &opts->metrics_addr))
			exit(2);
		opts->metrics = true;
		break;
	case OPT_BTF:
		opts->btf_path = arg;
		break;
	case OPT_COMPARE:
		opts->compare = true;
		break;
	case OPT_PLOT:
		opts->plot_spec = arg;
		break;
	case OPT_HTML:
		opts->html_path = arg;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		/* the first operand starts the command; the rest are its own */
		opts->cmd = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		options_check_mode(opts, state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void options_parse(int argc, char **argv, struct options *opts)
{
	static const struct argp argp = {
		.options = option_list,
		.parser = parse_opt,
		.doc = doc,
	};

	argp_err_exit_status = 2;
	argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, opts);
}
