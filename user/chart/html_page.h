/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A self-contained HTML page: inline CSS, inline SVG charts, no script and
 * no external URL (fonts, images, styles), so it opens offline and leaks no
 * request. Every text argument is plain text; the page escapes it.
 */
#ifndef IOTRACE_HTML_PAGE_H
#define IOTRACE_HTML_PAGE_H

#include <stdbool.h>
#include <stdio.h>
#include "chart/chart.h"

/* Doctype, head, <h1>; subtitle and verdict may be NULL. */
void html_begin(FILE *f, const char *title, const char *subtitle, const char *verdict);
void html_paragraph(FILE *f, const char *text);
void html_chart(FILE *f, const struct chart *c);	/* in a <figure> */
/* A table: title may be NULL; numeric cells are right-aligned. */
void html_table_begin(FILE *f, const char *title, const char *const *columns, int ncol);
void html_table_row(FILE *f, const char *const *cells, const bool *numeric, int n);
void html_table_end(FILE *f);
void html_end(FILE *f);

/*
 * The page that page() writes, to path or stdout for "-", as an output file
 * (files/output_file.h): a regular file is replaced only by a complete page,
 * a FIFO or a device is written in place and never removed. 0, or 1 after a
 * one-line error.
 */
int html_write(const char *path, void (*page)(FILE *f, const void *arg), const void *arg);

#endif
