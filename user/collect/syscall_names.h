/* SPDX-License-Identifier: GPL-2.0 */
/* x86_64 syscall names by number, for all_syscalls and the recordings. */
#ifndef IOTRACE_SYSCALL_NAMES_H
#define IOTRACE_SYSCALL_NAMES_H

#include <linux/types.h>
#include "iotrace.h"

/* The x86_64 name of syscall nr ("read", "epoll_wait"), else "syscall_N" in buf */
const char *syscall_name(unsigned int nr, char *buf, unsigned int len);

#endif
