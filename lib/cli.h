/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line scheme the servers and loadgen share, on top of argp:
 * every mistake is one line on stderr ("<prog>: invalid port '12ab': ...")
 * and exit status 2; -h/--help prints argp's help on stdout and exits 0.
 * argp's own messages take two lines ("Try --help..."), hence this.
 */
#ifndef IOTRACE_CLI_H
#define IOTRACE_CLI_H

#include <argp.h>

/* Put this in an argp_option table: -h/--help, listed last. */
#define CLI_HELP_OPTION { "help", 'h', NULL, 0, "Give this help list", -1 }

/* Parse argv with argp; prog prefixes every message. Exits 2 on a bad argument. */
void cli_parse(const struct argp *argp, int argc, char **argv, const char *prog);

/*
 * For a parser's default case: handles -h, stray arguments and argp's own
 * errors (unknown option, missing value); ARGP_ERR_UNKNOWN for other keys.
 */
error_t cli_parse_key(int key, char *arg, struct argp_state *state);

/* A number in [min, max] into *out, or one line on stderr and EINVAL. */
error_t cli_long(const char *what, const char *arg, long min, long max, long *out);
/* Seconds above 0 and at most max, fractions allowed, or one line and EINVAL. */
error_t cli_seconds(const char *what, const char *arg, double max, double *out);

/* One line on stderr, "<prog>: <message>"; returns EINVAL for the parser to return. */
error_t cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
