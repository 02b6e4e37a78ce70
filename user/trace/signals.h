/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The signals that end iotrace: each one stops tracing and the report is
 * written, as for Ctrl-C. Not caught: SIGKILL and SIGSTOP (they cannot be),
 * and the faults SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP and
 * SIGSYS (iotrace's own state is then not to be trusted; a core is kept).
 */
#ifndef IOTRACE_SIGNALS_H
#define IOTRACE_SIGNALS_H

/* Catch every ending signal (handlers are reset in an exec'd command). */
void signals_install(void);
/* The first ending signal received, or 0. */
int signals_caught(void);
/* How the report names it: "Ctrl-C", "SIGTERM", "SIGHUP", "SIGRTMIN+3" ... */
const char *signals_reason(int sig);

#endif
