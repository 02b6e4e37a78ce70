// SPDX-License-Identifier: GPL-2.0
/* --compare --html FILE: the table, bars per request, the findings. */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "chart/html_page.h"
#include "compare/compare.h"

struct compare_page {
	const struct compare_side *s;
	int n;
};

/* The columns: each side's name and mode; a figure it did not measure is an empty cell */
static void table(FILE *f, const struct compare_page *c)
{
	const char *cols[COMPARE_MAX + 1] = { "" }, *cells[COMPARE_MAX + 1];
	bool num[COMPARE_MAX + 1] = { false };
	char b[COMPARE_MAX][COMPARE_CELL], head[COMPARE_MAX][2 * COMPARE_CELL + 4];
	char name[COMPARE_CELL], mode[COMPARE_CELL];
	int r, i;

	for (i = 0; i < c->n; i++) {
		compare_cell(name, c->s, c->n, i, R_FILE);
		compare_mode_cell(mode, &c->s[i]);
		snprintf(head[i], sizeof(head[i]), "%s (%s)", name, mode);
		cols[i + 1] = head[i];
		num[i + 1] = true;
	}
	html_table_begin(f, NULL, cols, c->n + 1);
	for (r = 1; r < compare_rows(); r++) {
		cells[0] = compare_label(r);
		for (i = 0; i < c->n; i++) {
			compare_cell(b[i], c->s, c->n, i, r);
			cells[i + 1] = compare_missing(&c->s[i], r) ? "" : b[i];
		}
		html_table_row(f, cells, num, c->n + 1);
	}
	html_table_end(f);
}

/* Grouped bars: one group per side, one bar per figure */
static void bars(FILE *f, const struct compare_page *c, const char *title, const char *y_label,
		 const char *const *names, const double *vals, int nser)
{
	struct chart_series ser[4];
	char cat[COMPARE_MAX][COMPARE_CELL];
	const char *cats[COMPARE_MAX];
	int i, k;

	for (i = 0; i < c->n; i++) {
		compare_cell(cat[i], c->s, c->n, i, R_FILE);
		cats[i] = cat[i];
	}
	for (k = 0; k < nser; k++)
		ser[k] = (struct chart_series){ .name = names[k], .y = vals + k * COMPARE_MAX,
						.n = c->n };
	{
		struct chart ch = { .kind = CHART_BARS, .title = title, .x_label = "report",
				    .y_label = y_label, .categories = cats, .ncat = c->n,
				    .series = ser, .nseries = nser };

		html_chart(f, &ch);
	}
}

static double per(double a, double reqs)
{
	return reqs > 0 ? a / reqs : 0;
}

/* The notes or the findings, one paragraph each (their wrapped lines joined) */
static void paragraphs(FILE *f, const struct compare_page *c,
		       void (*print)(FILE *f, const struct compare_side *s, int n))
{
	char *text = NULL, *line, *save = NULL, para[1024] = "";
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return;
	print(m, c->s, c->n);
	fclose(m);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "  ", 2)) {
			strncat(para, line + 1, sizeof(para) - strlen(para) - 1);
			continue;
		}
		if (para[0])
			html_paragraph(f, para);
		snprintf(para, sizeof(para), "%s", line);
	}
	if (para[0])
		html_paragraph(f, para);
	free(text);
}

static void findings(FILE *f, const struct compare_page *c)
{
	paragraphs(f, c, compare_findings);
}

static void compare_page(FILE *f, const void *arg)
{
	const struct compare_page *c = arg;
	static const char *const calls[] = { "waits", "epoll_ctl", "reads", "writes" };
	static const char *const bytes[] = { "in (user to kernel)", "out (kernel to user)" };
	static const char *const cpu[] = { "wait on-CPU" };
	double v[4 * COMPARE_MAX] = {};
	int i;

	html_begin(f, "iotrace --compare", "per request: requests are reads that returned data",
		   NULL);
	table(f, c);
	paragraphs(f, c, compare_notes);
	for (i = 0; i < c->n; i++) {
		const struct compare_side *s = &c->s[i];

		v[i] = per(s->waits, s->requests);
		v[COMPARE_MAX + i] = per(s->ctl, s->requests);
		v[2 * COMPARE_MAX + i] = per(s->reads, s->requests);
		v[3 * COMPARE_MAX + i] = per(s->writes, s->requests);
	}
	bars(f, c, "syscalls per request", "calls/request", calls, v, 4);
	/* a side that did not measure a figure has no bar (n/a), never a 0 */
	for (i = 0; i < c->n; i++) {
		bool none = compare_missing(&c->s[i], R_BYTES_IN);

		v[i] = none ? NAN : per(c->s[i].bytes_in, c->s[i].requests);
		v[COMPARE_MAX + i] = none ? NAN : per(c->s[i].bytes_out, c->s[i].requests);
	}
	bars(f, c, "bytes copied per request (derived)", "bytes/request", bytes, v, 2);
	for (i = 0; i < c->n; i++)
		v[i] = compare_missing(&c->s[i], R_ONCPU) || !c->s[i].oncpu_known ? NAN :
		       per(c->s[i].oncpu, c->s[i].requests);
	bars(f, c, "wait on-CPU time per request", "ns/request", cpu, v, 1);
	findings(f, c);
	html_end(f);
}

int compare_html(const char *path, const struct compare_side *s, int n)
{
	struct compare_page c = { s, n };

	return html_write(path, compare_page, &c);
}
