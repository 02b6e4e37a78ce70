// SPDX-License-Identifier: GPL-2.0
/* Every signal whose default action ends the process ends iotrace with its report. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "trace/signals.h"

static volatile sig_atomic_t first_signal;

static void on_signal(int sig)
{
	if (!first_signal)
		first_signal = sig;
}

void signals_install(void)
{
	static const int ending[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM,
		SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ, SIGIO, SIGPWR, SIGSTKFLT,
	};
	/* SA_RESTART: a report being written to a slow pipe is not cut short
	 * by EINTR; the wait in poll() is interrupted all the same. */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	unsigned int i;
	int sig;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaction(ending[i], &sa, NULL);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
}

int signals_caught(void)
{
	return first_signal;
}

const char *signals_reason(int sig)
{
	static char buf[32];
	const char *abbrev;

	if (sig == SIGINT)
		return "Ctrl-C";
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	abbrev = sigabbrev_np(sig);
	snprintf(buf, sizeof(buf), "SIG%s", abbrev ? abbrev : "?");
	return buf;
}
