// SPDX-License-Identifier: GPL-2.0
/*
 * Typed reading of an iotrace JSON report. Every lookup checks the type of
 * each step, so a report edited by hand or cut short is a one-line error,
 * never a crash or a figure made up from a wrong type.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "files/input_file.h"
#include "report/report_reader.h"

#define REPORT_FILE_MAX	(256 << 20)	/* far above any report iotrace writes */
#define PATH_MAX_LEN	256

static int fail(struct report *r, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (r->error[0])	/* the first error is the one worth reading */
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	/* one printable line: a key from the file may hold a newline or an escape */
	for (p = r->error; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	return -1;
}

static const char *type_name(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:
	case json_type_int:	return "a number";
	case json_type_object:	return "an object";
	case json_type_array:	return "an array";
	case json_type_string:	return "a string";
	}
	return "?";
}

static int bad_type(struct report *r, const char *where, const char *want, json_object *v)
{
	return fail(r, "bad report %s: %s: expected %s, got %s", r->path, where, want,
		    type_name(v));
}

/*
 * The JSON text, fed to the tokener as it is read: the text is never held
 * whole, so nothing is allocated for a file before its bytes are checked.
 * A file is refused at the first byte that is not JSON, or past
 * REPORT_FILE_MAX, with that byte's offset.
 */
struct parse {
	struct report *r;
	json_tokener *tok;
	size_t at;		/* bytes fed so far */
	bool ended;		/* the top-level value is complete: only whitespace may follow */
	char quote;		/* inside a string: its quote (json-c also takes '...') */
	bool escape;		/* inside a string, after a backslash */
};

static int parse_begin(struct parse *p, struct report *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->path = name;
	*p = (struct parse){ .r = r, .tok = json_tokener_new() };
	return p->tok ? 0 : fail(r, "failed to read %s: %s", name, strerror(ENOMEM));
}

/* Bytes after the value: whitespace only */
static int parse_after(struct parse *p, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr(" \t\r\n", buf[i]) || !buf[i])
			return fail(p->r, "bad report %s: not JSON (data after the end, at byte %zu)",
				    p->r->path, p->at + i);
	p->at += n;
	return 0;
}

/*
 * How many bytes of buf the tokener may see: up to the first NUL (it takes
 * one for the end of the text) or '/' outside a string (a comment, which
 * JSON does not have and json-c reads one way at the end of a chunk and
 * another in its middle). Either is refused where it is, so a file gets
 * the same verdict however its bytes arrive.
 */
static size_t json_span(struct parse *p, const char *buf, size_t n)
{
	size_t i;
	char c;

	for (i = 0; i < n; i++) {
		c = buf[i];
		if (!c)
			return i;
		if (p->escape)
			p->escape = false;
		else if (p->quote && c == '\\')
			p->escape = true;
		else if (p->quote && c == p->quote)
			p->quote = 0;
		else if (!p->quote && (c == '"' || c == '\''))
			p->quote = c;
		else if (!p->quote && c == '/')
			return i;
	}
	return n;
}

static int parse_chunk(struct parse *p, const char *buf, size_t n)
{
	struct report *r = p->r;
	enum json_tokener_error jerr;
	size_t len, end;

	if (n > REPORT_FILE_MAX - p->at) {
		if (p->at < REPORT_FILE_MAX && parse_chunk(p, buf, REPORT_FILE_MAX - p->at))
			return -1;
		return fail(r, "bad report %s: larger than %d MiB (refused at byte %d)", r->path,
			    REPORT_FILE_MAX >> 20, REPORT_FILE_MAX);
	}
	if (p->ended)
		return parse_after(p, buf, n);
	len = json_span(p, buf, n);
	r->root = json_tokener_parse_ex(p->tok, buf, (int)len);
	jerr = json_tokener_get_error(p->tok);
	if (jerr == json_tokener_continue) {
		p->at += len;
		if (len < n)
			return fail(r, "bad report %s: not JSON (%s at byte %zu)", r->path,
				    buf[len] ? "a '/'" : "a NUL byte", p->at);
		return 0;
	}
	end = json_tokener_get_parse_end(p->tok);
	if (jerr != json_tokener_success)
		return fail(r, "bad report %s: not JSON (%s at byte %zu)", r->path,
			    json_tokener_error_desc(jerr), p->at + end);
	p->ended = true;
	p->at += end;
	return parse_after(p, buf + end, n - end);
}

static int parse_end(struct parse *p)
{
	struct report *r = p->r;
	double version = 0;
	json_object *o;

	if (!p->ended)
		return fail(r, "bad report %s: not JSON (cut short at byte %zu)", r->path, p->at);
	if (!json_object_is_type(r->root, json_type_object) ||
	    !json_object_object_get_ex(r->root, "schema_version", NULL) ||
	    !json_object_object_get_ex(r->root, "syscalls", NULL))
		return fail(r, "%s is not an iotrace JSON report", r->path);
	if (report_count(r, "schema_version", &version) < 0 ||
	    report_object(r, "syscalls", &o) < 0)
		return -1;
	if (version < 1)
		return fail(r, "bad report %s: schema_version: expected 1 or above, got 0", r->path);
	return 0;
}

/* A failed parse keeps no tree: the typed getters then find nothing */
static int parse_result(struct parse *p, int err)
{
	json_tokener_free(p->tok);
	p->tok = NULL;
	if (!err)
		err = parse_end(p);
	if (err) {
		json_object_put(p->r->root);
		p->r->root = NULL;
	}
	return err;
}

int report_parse(struct report *r, const char *name, const char *buf, size_t len)
{
	struct parse p;

	if (parse_begin(&p, r, name))
		return -1;
	return parse_result(&p, parse_chunk(&p, buf, len));
}

/* A byte of a number or a literal (true, false, null) */
static bool token_byte(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '+' || c == '-';
}

/*
 * json-c lexes a number cut by a chunk's end otherwise than a whole one
 * ("8888" then "-1" is one number, "8888-1" is a number and then data), so
 * a chunk is given to it up to the last byte that cannot be inside such a
 * token; the rest waits for the next read (or the end, or a full buffer).
 */
static size_t feed_up_to(const char *buf, size_t n)
{
	while (n && token_byte(buf[n - 1]))
		n--;
	return n;
}

int report_read(struct report *r, struct in_file *in)
{
	size_t size = 1 << 16, have = 0, cut;
	char *buf = malloc(size);
	struct parse p;
	ssize_t got = 1;
	int err = 0;

	if (parse_begin(&p, r, in->path)) {
		free(buf);
		return -1;
	}
	if (!buf)
		err = fail(r, "failed to read %s: %s", in->path, strerror(ENOMEM));
	while (!err && got) {
		got = in_file_read(in, buf + have, size - have);
		if (got < 0) {
			err = fail(r, "cannot read %s: %s (at byte %llu)", in->path, in->why,
				   in->pos);
			break;
		}
		have += got;
		/* at the end, or with the buffer full of one token: all of it */
		cut = got && have < size ? feed_up_to(buf, have) : have;
		if (!cut)
			continue;
		err = parse_chunk(&p, buf, cut);
		memmove(buf, buf + cut, have - cut);
		have -= cut;
	}
	free(buf);
	return parse_result(&p, err);
}

int report_open(struct report *r, const char *path)
{
	struct in_file in;
	int err;

	if (in_file_open(&in, path)) {
		memset(r, 0, sizeof(*r));
		r->path = path;
		return fail(r, "cannot read %s: %s", path, strerror(errno));
	}
	err = report_read(r, &in);
	in_file_close(&in);
	return err;
}

void report_close(struct report *r)
{
	json_object_put(r->root);
	r->root = NULL;
}

/* Walk "a.b.c" from the root; each step before the last must be an object. */
static int lookup(struct report *r, const char *path, json_object **out)
{
	char buf[PATH_MAX_LEN], *dot, *key = buf;
	json_object *v = r->root;

	if (r->error[0] || !v)
		return -1;
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return fail(r, "bad report %s: field path too long: %.40s...", r->path, path);
	for (;;) {
		dot = strchr(key, '.');
		if (dot)
			*dot = '\0';
		/* null is how a report says "not measured": absent, as a missing key */
		if (!json_object_object_get_ex(v, key, &v) || !v)
			return 0;
		if (!dot)
			break;
		if (!json_object_is_type(v, json_type_object))
			return bad_type(r, buf, "an object", v);
		*dot = '.';
		key = dot + 1;
	}
	*out = v;
	return 1;
}

static int typed(struct report *r, const char *path, enum json_type type, const char *want,
		 json_object **out)
{
	json_object *v = NULL;
	int found = lookup(r, path, &v);

	if (found <= 0)
		return found;
	if (!json_object_is_type(v, type))
		return bad_type(r, path, want, v);
	*out = v;
	return 1;
}

int report_object(struct report *r, const char *path, json_object **out)
{
	return typed(r, path, json_type_object, "an object", out);
}

int report_array(struct report *r, const char *path, json_object **out)
{
	return typed(r, path, json_type_array, "an array", out);
}

int report_string(struct report *r, const char *path, const char **out)
{
	json_object *v = NULL;
	int found = typed(r, path, json_type_string, "a string", &v);

	if (found > 0)
		*out = json_object_get_string(v);
	return found;
}

static int figure(struct report *r, json_object *v, const char *where, bool whole, double *out)
{
	char shown[32];
	double d;

	if (r->error[0])
		return -1;
	if (!v)		/* null or missing: absent, *out untouched */
		return 0;
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
		return bad_type(r, where, "a number", v);
	d = json_object_get_double(v);
	if (isfinite(d) && d >= 0 && d <= REPORT_NUM_MAX && (!whole || d == floor(d))) {
		*out = d + 0.0;		/* -0 becomes 0 */
		return 1;
	}
	snprintf(shown, sizeof(shown), "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	return fail(r, "bad report %s: %s: expected a %s from 0 to %g, got %s", r->path, where,
		    whole ? "whole number" : "number", REPORT_NUM_MAX, shown);
}

int report_number_of(struct report *r, json_object *v, const char *where, double *out)
{
	return figure(r, v, where, false, out);
}

int report_count_of(struct report *r, json_object *v, const char *where, double *out)
{
	return figure(r, v, where, true, out);
}

int report_number(struct report *r, const char *path, double *out)
{
	json_object *v = NULL;
	int found = lookup(r, path, &v);

	return found <= 0 ? found : figure(r, v, path, false, out);
}

int report_count(struct report *r, const char *path, double *out)
{
	json_object *v = NULL;
	int found = lookup(r, path, &v);

	return found <= 0 ? found : figure(r, v, path, true, out);
}
