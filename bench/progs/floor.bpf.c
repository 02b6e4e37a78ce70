// SPDX-License-Identifier: GPL-2.0
/*
 * The floor: the least a syscall tracer filtered to one process can cost.
 * An empty tp_btf sys_enter + sys_exit pair, both testing the tgid, and
 * one counter. iotrace's added cost is judged against this one's.
 *
 * With -x OP (section 11) the exit program also does one primitive of a
 * tracer's hot path per call, so what each costs is measured against the
 * same floor in the same run. OP is a load-time constant: with 0, the
 * verifier drops all of it and the floor is the empty pair.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

enum primitive {
	P_NONE,
	P_CLOCK,		/* bpf_ktime_get_ns() */
	P_CLOCK2,		/* two of them: a call timed in one program */
	P_USER_READ8,		/* bpf_probe_read_user() of 8 bytes (first argument) */
	P_USER_READ80,		/* ... of 80 bytes: 10 pollfds */
	P_SUBPROG,		/* a call to a global (non-inlined) BPF function */
	P_ARRAY,		/* array map lookup and increment (inlined) */
	P_PERCPU_ARRAY,		/* per-CPU array lookup and increment (inlined) */
	P_HASH,			/* hash map lookup and increment */
	P_TASK_STORAGE,		/* task local storage lookup and increment */
};

const volatile __u32 targ_tgid;
const volatile __u32 targ_tgid2;	/* a second process (nginx's 2 workers); 0: none */
const volatile __u32 primitive = P_NONE;

__u64 syscalls;
__u64 sink;	/* results land here, so the compiler keeps the work */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} percpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} task_storage SEC(".maps");

static __always_inline bool is_target(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	/* targ_tgid2 is a load-time constant: with 0 the verifier drops its test */
	return tgid == targ_tgid || (targ_tgid2 && tgid == targ_tgid2);
}

__noinline int bump(__u64 *v)
{
	if (!v)
		return 0;
	(*v)++;
	return 1;
}

static __always_inline void add_to(__u64 *v)
{
	if (v)
		(*v)++;
}

static __always_inline void run_primitive(struct pt_regs *regs)
{
	__u64 buf[10] = {};
	__u32 key = bpf_get_current_pid_tgid() & 1023;

	switch (primitive) {
	case P_CLOCK:
		sink += bpf_ktime_get_ns();
		break;
	case P_CLOCK2:
		sink += bpf_ktime_get_ns();
		sink += bpf_ktime_get_ns();
		break;
	case P_USER_READ8:
		bpf_probe_read_user(buf, 8, (void *)regs->di);
		sink += buf[0];
		break;
	case P_USER_READ80:
		bpf_probe_read_user(buf, sizeof(buf), (void *)regs->di);
		sink += buf[0] + buf[9];
		break;
	case P_SUBPROG:
		bump(&sink);
		break;
	case P_ARRAY:
		add_to(bpf_map_lookup_elem(&array, &key));
		break;
	case P_PERCPU_ARRAY:
		add_to(bpf_map_lookup_elem(&percpu_array, &key));
		break;
	case P_HASH: {
		__u64 *v = bpf_map_lookup_elem(&hash, &key);

		if (v)
			(*v)++;
		else
			bpf_map_update_elem(&hash, &key, &sink, BPF_NOEXIST);
		break;
	}
	case P_TASK_STORAGE:
		add_to(bpf_task_storage_get(&task_storage, bpf_get_current_task_btf(), 0,
					    BPF_LOCAL_STORAGE_GET_F_CREATE));
		break;
	}
}

/* Every syscall of every process passes here; only the target's go on. */
SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs *regs, long id)
{
	/* an empty asm keeps the test, which would guard nothing otherwise */
	if (is_target())
		asm volatile("");
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret)
{
	if (!is_target())
		return 0;
	__sync_fetch_and_add(&syscalls, 1);
	if (primitive != P_NONE)
		run_primitive(regs);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
