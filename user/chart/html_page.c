// SPDX-License-Identifier: GPL-2.0
/* A self-contained HTML page for reports and charts (see html_page.h). */
#include "chart/html_page.h"
#include "chart/svg.h"
#include "files/output_file.h"

/* No url(), no @import, no web fonts: the page must not ask the network for anything */
static const char css[] =
"body{margin:0;background:#fff;color:#222;font:16px/1.5 sans-serif;overflow-wrap:anywhere}\n"
"main{max-width:880px;margin:0 auto;padding:16px 24px 32px}\n"
"h1{font-size:1.6em;line-height:1.25;margin:.4em 0 .2em}\n"
"h2{font-size:1.2em;margin:1.4em 0 .4em}\n"
".subtitle{color:#555;font-style:italic;margin:0 0 1em}\n"
".verdict{border-left:6px solid #0072B2;background:#eef5fb;padding:.6em 1em;"
"font-weight:bold;margin:1em 0}\n"
"figure{margin:1.5em 0;border:1px solid #ddd;padding:8px}\n"
"svg.chart{display:block;width:100%;height:auto}\n"
".table{overflow-x:auto;margin:1em 0}\n"
"table{border-collapse:collapse;font-size:.9em}\n"
"caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
"th{background:#f3f3f3}\n"
"td.num{text-align:right;font-variant-numeric:tabular-nums}\n";

static void element(FILE *f, const char *open, const char *text, const char *close)
{
	fputs(open, f);
	xml_escape(f, text);
	fputs(close, f);
}

void html_begin(FILE *f, const char *title, const char *subtitle, const char *verdict)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
	element(f, "<title>", title, "</title>\n");
	fprintf(f, "<style>\n%s</style>\n</head>\n<body>\n<main>\n", css);
	element(f, "<h1>", title, "</h1>\n");
	if (subtitle)
		element(f, "<p class=\"subtitle\">", subtitle, "</p>\n");
	if (verdict)
		element(f, "<p class=\"verdict\">", verdict, "</p>\n");
}

void html_paragraph(FILE *f, const char *text)
{
	element(f, "<p>", text, "</p>\n");
}

void html_chart(FILE *f, const struct chart *c)
{
	fputs("<figure>\n", f);
	chart_write(f, c);
	fputs("</figure>\n", f);
}

void html_table_begin(FILE *f, const char *title, const char *const *columns, int ncol)
{
	int i;

	fputs("<div class=\"table\"><table>\n", f);
	if (title)
		element(f, "<caption>", title, "</caption>\n");
	fputs("<thead><tr>", f);
	for (i = 0; i < ncol; i++)
		element(f, "<th scope=\"col\">", columns[i], "</th>");
	fputs("</tr></thead>\n<tbody>\n", f);
}

void html_table_row(FILE *f, const char *const *cells, const bool *numeric, int n)
{
	int i;

	fputs("<tr>", f);
	for (i = 0; i < n; i++)
		element(f, numeric[i] ? "<td class=\"num\">" : "<td>", cells[i], "</td>");
	fputs("</tr>\n", f);
}

void html_table_end(FILE *f)
{
	fputs("</tbody>\n</table></div>\n", f);
}

void html_end(FILE *f)
{
	fputs("</main>\n</body>\n</html>\n", f);
}

/* An output file: a page that fails leaves no partial file, and nothing it did not create is removed */
int html_write(const char *path, void (*page)(FILE *f, const void *arg), const void *arg)
{
	struct out_file o;

	if (out_file_open(&o, path, false))
		return 1;
	page(o.f, arg);
	return out_file_commit(&o) ? 1 : 0;
}
