// SPDX-License-Identifier: GPL-2.0
/* loadgen's command line. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "loadgen.h"

struct loadgen_cfg cfg = {
	.host_str = "127.0.0.1", .port = 8080, .conns = 10, .active = -1, .size = 64,
	.timeout = 5,
};

enum { OPT_RATE = 'r', OPT_PROTO = 0x100, OPT_HOST, OPT_TIMEOUT, OPT_SLOW };

static const struct argp_option options[] = {
	{ "port", 'p', "PORT", 0, "Server port on the host (default 8080)", 0 },
	{ "host", OPT_HOST, "ADDR", 0, "Server address, loopback only (default 127.0.0.1)", 0 },
	{ "proto", OPT_PROTO, "NAME", 0, "echo (default) or http", 0 },
	{ "connections", 'c', "N", 0, "Connections in total (default 10)", 1 },
	{ "active", 'a', "N", 0, "N of the connections send requests, the rest idle (default: all)", 1 },
	{ "rate", OPT_RATE, "R", 0, "Fixed rate, R requests/s in total (default: closed loop)", 1 },
	{ "size", 's', "BYTES", 0, "Request size (default 64; echo: line with its \\n)", 1 },
	{ "slow", OPT_SLOW, "N", 0, "N of the active connections send SLOW requests (echo line "
	  "SLOW, http GET /slow; see the servers' --slow-ms), the others normal ones", 1 },
	{ "duration", 'd', "SECONDS", 0, "Send requests for this long (default 5)", 2 },
	{ "requests", 'n', "N", 0, "Send N requests in total, then stop", 2 },
	{ "timeout", OPT_TIMEOUT, "SECONDS", 0, "Connect and reply timeout (default 5)", 2 },
	{ "json", 'j', "FILE", 0, "Also write the results as JSON to FILE ('-': stdout only)", 3 },
	{ "verbose", 'v', NULL, 0, "Log every failed request on stderr", 3 },
	CLI_HELP_OPTION,
	{ 0 }
};

static const char doc[] =
	"loadgen: drive a reference server with many connections; check every reply.\v"
	"Reports req/s and latency p50/p90/p99/max in microseconds. Exit status 0 if\n"
	"every request succeeded, 1 if any failed, the server was not there or the\n"
	"results could not be written (-j FILE is opened before the run).\n"
	"\n"
	"EXAMPLES:\n"
	"  loadgen -p 8080 -c 10 -n 10000          # 10 connections, closed loop\n"
	"  loadgen -p 8080 -c 10000 -a 10 -d 10    # 10 active, 9990 idle\n"
	"  loadgen -p 8080 --rate 5000 -d 5 -j out.json --proto http\n"
	"  loadgen -p 8080 -c 2 --slow 1 -d 2      # against: epoll -p 8080 --slow-ms 200\n";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	long v;

	switch (key) {
	case 'p':
		if (cli_long("port", arg, 1, 65535, &v))
			return EINVAL;
		cfg.port = v;
		return 0;
	case OPT_HOST:
		cfg.host_str = !strcmp(arg, "localhost") ? "127.0.0.1" : arg;
		if (inet_pton(AF_INET, cfg.host_str, &cfg.host) != 1 ||
		    (ntohl(cfg.host.s_addr) >> 24) != 127)
			return cli_error("refusing host '%s': only loopback addresses "
					 "(127.0.0.0/8) are allowed", arg);
		return 0;
	case OPT_PROTO:
		if (strcmp(arg, "echo") && strcmp(arg, "http"))
			return cli_error("invalid proto '%s': expected echo or http", arg);
		cfg.http = !strcmp(arg, "http");
		return 0;
	case 'c':
		return cli_long("connection count", arg, 1, MAX_CONNS, &cfg.conns);
	case 'a':
		return cli_long("active connection count", arg, 1, MAX_CONNS, &cfg.active);
	case OPT_RATE:
		if (cli_long("rate", arg, 1, 10000000, &v))
			return EINVAL;
		cfg.rate = v;
		return 0;
	case 's':
		return cli_long("request size", arg, 1, 16 << 20, &cfg.size);
	case OPT_SLOW:
		return cli_long("slow connection count", arg, 0, MAX_CONNS, &cfg.slow);
	case 'd':
		return cli_seconds("duration", arg, 3600, &cfg.duration);
	case 'n':
		return cli_long("request count", arg, 1, 1000000000, &cfg.requests);
	case OPT_TIMEOUT:
		return cli_seconds("timeout", arg, 600, &cfg.timeout);
	case 'j':
		cfg.json = arg;
		return 0;
	case 'v':
		cfg.verbose = true;
		return 0;
	default:
		return cli_parse_key(key, arg, state);
	}
}

static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };

void parse_args(int argc, char **argv)
{
	inet_pton(AF_INET, cfg.host_str, &cfg.host);
	cli_parse(&argp, argc, argv, "loadgen");
	if (cfg.active < 0)
		cfg.active = cfg.conns;
	if (cfg.active > cfg.conns) {
		cli_error("invalid active connection count %ld: more than -c %ld", cfg.active,
			  cfg.conns);
		exit(2);
	}
	if (cfg.slow > cfg.active) {
		cli_error("invalid slow connection count %ld: more than the %ld active", cfg.slow,
			  cfg.active);
		exit(2);
	}
	if (!cfg.duration && !cfg.requests)
		cfg.duration = 5;
}
