// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "iotrace.h"
#include "iotrace.skel.h"
#include "capture/recorder.h"
#include "trace/fd_kinds.h"
#include "trace/probes.h"

#define KERNEL_BTF	"/sys/kernel/btf/vmlinux"

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* libbpf's warnings are noise next to our one-line errors unless -v */
	(void)level;
	return verbose_libbpf ? vfprintf(stderr, fmt, args) : 0;
}

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* libbpf's own codes (LIBBPF_ERRNO__*, from 4000) have words only there */
static const char *bpf_strerror(int err, char *buf, size_t len)
{
	if (libbpf_strerror(err, buf, len))
		snprintf(buf, len, "error %d", err);
	return buf;
}

/* --btf FILE: a file that is not BTF is said so here, not as a load failure */
static int check_btf(const char *path)
{
	struct btf *btf;
	char msg[128];
	int err;

	libbpf_set_print(libbpf_print);
	btf = btf__parse(path, NULL);
	err = libbpf_get_error(btf);

	if (err) {
		fprintf(stderr, "iotrace: failed to read BTF from %s: %s\n", path,
			bpf_strerror(err, msg, sizeof(msg)));
		return err;
	}
	btf__free(btf);
	return 0;
}

int probes_preflight(const char *btf_path)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	const char *btf = btf_path ? btf_path : KERNEL_BTF;

	if (syscall(SYS_capget, &hdr, data) == 0 && !has_cap(data, CAP_SYS_ADMIN) &&
	    !(has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON))) {
		fprintf(stderr, "iotrace: permission denied: run as root or grant CAP_BPF and CAP_PERFMON\n");
		return -EPERM;
	}
	if (access(btf, R_OK)) {
		fprintf(stderr, "iotrace: no BTF at %s: %s (the kernel needs CONFIG_DEBUG_INFO_BTF=y, or give --btf FILE)\n",
			btf, strerror(errno));
		return -ENOENT;
	}
	return btf_path ? check_btf(btf_path) : 0;
}

void probes_target_bit(struct iotrace_bpf *skel, __u32 tgid, bool traced)
{
	__u64 *word = &skel->bss->traced_bits[(tgid >> 6) & (TRACED_WORDS - 1)];
	__u64 bit = 1ULL << (tgid & 63);

	/* the programs set bits of this word at fork: atomic, as they do */
	if (traced)
		__atomic_fetch_or(word, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);
}

/* One attempt: syscall programs as tp_btf or raw_tp, sched programs or not. */
static int add_target(struct iotrace_bpf *skel, pid_t tgid)
{
	__u32 key = tgid, val = TARGET_GIVEN;
	int err = bpf_map__update_elem(skel->maps.targets, &key, sizeof(key), &val, sizeof(val),
				       BPF_ANY);

	if (!err)
		probes_target_bit(skel, tgid, true);
	return err;
}

int probes_add_target(struct probes *p, pid_t tgid)
{
	return add_target(p->skel, tgid);
}

static int try_config(struct probes *p, const pid_t *tgids, int ntgids,
		      const struct options *o, bool btf, bool sched)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = o->btf_path);
	struct iotrace_bpf *skel;
	int err, i, n = 0;

	skel = iotrace_bpf__open_opts(&opts);
	if (!skel)
		return -errno;
	skel->rodata->targ_many = ntgids > 1 || o->follow;
	skel->rodata->targ_tgid = skel->rodata->targ_many ? NO_TGID : (__u32)tgids[0];
	skel->rodata->light = o->light;
	/* -w records every call's duration: every call timed */
	skel->rodata->time_every = o->light && !o->record_path ? LIGHT_TIME_EVERY : 1;
	if (o->stats_entries) {
		/* the size asked for is the whole room: no array slots */
		skel->rodata->stats_slots = 0;
		bpf_map__set_max_entries(skel->maps.stats, o->stats_entries);
		bpf_map__set_max_entries(skel->maps.errs, o->stats_entries);
	}
	bpf_program__set_autoload(skel->progs.sys_enter_btf, btf);
	bpf_program__set_autoload(skel->progs.sys_exit_btf, btf);
	bpf_program__set_autoload(skel->progs.sys_enter_raw, !btf);
	bpf_program__set_autoload(skel->progs.sys_exit_raw, !btf);
	bpf_program__set_autoload(skel->progs.sched_switch_btf, sched);
	bpf_program__set_autoload(skel->progs.sched_waking_btf, sched);
	bpf_program__set_autoload(skel->progs.process_fork, o->follow);
	bpf_program__set_autoattach(skel->progs.calibrate_eventfd, false);
	record_configure(skel, o->record_path ? (o->record_kib ? o->record_kib : 16384) : 0);
	err = iotrace_bpf__load(skel);
	if (!err)
		p->eventfd_kind = !fd_kinds_calibrate(skel);
	for (i = 0; !err && i < ntgids; i++)
		err = add_target(skel, tgids[i]);
	if (!err)
		err = iotrace_bpf__attach(skel);
	if (err) {
		iotrace_bpf__destroy(skel);
		return err;
	}
	p->skel = skel;
	p->flavour = btf ? "tp_btf" : "raw_tp";
	p->sched = sched;
	p->live[n++] = btf ? "tp_btf/sys_enter" : "raw_tp/sys_enter";
	p->live[n++] = btf ? "tp_btf/sys_exit" : "raw_tp/sys_exit";
	if (sched) {
		p->live[n++] = "tp_btf/sched_switch";
		p->live[n++] = "tp_btf/sched_waking";
	}
	if (o->follow || o->record_path)
		p->live[n++] = "raw_tp/sched_process_fork";
	if (o->record_path)
		p->live[n++] = "raw_tp/sched_process_exit";
	p->live[n] = NULL;
	return 0;
}

int probes_start(struct probes *p, const pid_t *tgids, int n, const struct options *o)
{
	/* best first; each later one gives up figures, never correctness */
	static const struct { bool btf, sched; } configs[] = {
		{ true, true }, { false, true }, { false, false },
	};
	unsigned int i;
	int err = -ENOENT;
	char msg[128];

	memset(p, 0, sizeof(*p));
	verbose_libbpf = o->verbose;
	libbpf_set_print(libbpf_print);
	/* --raw-tp starts at the first fallback, to use or to test it */
	for (i = o->raw_tp ? 1 : 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		err = try_config(p, tgids, n, o, configs[i].btf, configs[i].sched);
		if (!err || err == -EPERM)
			break;
	}
	if (err) {
		fprintf(stderr, "iotrace: failed to load BPF programs: %s%s\n",
			bpf_strerror(err, msg, sizeof(msg)),
			err == -EPERM ? " (run as root or grant CAP_BPF and CAP_PERFMON)" :
			o->verbose ? "" : " (run with -v for libbpf's log)");
		return err;
	}
	return 0;
}

void probes_stop(struct probes *p)
{
	iotrace_bpf__destroy(p->skel);
	p->skel = NULL;
}
