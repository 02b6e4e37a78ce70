// SPDX-License-Identifier: GPL-2.0
/*
 * loadgen's results: a text report on stdout and, with -j, JSON. Results
 * that cannot be written are an error: -j FILE is opened before the run, so
 * a bad path is found at once, and a write, flush or close that fails (a
 * full disk, /dev/full) makes loadgen exit 1 with one line.
 */
#include <errno.h>
#include <string.h>

#include "loadgen.h"

static FILE *json_file;		/* -j FILE, open from before the run */

uint64_t total_errors(void)
{
	uint64_t sum = 0;

	for (int i = 0; i < NERR; i++)
		sum += res.errors[i];
	return sum;
}

static double req_per_s(void)
{
	return res.secs > 0 ? res.ok / res.secs : 0;
}

static void text_latency(FILE *f, const char *label, const struct lathist *h)
{
	fprintf(f, "%s: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", label,
		lathist_percentile(h, 50) / 1000, lathist_percentile(h, 90) / 1000,
		lathist_percentile(h, 99) / 1000, h->max / 1000.0);
}

static void report_text(FILE *f)
{
	fprintf(f, "loadgen: %s:%d, proto %s, %zu-byte requests\n", cfg.host_str, cfg.port,
		cfg.http ? "http" : "echo", req_len);
	fprintf(f, "connections: %ld (%ld active, %ld idle), ", cfg.conns, cfg.active,
		cfg.conns - cfg.active);
	if (cfg.rate)
		fprintf(f, "fixed rate %.0f req/s\n", cfg.rate);
	else
		fprintf(f, "closed loop\n");
	fprintf(f, "requests: %lu ok, %lu errors, %lu sent in %.3f s\n", res.ok, total_errors(),
		res.sent, res.secs);
	fprintf(f, "throughput: %.1f req/s\n", req_per_s());
	text_latency(f, cfg.slow ? "normal latency (us)" : "latency (us)", &res.lat);
	if (cfg.slow) {
		fprintf(f, "slow requests: %lu ok of %lu sent on %ld connections\n", res.slow_ok,
			res.slow_sent, cfg.slow);
		text_latency(f, "slow latency (us)", &res.slow_lat);
	}
	fprintf(f, "errors: timeout %lu, closed %lu, bad reply %lu\n", res.errors[E_TIMEOUT],
		res.errors[E_CLOSED], res.errors[E_BAD_REPLY]);
}

/* {"min": ..., "max": ...} of one latency histogram, in microseconds. */
static void json_latency(FILE *f, const struct lathist *h)
{
	fprintf(f, "{\"min\": %.3f, \"mean\": %.3f, \"p50\": %.3f, \"p90\": %.3f, "
		"\"p99\": %.3f, \"max\": %.3f}", h->count ? h->min / 1000.0 : 0,
		lathist_mean(h) / 1000, lathist_percentile(h, 50) / 1000,
		lathist_percentile(h, 90) / 1000, lathist_percentile(h, 99) / 1000,
		h->max / 1000.0);
}

static void report_json(FILE *f)
{
	fprintf(f, "{\n  \"host\": \"%s\",\n  \"port\": %d,\n  \"proto\": \"%s\",\n",
		cfg.host_str, cfg.port, cfg.http ? "http" : "echo");
	fprintf(f, "  \"connections\": %ld,\n  \"active\": %ld,\n  \"rate\": %.0f,\n"
		"  \"request_bytes\": %zu,\n", cfg.conns, cfg.active, cfg.rate, req_len);
	fprintf(f, "  \"duration_s\": %.6f,\n  \"sent\": %lu,\n  \"ok\": %lu,\n"
		"  \"errors\": %lu,\n", res.secs, res.sent, res.ok, total_errors());
	fprintf(f, "  \"errors_by_kind\": {\"timeout\": %lu, \"closed\": %lu, \"bad_reply\": %lu},\n",
		res.errors[E_TIMEOUT], res.errors[E_CLOSED], res.errors[E_BAD_REPLY]);
	fprintf(f, "  \"req_per_s\": %.3f,\n  \"latency_us\": ", req_per_s());
	json_latency(f, &res.lat);
	fprintf(f, ",\n  \"slow_connections\": %ld,\n  \"slow_sent\": %lu,\n"
		"  \"slow_ok\": %lu,\n  \"slow_latency_us\": ", cfg.slow, res.slow_sent,
		res.slow_ok);
	json_latency(f, &res.slow_lat);
	fprintf(f, ",\n  \"bytes_sent\": %lu,\n  \"bytes_received\": %lu\n}\n", res.bytes_out,
		res.bytes_in);
}

void report_open(void)
{
	if (!cfg.json || !strcmp(cfg.json, "-"))
		return;
	json_file = fopen(cfg.json, "w");
	if (!json_file)
		fail("failed to open %s: %s", cfg.json, strerror(errno));
}

/* Push f's buffered bytes out and close it (not stdout); exit 1 if any were lost. */
static void finish(FILE *f, const char *name)
{
	/* A write that failed inside fprintf leaves only the stream's error flag. */
	int err = fflush(f) ? errno : ferror(f) ? EIO : 0;

	if (!err && f != stdout && fclose(f))
		err = errno;
	if (err)
		fail("failed to write %s: %s", name, strerror(err));
}

void report_write(void)
{
	if (json_file) {
		report_json(json_file);
		finish(json_file, cfg.json);
	}
	if (cfg.json && !strcmp(cfg.json, "-"))
		report_json(stdout);
	else
		report_text(stdout);
	finish(stdout, "stdout");
}
