// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle workload for --light's sampled timing: exactly N poll() calls on
 * one pipe that is never ready, each timing out after MS milliseconds, so
 * every call has the same latency (asleep MS ms) and returns 0.
 *
 *   sleepy_poll N MS
 *
 * Prints "done T" at the end, T the calls that timed out (N when right).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct pollfd pfd = { .events = POLLIN };
	long n, ms, i, timeouts = 0;
	int p[2];

	if (argc != 3 || (n = atol(argv[1])) <= 0 || (ms = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: sleepy_poll N MS\n");
		return 2;
	}
	if (pipe(p))
		return 1;
	pfd.fd = p[0];
	for (i = 0; i < n; i++)
		timeouts += poll(&pfd, 1, ms) == 0;
	printf("done %ld\n", timeouts);
	return 0;
}
