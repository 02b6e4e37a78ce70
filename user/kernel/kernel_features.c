// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "kernel/kernel_features.h"

#define KERNEL_BTF	"/sys/kernel/btf/vmlinux"

static const struct {
	const char *name, *since;
} kfeatures[KF_NR] = {
	[KF_BTF] = { "kernel BTF", "5.4 with CONFIG_DEBUG_INFO_BTF" },
	[KF_TP_BTF] = { "tp_btf syscall tracepoints", "5.5" },
	[KF_RAW_TP] = { "raw tracepoints", "4.17" },
	[KF_BPF_LOOP] = { "bpf_loop helper", "5.17" },
	[KF_RINGBUF] = { "BPF ring buffer", "5.8" },
	[KF_TASK_STORAGE] = { "task storage maps", "5.11" },
	[KF_RDONLY_CAST] = { "bpf_rdonly_cast kfunc", "6.2" },
	[KF_ATOMIC_FETCH] = { "atomic fetch-and-add", "5.12" },
};

const char *kfeature_name(enum kfeature f)
{
	return kfeatures[f].name;
}

const char *kfeature_since(enum kfeature f)
{
	return kfeatures[f].since;
}

static void read_lockdown(char *out, size_t size)
{
	/* "none [integrity] confidentiality": the bracketed one is in force */
	char line[128] = "", *open, *close;
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");

	snprintf(out, size, "-");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (open = strchr(line, '[')) &&
	    (close = strchr(open, ']')))
		snprintf(out, size, "%.*s", (int)(close - open - 1), open + 1);
	fclose(f);
}

/*
 * An atomic add that returns the old value (BPF_ATOMIC | BPF_FETCH): the
 * first threads' array slots are handed out with it. 5.10's verifier
 * refuses the instruction ("reserved fields"); there every row goes to the
 * hash instead. libbpf has no probe for instructions: five of our own.
 */
bool kernel_features_atomic_fetch(void)
{
	static int known = -1;
	const struct bpf_insn insns[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10, .off = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_1, .off = -8, .imm = BPF_ADD | BPF_FETCH },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	if (known < 0) {
		fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
				   sizeof(insns) / sizeof(insns[0]), NULL);
		known = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return known;
}

/* one small probe load, made once: --check and the loader both ask */
static bool has_bpf_loop(void)
{
	static int known = -1;

	if (known < 0)
		known = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop,
						NULL) == 1;
	return known;
}

void kernel_features_probe(struct kernel_features *kf, const char *btf_path)
{
	struct btf *btf = btf__parse(btf_path ? btf_path : KERNEL_BTF, NULL);

	memset(kf, 0, sizeof(*kf));
	if (!libbpf_get_error(btf)) {
		kf->has[KF_BTF] = true;
		/* a BTF-typed tracepoint is the typedef btf_trace_<name> */
		kf->has[KF_TP_BTF] =
			btf__find_by_name_kind(btf, "btf_trace_sys_enter", BTF_KIND_TYPEDEF) > 0;
		kf->has[KF_RDONLY_CAST] =
			btf__find_by_name_kind(btf, "bpf_rdonly_cast", BTF_KIND_FUNC) > 0;
		btf__free(btf);
	}
	kf->has[KF_RAW_TP] = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) == 1;
	kf->has[KF_BPF_LOOP] = has_bpf_loop();
	kf->has[KF_RINGBUF] = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	kf->has[KF_TASK_STORAGE] = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1;
	kf->has[KF_ATOMIC_FETCH] = kernel_features_atomic_fetch();
	read_lockdown(kf->lockdown, sizeof(kf->lockdown));
}

const char *kernel_features_full_blocker(void)
{
	static char why[96];

	/* a probe load, not the ~0.1 s parse of the kernel's BTF */
	if (has_bpf_loop())
		return NULL;
	snprintf(why, sizeof(why), "the %s (Linux %s)", kfeature_name(KF_BPF_LOOP),
		 kfeature_since(KF_BPF_LOOP));
	return why;
}
