// SPDX-License-Identifier: GPL-2.0
/*
 * The options every server takes (-p, --proto, -v, --slow-ms, -h), as an
 * argp child that each server adds to its own parser.
 */
#include <string.h>

#include "server.h"

enum { OPT_PROTO = 0x100, OPT_SLOW_MS };

static const struct argp_option common_options[] = {
	{ "port", 'p', "PORT", 0, "TCP port on 127.0.0.1 (default 8080, 0: any free port)", 0 },
	{ "proto", OPT_PROTO, "NAME", 0, "Protocol: echo (default) or http", 0 },
	{ "verbose", 'v', NULL, 0, "Log every connection on stderr", 0 },
	{ "slow-ms", OPT_SLOW_MS, "MS", 0, "Sleep MS ms before answering a SLOW request "
	  "(echo line SLOW, http GET /slow) in the thread that handles it (default 0: off)", 0 },
	CLI_HELP_OPTION,
	{ 0 }
};

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	long v;

	switch (key) {
	case 'p':
		if (cli_long("port", arg, 0, 65535, &v))
			return EINVAL;
		opt.port = v;
		return 0;
	case OPT_PROTO:
		if (!strcmp(arg, "echo"))
			opt.proto = PROTO_ECHO;
		else if (!strcmp(arg, "http"))
			opt.proto = PROTO_HTTP;
		else
			return cli_error("invalid proto '%s': expected echo or http", arg);
		return 0;
	case 'v':
		opt.verbose = true;
		return 0;
	case OPT_SLOW_MS:
		return cli_long("slow-ms", arg, 0, 3600 * 1000, &opt.slow_ms);
	default:
		return cli_parse_key(key, arg, state);
	}
}

static const struct argp common_argp = {
	common_options, common_parse, NULL, NULL, NULL, NULL, NULL
};

const struct argp_child common_argp_children[] = {
	{ &common_argp, 0, NULL, 0 },
	{ 0 }
};

void server_parse_args(const struct argp *argp, int argc, char **argv)
{
	cli_parse(argp, argc, argv, opt.model);
}
