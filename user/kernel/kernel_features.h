/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel offers iotrace's programs, found by asking it (a probe
 * load, a map created, a name in its BTF), never by its version number:
 * the same version differs between builds.
 */
#ifndef IOTRACE_KERNEL_FEATURES_H
#define IOTRACE_KERNEL_FEATURES_H

#include <stdbool.h>

enum kfeature {
	KF_BTF,			/* /sys/kernel/btf/vmlinux: CO-RE */
	KF_TP_BTF,		/* BTF-typed tracepoints (tp_btf) for sys_enter/exit */
	KF_RAW_TP,		/* raw tracepoints */
	KF_BPF_LOOP,		/* the bpf_loop helper: full mode's walks */
	KF_RINGBUF,		/* ring buffers: -w */
	KF_TASK_STORAGE,	/* task storage maps (not needed; told for comparison) */
	KF_RDONLY_CAST,		/* the bpf_rdonly_cast kfunc: fd kinds by plain loads */
	KF_ATOMIC_FETCH,	/* atomic fetch-and-add: the first threads' array slots */
	KF_NR,
};

struct kernel_features {
	bool has[KF_NR];
	char lockdown[32];	/* "none", "integrity", "confidentiality" or "-" */
};

/* The feature's name as --check prints it, and the first Linux that has it */
const char *kfeature_name(enum kfeature f);
const char *kfeature_since(enum kfeature f);

void kernel_features_probe(struct kernel_features *kf, const char *btf_path);
/*
 * Why full mode cannot load here, as "the X (Linux N)", or NULL when
 * nothing known stands in its way (the verifier still has its say).
 */
const char *kernel_features_full_blocker(void);
/* The kernel takes atomic fetch-and-add (else rows go to the hash only) */
bool kernel_features_atomic_fetch(void);

#endif
