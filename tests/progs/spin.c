// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload: a busy target still running when the trace ends.
 *
 *   spin    non-blocking reads of an empty socket from the start until
 *           killed: every read fails with EAGAIN, so in any trace of it
 *           calls == errors == EAGAIN count, however it starts and ends.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
		return 1;
	while (read(sv[0], &c, 1) < 0 && errno == EAGAIN)
		;
	return 1;
}
