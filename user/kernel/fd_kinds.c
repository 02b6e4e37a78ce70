// SPDX-License-Identifier: GPL-2.0
/*
 * eventfds are anonymous files: the BPF side tells them from the others by
 * their file_operations, whose address it learns here, once, from an
 * eventfd of ours (bpf/fdkind.bpf.h).
 */
#include <errno.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "kernel/fd_kinds.h"

int fd_kinds_calibrate(struct iotrace_bpf *skel)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int efd = eventfd(0, EFD_CLOEXEC), err;

	if (efd < 0)
		return -errno;
	skel->bss->calib_fd = efd;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.calibrate_eventfd), &opts);
	close(efd);
	if (err)
		return -errno;
	return skel->bss->eventfd_fop ? 0 : -ENOENT;
}
