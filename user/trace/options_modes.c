// SPDX-License-Identifier: GPL-2.0
/*
 * Which options apply to which mode (a live run, -r, --compare, --plot,
 * --check): an option given where it does not apply is refused with the
 * reason, never ignored.
 */
#include <argp.h>
#include <stdbool.h>
#include <stdio.h>
#include "compare/compare.h"
#include "trace/options.h"

/* The modes of a run: what it reads or traces */
enum mode { LIVE = 1, REPLAY = 2, COMPARE = 4, PLOT = 8, CHECK = 16 };

/*
 * Which modes each option applies to. An option given in another mode is
 * refused with the reason, never ignored; one that takes a value, given
 * twice, is refused too (the first would go unheard).
 */
static const struct applies {
	int key;
	const char *name;
	unsigned int modes;
	bool once;		/* takes a value: given at most once */
} applies[] = {
	{ 'p', "-p", LIVE, false },
	{ 'f', "-f", LIVE, false },
	{ ARGP_KEY_ARG, "-- CMD", LIVE | COMPARE, false },	/* --compare: the reports */
	{ 'd', "-d", LIVE, true },
	{ OPT_KEEP_RUNNING, "--keep-running", LIVE, false },
	{ 'i', "-i", LIVE, true },
	{ 'T', "-T", LIVE, false },
	{ OPT_INTERVAL_JSON, "--interval-json", LIVE, true },
	{ 'j', "-j", LIVE | REPLAY | CHECK, true },
	{ OPT_HTML, "--html", LIVE | REPLAY | COMPARE | PLOT, true },
	{ OPT_THREADS, "--threads", LIVE | REPLAY, false },
	{ OPT_STACKS, "--stacks", LIVE | REPLAY, false },
	{ OPT_STATS_ENTRIES, "--stats-entries", LIVE, true },
	{ OPT_LIGHT, "--light", LIVE, false },
	{ OPT_RAW_TP, "--raw-tp", LIVE, false },
	{ OPT_BTF, "--btf", LIVE | CHECK, true },
	{ OPT_METRICS, "--metrics", LIVE, true },
	{ 'w', "-w", LIVE, true },
	{ OPT_RECORD_BUFFER, "--record-buffer", LIVE, true },
	{ 'v', "-v", LIVE | CHECK, false },
	{ 'r', "-r", REPLAY, true },
	{ OPT_FROM, "--from", REPLAY, true },
	{ OPT_TO, "--to", REPLAY, true },
	{ OPT_COMPARE, "--compare", COMPARE, false },
	{ OPT_PLOT, "--plot", PLOT, true },
	{ OPT_CHECK, "--check", CHECK, false },
};

#define NAPPLIES	(sizeof(applies) / sizeof(applies[0]))

static bool given[NAPPLIES];

/* Note that key was given; a value option given again is refused */
void options_note(int key, struct argp_state *state)
{
	size_t i;

	for (i = 0; i < NAPPLIES && applies[i].key != key; i++)
		;
	if (i == NAPPLIES)
		return;
	if (given[i] && applies[i].once)
		argp_error(state, "%s given twice: give it once", applies[i].name);
	given[i] = true;
}

static bool is_given(int key)
{
	size_t i;

	for (i = 0; i < NAPPLIES; i++)
		if (applies[i].key == key)
			return given[i];
	return false;
}

static enum mode mode_of(const struct options *o)
{
	return o->plot_spec ? PLOT : o->check ? CHECK : o->compare ? COMPARE :
	       o->replay_path ? REPLAY : LIVE;
}

/* Refuse the first option given that does not apply to the mode, saying why */
static void refuse_what_does_not_apply(const struct options *o, struct argp_state *state)
{
	enum mode m = mode_of(o);
	char name[64];
	size_t i;

	for (i = 0; i < NAPPLIES; i++) {
		if (!given[i] || (applies[i].modes & m))
			continue;
		if (applies[i].key == ARGP_KEY_ARG)	/* name the operand */
			snprintf(name, sizeof(name), "'%.40s'", o->cmd[0]);
		else
			snprintf(name, sizeof(name), "%s", applies[i].name);
		switch (m) {
		case PLOT:
			argp_error(state, "--plot SPEC and --html FILE go together, alone: "
				   "%s does not apply", name);
			break;
		case CHECK:
			argp_error(state, "--check traces nothing: it takes only -j FILE, -v and "
				   "--btf, not %s", name);
			break;
		case COMPARE:
			argp_error(state, "--compare reads reports and traces nothing: %s does not "
				   "apply", name);
			break;
		case REPLAY:
			argp_error(state, "-r reads a recording and traces nothing: %s does not "
				   "apply", name);
			break;
		case LIVE:	/* only -r's options get here */
			argp_error(state, "%s needs -r FILE: it picks the events of a recording",
				   name);
			break;
		}
	}
}

/* --compare's operands: the reports, options before them */
static void check_compare(struct options *o, struct argp_state *state)
{
	o->reports = o->cmd;
	o->cmd = NULL;
	while (o->reports && o->reports[o->nreports]) {
		/* "--compare a.json --html x": read as a report named --html otherwise */
		if (o->reports[o->nreports][0] == '-' && o->reports[o->nreports][1])
			argp_error(state, "--compare: options go before the reports, not %s",
				   o->reports[o->nreports]);
		o->nreports++;
	}
	if (o->nreports < 1 || o->nreports > COMPARE_MAX)
		argp_error(state, "--compare takes 1 to %d JSON reports", COMPARE_MAX);
}

/* A live run: a target, and what each option needs beside it */
static void check_live(const struct options *o, struct argp_state *state)
{
	if (!o->npids && !o->cmd)
		argp_error(state, "give -p PID or -- CMD");
	if (o->npids && o->cmd)
		argp_error(state, "give -p PID or -- CMD, not both");
	if (o->keep_running && !o->cmd)
		argp_error(state, "--keep-running applies to -- CMD");
	if (is_given(OPT_RECORD_BUFFER) && !o->record_path)
		argp_error(state, "--record-buffer needs -w FILE");
	if (o->interval_json && !o->interval)
		argp_error(state, "--interval-json needs -i SECS");
	if (o->timestamps && !o->interval)
		argp_error(state, "-T stamps the interval summaries: it needs -i SECS");
	if (o->stacks && o->light)
		argp_error(state, "--stacks prints the waker stacks, which --light does not record");
}

void options_check_mode(struct options *opts, struct argp_state *state)
{
	refuse_what_does_not_apply(opts, state);
	switch (mode_of(opts)) {
	case PLOT:
		if (!opts->html_path)
			argp_error(state, "--plot SPEC and --html FILE go together, alone");
		break;
	case CHECK:
		break;
	case COMPARE:
		check_compare(opts, state);
		break;
	case REPLAY:
		if (opts->to_s && opts->to_s <= opts->from_s)
			argp_error(state, "--to must be after --from");
		break;
	case LIVE:
		check_live(opts, state);
		break;
	}
}
