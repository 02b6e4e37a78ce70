// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "numparse.h"

static const char *prog = "?";
static const struct argp *top_argp;
static bool error_reported;	/* a parser already printed its one line */

error_t cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	error_reported = true;
	return EINVAL;
}

error_t cli_long(const char *what, const char *arg, long min, long max, long *out)
{
	if (parse_long(prog, what, arg, min, max, out))
		return 0;
	error_reported = true;
	return EINVAL;
}

error_t cli_seconds(const char *what, const char *arg, double max, double *out)
{
	if (parse_seconds(prog, what, arg, max, out))
		return 0;
	error_reported = true;
	return EINVAL;
}

error_t cli_parse_key(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h':
		argp_help(top_argp, stdout, ARGP_HELP_STD_HELP, (char *)prog);
		exit(0);
	case ARGP_KEY_ARG:
		return cli_error("unexpected argument '%s' (see --help)", arg);
	case ARGP_KEY_ERROR:
		/* getopt found an unknown option or a missing value: say which. */
		if (error_reported)
			return 0;
		if (state->next > 0 && state->next <= state->argc)
			cli_error("unknown option or missing value '%s' (see --help)",
				  state->argv[state->next - 1]);
		else
			cli_error("invalid arguments (see --help)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

void cli_parse(const struct argp *argp, int argc, char **argv, const char *name)
{
	prog = name;
	top_argp = argp;
	if (argp_parse(argp, argc, argv, ARGP_NO_ERRS | ARGP_NO_HELP, NULL, NULL))
		exit(2);
}
