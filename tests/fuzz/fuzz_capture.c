// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the capture reader (iotrace -r): any bytes, read as
 * a capture, then both reports printed from whatever was read. Inputs are
 * the uncompressed stream (zlib reads it as is); gzip inputs are skipped,
 * so a small input cannot inflate to gigabytes of rows.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "trace/options.h"
#include "trace/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct options o = { .threads = true, .stacks = true };
	int fd;

	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	fd = memfd_create("capture", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	replay_report(fd, "fuzz", &o, null, null);
	/* and as a window with its HTML page: the events' path and the timeline */
	o.from_s = 0.5;
	o.html_path = "/dev/null";
	fd = memfd_create("capture", MFD_CLOEXEC);
	if (fd >= 0 && write(fd, data, size) == (ssize_t)size && !lseek(fd, 0, SEEK_SET))
		replay_report(fd, "fuzz", &o, null, null);
	else if (fd >= 0)
		close(fd);
	return 0;
}
