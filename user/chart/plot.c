// SPDX-License-Identifier: GPL-2.0
/*
 * iotrace --plot SPEC.json --html OUT.html: read a spec (doc/plot-spec.md),
 * check all of it, then write one self-contained HTML page. Needs no
 * privileges and traces nothing; the labs use it to draw their results.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chart/html_page.h"
#include "chart/plot.h"
#include "chart/plot_spec.h"
#include "files/output_file.h"

#define SPEC_MAX	(64 << 20)	/* bytes: a spec is a few KB; refuse the absurd */

static char *read_spec(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		goto fail;
	do {
		if (n == cap) {
			char *grown = NULL;

			if (cap < SPEC_MAX)
				grown = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (!grown) {
				errno = cap >= SPEC_MAX ? EFBIG : ENOMEM;
				goto fail;
			}
			buf = grown;
		}
		n += fread(buf + n, 1, cap - n, f);
	} while (!feof(f) && !ferror(f));
	if (ferror(f))
		goto fail;
	fclose(f);
	*len = n;
	return buf;
fail:
	fprintf(stderr, "iotrace: failed to read %s: %s\n", path, strerror(errno));
	if (f)
		fclose(f);
	free(buf);
	return NULL;
}

static json_object *parse_spec(const char *path, const char *text, size_t len)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;
	json_object *root = NULL;
	size_t end = 0, i;
	int line = 1;

	if (!tok) {
		fprintf(stderr, "iotrace: failed to allocate a JSON parser\n");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, len);
	err = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	for (i = end; root && i < len && strchr(" \t\r\n", text[i]); i++)
		;
	if (root && i < len) {
		json_object_put(root);
		root = NULL;
		err = json_tokener_error_parse_unexpected;
		end = i;
	}
	for (i = 0; i < end && i < len; i++)
		line += text[i] == '\n';
	if (!root)
		fprintf(stderr, "iotrace: bad plot spec %s: line %d: %s\n", path, line,
			err == json_tokener_continue ? "unexpected end of file" :
			json_tokener_error_desc(err));
	json_tokener_free(tok);
	return root;
}

/* Say which values will not be drawn, rather than drop them silently */
static void warn_skipped(const char *path, const struct plot *p)
{
	const struct chart *c;
	int i, k, n;

	for (i = 0; i < p->ncharts; i++) {
		for (c = &p->charts[i], k = 0; k < c->nseries; k++) {
			if (!(n = chart_skipped(c, &c->series[k])))
				continue;
			fprintf(stderr, "iotrace: plot spec %s: charts[%d].series[%d]: "
				"%d of %d values not drawn (null, NaN, infinite, "
				"beyond 1e300, or <= 0 on a log axis)\n",
				path, i, k, n, c->series[k].n);
		}
	}
}

static void cell_text(json_object *cell, char *buf, size_t size, const char **text, bool *num)
{
	double v = json_object_get_double(cell);

	*num = !json_object_is_type(cell, json_type_string);
	if (!*num)
		*text = json_object_get_string(cell);
	else if (json_object_is_type(cell, json_type_int))
		snprintf(buf, size, "%lld", (long long)json_object_get_int64(cell));
	else if (!isfinite(v))
		snprintf(buf, size, "n/a");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.6g", v);
	if (*num)
		*text = buf;
}

static int write_table(FILE *f, json_object *t)
{
	json_object *title, *cols = json_object_object_get(t, "columns");
	json_object *rows = json_object_object_get(t, "rows");
	size_t i, j, n = json_object_array_length(cols);
	const char **text = calloc(n, sizeof(*text));
	char (*buf)[32] = calloc(n, sizeof(*buf));
	bool *num = calloc(n, sizeof(*num));
	int err = -1;

	if (!text || !buf || !num) {
		fprintf(stderr, "iotrace: failed to allocate memory for a table\n");
		goto out;
	}
	for (j = 0; j < n; j++)
		text[j] = json_object_get_string(json_object_array_get_idx(cols, j));
	title = json_object_object_get(t, "title");
	html_table_begin(f, title ? json_object_get_string(title) : NULL, text, n);
	for (i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		for (j = 0; j < n; j++)
			cell_text(json_object_array_get_idx(row, j), buf[j], sizeof(buf[j]),
				  &text[j], &num[j]);
		html_table_row(f, text, num, n);
	}
	html_table_end(f);
	err = 0;
out:
	free(text);
	free(buf);
	free(num);
	return err;
}

static int write_page(FILE *f, const struct plot *p)
{
	json_object *paras = p->paragraphs;
	size_t i;
	int k;

	html_begin(f, p->title, p->subtitle, p->verdict);
	for (i = 0; paras && i < json_object_array_length(paras); i++)
		html_paragraph(f, json_object_get_string(json_object_array_get_idx(paras, i)));
	for (k = 0; k < p->ncharts; k++)
		html_chart(f, &p->charts[k]);
	for (i = 0; p->tables && i < json_object_array_length(p->tables); i++)
		if (write_table(f, json_object_array_get_idx(p->tables, i)))
			return -1;
	html_end(f);
	return 0;
}

/* Write the page to path ("-": stdout) as an output file: all of it, or nothing new */
static int write_html(const char *path, const struct plot *p)
{
	struct out_file o;

	if (out_file_open(&o, path, false))
		return 1;
	if (write_page(o.f, p)) {
		out_file_discard(&o);
		fprintf(stderr, "iotrace: failed to write %s: %s\n", path, strerror(ENOMEM));
		return 1;
	}
	return out_file_commit(&o) ? 1 : 0;
}

int plot_main(const char *spec_path, const char *html_path)
{
	struct plot p = {};
	json_object *spec = NULL;
	char *text;
	size_t len;
	int err = 2;

	if (!(text = read_spec(spec_path, &len)))
		return 1;
	if (!(spec = parse_spec(spec_path, text, len)))
		goto out;
	if (!plot_spec_read(spec, spec_path, &p))
		goto out;
	warn_skipped(spec_path, &p);
	err = write_html(html_path, &p);
out:
	plot_spec_free(&p);
	json_object_put(spec);
	free(text);
	return err;
}
