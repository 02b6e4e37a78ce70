// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the typed report reader and --compare's table:
 * any bytes either give a one-line error or cells that fit, printable and
 * free of inf/nan; read as a file, the way --compare reads an operand
 * (peeked, then parsed as it is read, gzip decompressed), they give the
 * same verdict as from memory. A crash, a sanitizer report or a broken
 * rule aborts. Build and run: make fuzz FUZZ_SECONDS=60
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "compare/compare.h"
#include "files/input_file.h"
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

/* The bytes as a file: the stream's verdict is the buffer's (gzip: a one-line error or a report) */
static void check_stream(const uint8_t *data, size_t size)
{
	bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	struct report whole, streamed;
	unsigned char magic[8];
	struct in_file in;
	char path[64];
	int fd = memfd_create("report", MFD_CLOEXEC), err;

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (in_file_open(&in, path))
		abort();
	if (in_file_peek(&in, magic, sizeof(magic)) < 0) {
		if (!gz || !in.why[0])
			abort();	/* only gzip data can fail to peek, and says why */
		check_printable(in.why);
		in_file_close(&in);
		close(fd);
		return;
	}
	err = report_read(&streamed, &in);
	in_file_close(&in);
	close(fd);
	if (err)
		check_error(&streamed);
	if (!gz) {
		if (report_parse(&whole, path, (const char *)data, size) != err ||
		    strcmp(whole.error, streamed.error))
			abort();
		report_close(&whole);
	}
	report_close(&streamed);
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
			compare_cell(cell, &side, 1, 0, row);
			check_cell(cell, compare_label(row));
		}
	}
	report_close(&r);
	check_stream(data, size);
	return 0;
}
