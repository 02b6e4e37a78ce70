// SPDX-License-Identifier: GPL-2.0
/*
 * Check a --plot spec field by field before anything is drawn, so that a
 * mistake is one line naming the field (charts[1].series[0].y) rather
 * than a wrong chart. Unknown fields are refused: a misspelt "x_lable"
 * would otherwise vanish silently.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chart/plot_spec.h"

#define PATH_LEN	256

static const char *spec_file;

static bool bad(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "iotrace: bad plot spec %s: %s: ", spec_file, path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

static void *alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		fprintf(stderr, "iotrace: failed to allocate memory for the plot\n");
	return p;
}

/* "charts[1]" + "series" -> "charts[1].series"; a path too long to matter is cut short */
static const char *join(char *buf, const char *path, const char *key)
{
	snprintf(buf, PATH_LEN, "%.200s%s%.40s", path, *path ? "." : "", key);
	return buf;
}

static const char *item(char *buf, const char *path, size_t i)
{
	snprintf(buf, PATH_LEN, "%.200s[%zu]", path, i);
	return buf;
}

static bool known_keys(json_object *o, const char *path, const char *const *keys, const char *hint)
{
	char p[PATH_LEN];
	int i;

	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; keys[i] && strcmp(keys[i], key); i++)
			;
		if (!keys[i])
			return bad(join(p, path, key), "unknown field%s", hint);
	}
	return true;
}

static const char *type_name(json_type t)
{
	return t == json_type_string ? "a string" : t == json_type_array ? "an array" :
	       t == json_type_object ? "an object" : "true or false";
}

/* o's field key into *v: NULL if absent or null; false if required and absent, or mistyped */
static bool field(json_object *o, const char *path, const char *key, json_type t, bool required,
		  json_object **v)
{
	char p[PATH_LEN];

	if (!json_object_object_get_ex(o, key, v)) {
		*v = NULL;
		return required ? bad(join(p, path, key), "required field missing") : true;
	}
	if ((!*v && !required) || json_object_is_type(*v, t))
		return true;
	return bad(join(p, path, key), "expected %s", type_name(t));
}

static bool text(json_object *o, const char *path, const char *key, bool required, const char **s)
{
	json_object *v;

	if (!field(o, path, key, json_type_string, required, &v))
		return false;
	*s = v ? json_object_get_string(v) : NULL;
	return true;
}

static bool is_number(json_object *v)
{
	return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* An array of numbers; null (or NaN) is a missing value, kept as NaN */
static bool numbers(json_object *o, const char *path, const char *key, double **out, int *n)
{
	char p[PATH_LEN], q[PATH_LEN];
	json_object *a, *e;
	size_t i, len;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &a))
		return bad(join(p, path, key), "required field missing");
	if (!json_object_is_type(a, json_type_array))
		return bad(join(p, path, key), "expected an array of numbers");
	len = json_object_array_length(a);
	if (len > INT32_MAX || !(*out = alloc(len, sizeof(double))))
		return false;
	for (i = 0; i < len; i++) {
		e = json_object_array_get_idx(a, i);
		if (is_number(e))
			(*out)[i] = json_object_get_double(e);
		else if (json_object_is_type(e, json_type_null))
			(*out)[i] = NAN;
		else
			return bad(item(q, join(p, path, key), i), "expected a number");
	}
	*n = len;
	return true;
}

/* An array of strings: a field of o, or (key NULL) o itself */
static bool strings(json_object *a, const char *path, const char *key, const char ***out, int *n)
{
	char p[PATH_LEN], q[PATH_LEN];
	size_t i, len;

	if (key && !json_object_object_get_ex(a, key, &a))
		return bad(join(p, path, key), "required field missing");
	if (key)
		path = join(p, path, key);
	if (!json_object_is_type(a, json_type_array))
		return bad(path, "expected an array of strings");
	len = json_object_array_length(a);
	if (out && !(*out = alloc(len, sizeof(char *))))
		return false;
	for (i = 0; i < len; i++) {
		json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_string))
			return bad(item(q, path, i), "expected a string");
		if (out)
			(*out)[i] = json_object_get_string(e);
	}
	if (n)
		*n = len;
	return true;
}

static bool read_series(json_object *o, const char *path, const struct chart *c,
			struct chart_series *s)
{
	static const char *const line_keys[] = { "name", "x", "y", NULL };
	static const char *const bar_keys[] = { "name", "values", NULL };
	bool line = c->kind == CHART_LINE, ok;
	char p[PATH_LEN];
	double *v;
	int nx = 0;

	if (!json_object_is_type(o, json_type_object))
		return bad(path, "expected an object");
	if (!known_keys(o, path, line ? line_keys : bar_keys, line ?
			" (line series have name, x, y)" : " (bar series have name, values)"))
		return false;
	if (!text(o, path, "name", true, &s->name))
		return false;
	if (line) {
		ok = numbers(o, path, "x", &v, &nx);
		s->x = v;	/* set even on failure: plot_spec_free() frees it */
		if (!ok)
			return false;
	}
	ok = numbers(o, path, line ? "y" : "values", &v, &s->n);
	s->y = v;
	if (!ok)
		return false;
	if (line && s->n != nx)
		return bad(join(p, path, "y"), "expected %d numbers (as many as x), got %d",
			   nx, s->n);
	if (!line && s->n != c->ncat)
		return bad(join(p, path, "values"),
			   "expected %d numbers (one per category), got %d", c->ncat, s->n);
	return true;
}

static bool read_kind(json_object *o, const char *path, struct chart *c)
{
	const char *kind;
	char p[PATH_LEN];

	if (!text(o, path, "kind", true, &kind))
		return false;
	if (!strcmp(kind, "line"))
		c->kind = CHART_LINE;
	else if (!strcmp(kind, "bars"))
		c->kind = CHART_BARS;
	else if (!strcmp(kind, "histogram"))
		c->kind = CHART_HISTOGRAM;
	else
		return bad(join(p, path, "kind"), "expected \"line\", \"bars\" or \"histogram\"");
	return true;
}

static bool flag(json_object *o, const char *path, const char *key, bool *b)
{
	json_object *v;

	if (!field(o, path, key, json_type_boolean, false, &v))
		return false;
	*b = v && json_object_get_boolean(v);
	return true;
}

static bool read_categories(json_object *o, const char *path, struct chart *c)
{
	bool line = c->kind == CHART_LINE, ok;
	const char **cats = NULL;
	char p[PATH_LEN];
	json_object *v;

	if (line) {
		if (json_object_object_get_ex(o, "categories", &v))
			return bad(join(p, path, "categories"),
				   "only bars and histograms have categories");
		return true;
	}
	ok = strings(o, path, "categories", &cats, &c->ncat);
	c->categories = cats;
	if (ok && !c->ncat)
		return bad(join(p, path, "categories"), "expected at least one category");
	if (ok && c->ncat > PLOT_MAX_CATEGORIES)
		return bad(join(p, path, "categories"), "more than %d categories",
			   PLOT_MAX_CATEGORIES);
	return ok;
}

static bool read_chart(json_object *o, const char *path, struct chart *c)
{
	static const char *const keys[] = { "kind", "title", "x_label", "y_label", "x_log",
					     "y_log", "categories", "series", NULL };
	char p[PATH_LEN], q[PATH_LEN];
	struct chart_series *series;
	json_object *a;
	size_t i, n;

	if (!json_object_is_type(o, json_type_object))
		return bad(path, "expected an object");
	if (!known_keys(o, path, keys, "") || !read_kind(o, path, c) ||
	    !text(o, path, "title", true, &c->title) ||
	    !text(o, path, "x_label", true, &c->x_label) ||
	    !text(o, path, "y_label", true, &c->y_label) ||
	    !flag(o, path, "x_log", &c->x_log) || !flag(o, path, "y_log", &c->y_log))
		return false;
	if (c->kind != CHART_LINE && (c->x_log || c->y_log))
		return bad(join(p, path, c->x_log ? "x_log" : "y_log"),
			   "only line charts have log axes");
	if (!read_categories(o, path, c) || !field(o, path, "series", json_type_array, true, &a))
		return false;
	n = json_object_array_length(a);
	join(p, path, "series");
	if (!n || n > PLOT_MAX_SERIES)
		return bad(p, "expected 1 to %d series, got %zu", PLOT_MAX_SERIES, n);
	if (!(series = alloc(n, sizeof(*series))))
		return false;
	c->series = series;
	c->nseries = n;
	for (i = 0; i < n; i++)
		if (!read_series(json_object_array_get_idx(a, i), item(q, p, i), c, &series[i]))
			return false;
	return true;
}

static bool read_table(json_object *o, const char *path)
{
	static const char *const keys[] = { "title", "columns", "rows", NULL };
	char p[PATH_LEN], q[PATH_LEN], r[PATH_LEN];
	json_object *rows, *row;
	const char *title;
	size_t i, j;
	int ncol;

	if (!json_object_is_type(o, json_type_object))
		return bad(path, "expected an object");
	if (!known_keys(o, path, keys, "") || !text(o, path, "title", false, &title) ||
	    !strings(o, path, "columns", NULL, &ncol) ||
	    !field(o, path, "rows", json_type_array, true, &rows))
		return false;
	if (!ncol)
		return bad(join(p, path, "columns"), "expected at least one column");
	join(p, path, "rows");
	for (i = 0; i < json_object_array_length(rows); i++) {
		row = json_object_array_get_idx(rows, i);
		item(q, p, i);
		if (!json_object_is_type(row, json_type_array) ||
		    json_object_array_length(row) != (size_t)ncol)
			return bad(q, "expected an array of %d cells (one per column)", ncol);
		for (j = 0; j < (size_t)ncol; j++) {
			json_object *cell = json_object_array_get_idx(row, j);

			if (!is_number(cell) && !json_object_is_type(cell, json_type_string))
				return bad(item(r, q, j), "expected a string or a number");
		}
	}
	return true;
}

bool plot_spec_read(json_object *spec, const char *file, struct plot *p)
{
	static const char *const keys[] = { "title", "subtitle", "verdict", "paragraphs",
					     "tables", "charts", NULL };
	char q[PATH_LEN];
	json_object *a;
	size_t i;

	spec_file = file;
	if (!json_object_is_type(spec, json_type_object))
		return bad("top level", "expected an object");
	if (!known_keys(spec, "", keys, "") || !text(spec, "", "title", true, &p->title) ||
	    !text(spec, "", "subtitle", false, &p->subtitle) ||
	    !text(spec, "", "verdict", false, &p->verdict) ||
	    (json_object_object_get_ex(spec, "paragraphs", &p->paragraphs) && p->paragraphs &&
	     !strings(p->paragraphs, "paragraphs", NULL, NULL, NULL)) ||
	    !field(spec, "", "tables", json_type_array, false, &p->tables))
		return false;
	for (i = 0; p->tables && i < json_object_array_length(p->tables); i++)
		if (!read_table(json_object_array_get_idx(p->tables, i), item(q, "tables", i)))
			return false;
	if (!field(spec, "", "charts", json_type_array, false, &a))
		return false;
	if (!a)
		return true;
	p->ncharts = json_object_array_length(a);
	if (!(p->charts = alloc(p->ncharts, sizeof(*p->charts))))
		return false;
	for (i = 0; i < (size_t)p->ncharts; i++) {
		item(q, "charts", i);
		if (!read_chart(json_object_array_get_idx(a, i), q, &p->charts[i]))
			return false;
	}
	return true;
}

void plot_spec_free(struct plot *p)
{
	int i, k;

	for (i = 0; p->charts && i < p->ncharts; i++) {
		struct chart *c = &p->charts[i];

		for (k = 0; c->series && k < c->nseries; k++) {
			free((void *)c->series[k].x);
			free((void *)c->series[k].y);
		}
		free((void *)c->series);
		free((void *)c->categories);
	}
	free(p->charts);
	*p = (struct plot){};
}
