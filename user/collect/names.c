// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "collect/names.h"

static const char *const sys_names[MUX_NR] = {
	[MUX_SELECT] = "select",
	[MUX_PSELECT6] = "pselect6",
	[MUX_POLL] = "poll",
	[MUX_PPOLL] = "ppoll",
	[MUX_EPOLL_WAIT] = "epoll_wait",
	[MUX_EPOLL_PWAIT] = "epoll_pwait",
	[MUX_EPOLL_PWAIT2] = "epoll_pwait2",
	[MUX_EPOLL_CTL_ADD] = "epoll_ctl(ADD)",
	[MUX_EPOLL_CTL_MOD] = "epoll_ctl(MOD)",
	[MUX_EPOLL_CTL_DEL] = "epoll_ctl(DEL)",
	[MUX_EPOLL_CTL_BADOP] = "epoll_ctl(bad op)",
	[MUX_READ] = "read",
	[MUX_READV] = "readv",
	[MUX_PREAD64] = "pread64",
	[MUX_RECVFROM] = "recvfrom",
	[MUX_RECVMSG] = "recvmsg",
	[MUX_WRITE] = "write",
	[MUX_WRITEV] = "writev",
	[MUX_SENDTO] = "sendto",
	[MUX_SENDMSG] = "sendmsg",
	[MUX_SENDFILE] = "sendfile",
	[MUX_SPLICE] = "splice",
	[MUX_ACCEPT] = "accept",
	[MUX_ACCEPT4] = "accept4",
	[MUX_URING] = "io_uring_enter",
	[MUX_OUTSIDE] = "outside",
};

const char *mux_sys_name(unsigned int sys)
{
	return sys < MUX_NR ? sys_names[sys] : "?";
}

const char *fd_kind_name(unsigned int kind)
{
	static const char *const names[FD_KIND_NR] = {
		[FD_SOCKET] = "socket", [FD_FILE] = "file", [FD_PIPE] = "pipe",
		[FD_EVENTFD] = "eventfd", [FD_OTHER] = "other",
	};

	return kind < FD_KIND_NR ? names[kind] : "?";
}

/* Kernel-internal restart codes (include/linux/errno.h), never seen by libc. */
bool errno_is_interrupt(int err)
{
	return err == EINTR || (err >= 512 && err <= 516);
}

const char *errno_name(int err, char *buf, unsigned int len)
{
	static const char *const restart[] = {
		"ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND",
		"ENOIOCTLCMD", "ERESTART_RESTARTBLOCK",
	};
	const char *name;

	if (err >= 512 && err <= 516)
		return restart[err - 512];
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, len, "E%d", err);
	return buf;
}
