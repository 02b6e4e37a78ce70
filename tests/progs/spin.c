// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload: a busy target still running when the trace ends.
 *
 *   spin [--wait]    non-blocking reads of an empty socket, until killed:
 *                    every read fails with EAGAIN, so in any trace of it
 *                    calls == errors == EAGAIN count, however it ends.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "oracle.h"

int main(int argc, char **argv)
{
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		return 1;
	if (argc > 1 && !strcmp(argv[1], "--wait"))
		wait_for_go();
	while (read(sv[0], &c, 1) < 0 && errno == EAGAIN)
		;
	return 1;
}
