/* SPDX-License-Identifier: GPL-2.0 */
/* Names for what the reports print: syscalls (enum mux_sys) and errno values. */
#ifndef IOTRACE_NAMES_H
#define IOTRACE_NAMES_H

#include <stdbool.h>

/* "epoll_ctl(ADD)" style name of an enum mux_sys value */
const char *mux_sys_name(unsigned int sys);
/* "socket", "file", "pipe", "eventfd", "other": an enum fd_kind value */
const char *fd_kind_name(unsigned int kind);
/* true for EINTR and the kernel-internal ERESTART* codes */
bool errno_is_interrupt(int err);
/* "EBADF", "ERESTARTNOHAND", ... or "E<number>" into buf */
const char *errno_name(int err, char *buf, unsigned int len);

#endif
