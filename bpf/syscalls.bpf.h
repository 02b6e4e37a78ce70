/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86_64 syscall ABI as iotrace reads it: syscall numbers, the errno
 * values it names, which enum mux_sys a syscall is (epoll_ctl by its op),
 * and the arguments and number in the syscall tracepoints' pt_regs.
 */
#ifndef SYSCALLS_BPF_H
#define SYSCALLS_BPF_H

#include "iotrace.h"

#ifndef __TARGET_ARCH_x86
#error "iotrace decodes x86_64 syscall numbers and registers"
#endif

/* x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl) */
#define NR_read			0
#define NR_write		1
#define NR_close		3
#define NR_poll			7
#define NR_readv		19
#define NR_writev		20
#define NR_select		23
#define NR_dup2			33
#define NR_accept		43
#define NR_sendto		44
#define NR_recvfrom		45
#define NR_sendmsg		46
#define NR_recvmsg		47
#define NR_execve		59
#define NR_epoll_create		213
#define NR_restart_syscall	219
#define NR_epoll_wait		232
#define NR_epoll_ctl		233
#define NR_pselect6		270
#define NR_ppoll		271
#define NR_epoll_pwait		281
#define NR_accept4		288
#define NR_epoll_create1	291
#define NR_dup3			292
#define NR_execveat		322
#define NR_io_uring_enter	426
#define NR_epoll_pwait2		441

/* errno values (include/uapi/asm-generic/errno-base.h) */
#define EINTR			4
#define EEXIST			17
#define EINVAL			22
/*
 * The kernel's restart codes (include/linux/errno.h): a syscall exits
 * with one when a signal interrupts it; user space sees EINTR or a restart.
 */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514
#define ERESTART_RESTARTBLOCK	516	/* poll: re-entered via restart_syscall */

/* A signal ended the call: EINTR, or a restart code (512..516) on its way out */
static __always_inline bool is_interrupt(long ret)
{
	return ret == -EINTR || (ret <= -ERESTARTSYS && ret >= -ERESTART_RESTARTBLOCK);
}

/* inflight.sys flag: the call was re-entered through restart_syscall */
#define SYS_RESTARTED		0x100

static __always_inline __u32 sys_plain(__u32 sys)
{
	return sys & ~SYS_RESTARTED;
}

/* epoll_ctl's op (include/uapi/linux/eventpoll.h) */
#define EPOLL_CTL_ADD		1
#define EPOLL_CTL_DEL		2
#define EPOLL_CTL_MOD		3

/*
 * Argument n (1-6) of the syscall whose registers are regs: tp_btf gives a
 * trusted pointer (direct loads), raw_tp does not (CO-RE probe reads).
 * libbpf before 1.3 has no sixth: on x86_64 it is r9.
 */
#ifndef PT_REGS_PARM6_SYSCALL
#define PT_REGS_PARM6_SYSCALL(x)	((x)->r9)
#define PT_REGS_PARM6_CORE_SYSCALL(x)	BPF_CORE_READ(x, r9)
#endif
#define SYSCALL_ARG(regs, btf, n)					\
	((btf) ? (unsigned long)PT_REGS_PARM##n##_SYSCALL(regs) :	\
		 (unsigned long)PT_REGS_PARM##n##_CORE_SYSCALL(regs))

/* The syscall number at sys_exit: orig_ax keeps it, ax holds the return */
static __always_inline long syscall_nr(struct pt_regs *regs, bool btf)
{
	return btf ? regs->orig_ax : BPF_CORE_READ(regs, orig_ax);
}

/* epoll_ctl, by op: an op the kernel rejects is MUX_EPOLL_CTL_BADOP */
static __always_inline __u32 epoll_ctl_sys(int op)
{
	switch (op) {
	case EPOLL_CTL_ADD:	return MUX_EPOLL_CTL_ADD;
	case EPOLL_CTL_MOD:	return MUX_EPOLL_CTL_MOD;
	case EPOLL_CTL_DEL:	return MUX_EPOLL_CTL_DEL;
	default:		return MUX_EPOLL_CTL_BADOP;
	}
}

/*
 * The enum mux_sys of syscall id, MUX_NONE if iotrace does not count it.
 * epoll_ctl's op (its second argument) is read only for epoll_ctl.
 */
static __always_inline __u32 sys_of(long id, struct pt_regs *regs, bool btf)
{
	switch (id) {
	case NR_select:		return MUX_SELECT;
	case NR_pselect6:	return MUX_PSELECT6;
	case NR_poll:		return MUX_POLL;
	case NR_ppoll:		return MUX_PPOLL;
	case NR_epoll_wait:	return MUX_EPOLL_WAIT;
	case NR_epoll_pwait:	return MUX_EPOLL_PWAIT;
	case NR_epoll_pwait2:	return MUX_EPOLL_PWAIT2;
	case NR_epoll_ctl:	return epoll_ctl_sys((int)SYSCALL_ARG(regs, btf, 2));
	case NR_read: case NR_readv: case NR_recvfrom: case NR_recvmsg:
		return MUX_READ;
	case NR_write: case NR_writev: case NR_sendto: case NR_sendmsg:
		return MUX_WRITE;
	case NR_accept: case NR_accept4:
		return MUX_ACCEPT;
	case NR_io_uring_enter:
		return MUX_URING;
	default:
		return MUX_NONE;
	}
}

#endif
