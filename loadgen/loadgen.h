/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loadgen's parts: the options (loadgen_cli.c), the requests and the reply
 * checks (loadgen_req.c), the connections and the event loop
 * (loadgen_conn.c), the report (loadgen_report.c) and main (loadgen.c).
 */
#ifndef SERVERS_LOADGEN_H
#define SERVERS_LOADGEN_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lathist.h"

#define MAX_CONNECTING	512		/* connects in flight at once */
#define MAX_CONNS	60000		/* about the loopback ephemeral port range */
#define HDR_MAX		8192		/* longest http response header accepted */
#define NSEC		1000000000ULL

enum state { CONNECTING, IDLE, BUSY, DEAD };
enum err { E_TIMEOUT, E_CLOSED, E_BAD_REPLY, NERR };

struct lconn {
	int fd;
	enum state state;
	bool active;
	bool slow;		/* --slow: sends SLOW requests */
	uint64_t seq;		/* request number: picks the echo payload */
	size_t sent;		/* request bytes written */
	size_t got;		/* reply bytes received */
	uint64_t t_due;		/* latency counts from here (ns) */
	uint64_t t_sent;	/* the request's first write (ns), for --timeout */
	/* http reply parsing */
	char *hdr;
	size_t hdr_len;
	long body_left;		/* -1: still in the header */
};

/* The command line (loadgen_cli.c). */
struct loadgen_cfg {
	struct in_addr host;
	const char *host_str;
	int port;
	bool http;
	long conns, active, slow, size, requests;
	double rate, duration, timeout;
	const char *json;	/* -j FILE; "-": the JSON on stdout instead of the text */
	bool verbose;
};

/* What the run measured (loadgen_conn.c fills it, loadgen_report.c prints it). */
struct results {
	uint64_t sent;			/* requests issued, slow ones included */
	uint64_t ok;			/* replies complete and correct, slow ones included */
	uint64_t slow_sent, slow_ok;	/* --slow: the SLOW requests among them */
	uint64_t errors[NERR];
	uint64_t bytes_out, bytes_in;
	struct lathist lat;		/* latency of the ok normal requests */
	struct lathist slow_lat;	/* latency of the ok SLOW requests */
	double secs;			/* from the first request to the end */
};

extern struct loadgen_cfg cfg;
extern struct results res;
extern const char *const err_names[NERR];

/* loadgen.c */
extern volatile sig_atomic_t interrupted;	/* SIGINT or SIGTERM came */
uint64_t now_ns(void);
void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* loadgen_cli.c: parse argv into cfg; exits 2 on a bad argument. */
void parse_args(int argc, char **argv);

/* loadgen_req.c */
extern size_t req_len;			/* bytes per request */
void build_requests(void);
/* Write as much of c's request as the socket takes; false if c died. */
bool write_request(struct lconn *c);
/* Check the reply bytes [p, p + n); false if the connection died. */
bool take_reply(struct lconn *c, const char *p, size_t n);

/* loadgen_conn.c */
void setup_conns(void);
void connect_all(void);
void run(void);
void close_all(void);
void conn_error(struct lconn *c, enum err kind, const char *why);
void reply_done(struct lconn *c);

/* loadgen_report.c */
uint64_t total_errors(void);
/* Open -j FILE now, so that a path that cannot be written fails before the run. */
void report_open(void);
/* The text report on stdout, the JSON to -j; exits 1 if either cannot be written. */
void report_write(void);

#endif
