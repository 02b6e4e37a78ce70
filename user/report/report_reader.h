/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Typed reading of an iotrace JSON report (--compare, replay, metrics).
 * A missing field is absent (older reports lack newer fields); a field of
 * the wrong type, or a figure that is negative, not finite or above
 * REPORT_NUM_MAX, is an error that names the file and the field.
 */
#ifndef IOTRACE_REPORT_READER_H
#define IOTRACE_REPORT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

/*
 * Every figure iotrace writes is a count, bytes, ns or seconds: 1e18 is
 * 31 years in ns, and json-c silently clamps larger integers to 2^64-1.
 */
#define REPORT_NUM_MAX	1e18

struct report {
	const char *path;	/* as named in messages */
	json_object *root;
	char error[256];	/* "bad report A.json: drops: expected an object" */
};

struct in_file;

/*
 * Read PATH ("-": stdin; gzip is read decompressed) and check it is an
 * iotrace report; 0, or -1 with r->error set. The text is parsed as it is
 * read, once: a byte that is not JSON, or past 256 MiB, is refused with
 * its offset before anything more is read.
 */
int report_open(struct report *r, const char *path);
/* The same from a file already open (files/input_file.h), from where it is. */
int report_read(struct report *r, struct in_file *in);
/* The same from a buffer (the fuzzer); name is used in messages. */
int report_parse(struct report *r, const char *name, const char *buf, size_t len);
void report_close(struct report *r);

/*
 * Look up a dotted path from the root ("per_request.requests"); every step
 * must be an object. 1 found, 0 absent (*out untouched), -1 bad (r->error).
 */
int report_object(struct report *r, const char *path, json_object **out);
int report_array(struct report *r, const char *path, json_object **out);
int report_string(struct report *r, const char *path, const char **out);
/* A figure in [0, REPORT_NUM_MAX]; a count is also a whole number. */
int report_number(struct report *r, const char *path, double *out);
int report_count(struct report *r, const char *path, double *out);
/* The same for a value in hand (e.g. from iterating an object); where names it. */
int report_number_of(struct report *r, json_object *v, const char *where, double *out);
int report_count_of(struct report *r, json_object *v, const char *where, double *out);

#endif
