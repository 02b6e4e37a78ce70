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

int report_parse(struct report *r, const char *name, const char *buf, size_t len)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	double version = 0;
	json_object *o;
	size_t end;

	memset(r, 0, sizeof(*r));
	r->path = name;
	if (len > REPORT_FILE_MAX)
		return fail(r, "bad report %s: larger than %d MiB", name, REPORT_FILE_MAX >> 20);
	tok = json_tokener_new();
	if (!tok)
		return fail(r, "failed to read %s: %s", name, strerror(ENOMEM));
	r->root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (end < len && strchr(" \t\r\n", buf[end]) && buf[end])
		end++;
	if (r->root && jerr == json_tokener_success && end < len) {
		json_object_put(r->root);
		r->root = NULL;
		return fail(r, "bad report %s: not JSON (data after the end, at byte %zu)", name, end);
	}
	if (!r->root || jerr != json_tokener_success) {
		json_object_put(r->root);
		r->root = NULL;
		return fail(r, "bad report %s: not JSON (%s)", name,
			    jerr == json_tokener_continue ? "cut short" : json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(r->root, json_type_object) ||
	    !json_object_object_get_ex(r->root, "schema_version", NULL) ||
	    !json_object_object_get_ex(r->root, "syscalls", NULL))
		return fail(r, "%s is not an iotrace JSON report", name);
	if (report_count(r, "schema_version", &version) < 0 ||
	    report_object(r, "syscalls", &o) < 0)
		return -1;
	if (version < 1)
		return fail(r, "bad report %s: schema_version: expected 1 or above, got 0", name);
	return 0;
}

int report_open(struct report *r, const char *path)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nbuf;
	FILE *f;
	int err;

	memset(r, 0, sizeof(*r));
	r->path = path;
	f = fopen(path, "r");
	if (!f)
		return fail(r, "cannot read %s: %s", path, strerror(errno));
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			nbuf = cap <= REPORT_FILE_MAX + 1 ? realloc(buf, cap) : NULL;
			if (!nbuf)
				break;
			buf = nbuf;
		}
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
	}
	if (ferror(f) || (len == cap && !feof(f))) {
		err = ferror(f) ? errno : EFBIG;
		fclose(f);
		free(buf);
		return fail(r, "cannot read %s: %s", path,
			    err == EFBIG ? "larger than 256 MiB" : strerror(err));
	}
	fclose(f);
	err = report_parse(r, path, buf ? buf : "", len);
	free(buf);
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
		if (!json_object_object_get_ex(v, key, &v))
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
