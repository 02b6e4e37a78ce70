// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the typed report reader and --compare's table:
 * any bytes either give a one-line error or cells that fit, printable and
 * free of inf/nan. A crash, a sanitizer report or a broken rule aborts.
 * Build and run: make fuzz FUZZ_SECONDS=60
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "compare/compare.h"
#include "report/report_reader.h"

static void check_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void check_error(const struct report *r)
{
	if (!r->error[0])
		abort();	/* -1 without a message */
	check_printable(r->error);
}

/* Names come from the file and may spell anything; figures may not say inf or nan. */
static void check_cell(const char *cell, const char *label)
{
	size_t len = strnlen(cell, COMPARE_CELL);
	bool name = !strcmp(label, "file") || !strcmp(label, "target") ||
		    !strcmp(label, "main wait");

	if (len == 0 || len >= COMPARE_CELL)
		abort();
	check_printable(cell);
	if (!name && (strstr(cell, "inf") || strstr(cell, "nan")))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct compare_side side;
	struct report r;
	char cell[COMPARE_CELL];
	int row;

	if (report_parse(&r, "fuzz.json", (const char *)data, size)) {
		check_error(&r);
	} else if (compare_load(&side, &r)) {
		check_error(&r);
	} else {
		if (r.error[0])
			abort();	/* success with an error left behind */
		for (row = 0; row < compare_rows(); row++) {
			memset(cell, 0x55, sizeof(cell));
			compare_cell(cell, &side, row);
			check_cell(cell, compare_label(row));
		}
	}
	report_close(&r);
	return 0;
}
