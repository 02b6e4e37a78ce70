/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kind of file behind an IO call's fd, read at the call from the
 * current task's file table (task->files->fdt->fd[fd]): the inode's type
 * says socket, regular file or pipe. eventfds are anonymous inodes (no
 * type bits, one inode shared with timerfd, signalfd, epoll...), told apart
 * by their file_operations: the address is learnt once at start, by
 * running calibrate_eventfd on an eventfd of the loader's (no kallsyms
 * read; CONFIG_KALLSYMS_ALL is often off, and the symbol is static).
 */
#ifndef FDKIND_BPF_H
#define FDKIND_BPF_H

#include "iotrace.h"

#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define S_IFREG		0100000
#define S_IFIFO		0010000

/* eventfd_fops, learnt from the loader's eventfd calib_fd; 0 until then */
__u64 eventfd_fop = 0;
__s32 calib_fd = 0;		/* set by the loader before the test run */

/* 6.2+; weak, so older kernels load the probe-read path instead */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

static __always_inline __u32 kind_of(__u32 mode, __u64 fop)
{
	switch (mode & S_IFMT) {
	case S_IFSOCK:	return FD_SOCKET;
	case S_IFREG:	return FD_FILE;
	case S_IFIFO:	return FD_PIPE;
	}
	return fop && fop == eventfd_fop ? FD_EVENTFD : FD_OTHER;
}

/*
 * tp_btf: the table through BTF pointers (plain loads), one probe read for
 * the fd array's slot, then the file through a read-only cast (plain
 * loads), or CO-RE probe reads where the kernel lacks the kfunc.
 */
static __always_inline __u32 fd_kind_btf(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file *f = NULL;

	if ((unsigned int)fd >= fdt->max_fds ||
	    bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[fd]) || !f)
		return FD_OTHER;
	if (!bpf_rdonly_cast)
		return kind_of(BPF_CORE_READ(f, f_inode, i_mode), (__u64)BPF_CORE_READ(f, f_op));
	f = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
	return kind_of(f->f_inode->i_mode, (__u64)f->f_op);
}

/* raw_tp and the calibration: CO-RE probe reads */
static __always_inline struct file *fd_file_core(int fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd), *f = NULL;

	if ((unsigned int)fd >= BPF_CORE_READ(fdt, max_fds) ||
	    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

static __always_inline __u32 fd_kind(int fd, bool btf)
{
	struct file *f;

	if (btf)
		return fd_kind_btf(fd);
	f = fd_file_core(fd);
	if (!f)
		return FD_OTHER;
	return kind_of(BPF_CORE_READ(f, f_inode, i_mode), (__u64)BPF_CORE_READ(f, f_op));
}

#endif
