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
#include "kernel/fd_kinds.h"
#include "kernel/kernel_features.h"
#include "kernel/verifier_stats.h"
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

/* One way to load: the mode, and how the programs attach. */
struct load_plan {
	bool light;	/* the light programs: no user memory, no bpf_loop */
	bool btf;	/* syscall programs as tp_btf, else raw_tp */
	bool sched;	/* sched_switch and sched_waking */
	bool pre518;	/* sched_switch without its prev_state argument */
};

static void choose_programs(struct iotrace_bpf *skel, const struct load_plan *lp, bool follow)
{
	/* without atomic fetch-and-add (5.10, 5.11): the exit built without it */
	bool full = !lp->light, compat = !kernel_features_atomic_fetch();

	bpf_program__set_autoload(skel->progs.sys_enter_btf, full && lp->btf);
	bpf_program__set_autoload(skel->progs.sys_exit_btf, full && lp->btf);
	bpf_program__set_autoload(skel->progs.sys_enter_raw, full && !lp->btf);
	bpf_program__set_autoload(skel->progs.sys_exit_raw, full && !lp->btf);
	bpf_program__set_autoload(skel->progs.sys_enter_light_btf, !full && lp->btf);
	bpf_program__set_autoload(skel->progs.sys_exit_light_btf, !full && lp->btf);
	bpf_program__set_autoload(skel->progs.sys_enter_light_raw, !full && !lp->btf);
	bpf_program__set_autoload(skel->progs.sys_exit_light_raw, !full && !lp->btf && !compat);
	bpf_program__set_autoload(skel->progs.sys_exit_compat_raw, !full && !lp->btf && compat);
	bpf_program__set_autoload(skel->progs.sched_switch_btf, lp->sched && !lp->pre518);
	bpf_program__set_autoload(skel->progs.sched_switch_pre518, lp->sched && lp->pre518);
	bpf_program__set_autoload(skel->progs.sched_waking_btf, lp->sched);
	bpf_program__set_autoload(skel->progs.process_fork, follow);
	bpf_program__set_autoattach(skel->progs.calibrate_eventfd, false);
}

static void name_live(struct probes *p, const struct load_plan *lp, const struct options *o)
{
	int n = 0;

	p->flavour = lp->btf ? "tp_btf" : "raw_tp";
	p->sched = lp->sched;
	p->light = lp->light;
	p->live[n++] = lp->btf ? "tp_btf/sys_enter" : "raw_tp/sys_enter";
	p->live[n++] = lp->btf ? "tp_btf/sys_exit" : "raw_tp/sys_exit";
	if (lp->sched) {
		p->live[n++] = "tp_btf/sched_switch";
		p->live[n++] = "tp_btf/sched_waking";
	}
	if (o->follow || o->record_path)
		p->live[n++] = "raw_tp/sched_process_fork";
	if (o->record_path)
		p->live[n++] = "raw_tp/sched_process_exit";
	p->live[n] = NULL;
}

/* One attempt; vs, if given, receives what the verifier said of each program. */
static int try_plan(struct probes *p, const pid_t *tgids, int ntgids, const struct options *o,
		    const struct load_plan *lp, struct verifier_stats *vs)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = o->btf_path);
	struct iotrace_bpf *skel;
	int err, i;

	skel = iotrace_bpf__open_opts(&opts);
	if (!skel)
		return -errno;
	skel->rodata->targ_many = ntgids > 1 || o->follow;
	skel->rodata->targ_tgid = skel->rodata->targ_many || !ntgids ? NO_TGID : (__u32)tgids[0];
	skel->rodata->light = lp->light;
	/* -w records every call's duration: every call timed */
	skel->rodata->time_every = lp->light && !o->record_path ? LIGHT_TIME_EVERY : 1;
	/* slots are handed out by atomic fetch-and-add, 5.12+: the hash alone before */
	if (!kernel_features_atomic_fetch())
		skel->rodata->stats_slots = 0;
	if (o->stats_entries) {
		/* the size asked for is the whole room: no array slots */
		skel->rodata->stats_slots = 0;
		bpf_map__set_max_entries(skel->maps.stats, o->stats_entries);
		bpf_map__set_max_entries(skel->maps.errs, o->stats_entries);
	}
	choose_programs(skel, lp, o->follow);
	record_configure(skel, o->record_path ? (o->record_kib ? o->record_kib : 16384) : 0);
	err = vs ? vstats_attach(vs, skel->obj) : 0;
	if (!err)
		err = iotrace_bpf__load(skel);
	if (vs)
		vstats_collect(vs, !err);
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
	p->time_every = skel->rodata->time_every;
	name_live(p, lp, o);
	return 0;
}

/* Best first; each later one gives up figures, never the counts' exactness. */
static const struct load_plan plans[] = {
	{ .light = false, .btf = true, .sched = true },
	{ .light = false, .btf = false, .sched = true },
	{ .light = false, .btf = false, .sched = true, .pre518 = true },
	{ .light = false, .btf = false, .sched = false },
	{ .light = true, .btf = true, .sched = true },
	{ .light = true, .btf = false, .sched = true },
	{ .light = true, .btf = false, .sched = true, .pre518 = true },
	{ .light = true, .btf = false, .sched = false },
};
#define NPLANS (sizeof(plans) / sizeof(plans[0]))

/* The plans of one mode, from --raw-tp's first fallback when asked */
static int try_mode(struct probes *p, const pid_t *tgids, int n, const struct options *o,
		    bool light, struct verifier_stats *vs, char *why, size_t whylen)
{
	unsigned int i;
	int err = -ENOENT;

	for (i = 0; i < NPLANS; i++) {
		if (plans[i].light != light || (o->raw_tp && plans[i].btf))
			continue;
		if (vs)		/* what the last attempt's verifier said is kept */
			vstats_free(vs);
		err = try_plan(p, tgids, n, o, &plans[i], vs);
		if (!err || err == -EPERM)
			break;
		/* the first refusal says most: later plans only take things away */
		if (vs && why && !why[0] && vstats_refused(vs))
			snprintf(why, whylen, "%s: %s", vstats_refused(vs)->name,
				 vstats_refused(vs)->error);
	}
	return err;
}

int probes_load(struct probes *p, const pid_t *tgids, int n, const struct options *o,
		bool light, struct verifier_stats *vs, char *why, size_t whylen)
{
	const char *blocker = light ? NULL : kernel_features_full_blocker();

	memset(p, 0, sizeof(*p));
	if (vs)
		memset(vs, 0, sizeof(*vs));
	verbose_libbpf = o->verbose;
	libbpf_set_print(libbpf_print);
	if (why)
		why[0] = '\0';
	if (blocker) {
		/* known before trying: a refusal would cost a verifier run */
		if (why)
			snprintf(why, whylen, "this kernel lacks %s", blocker);
		return -EOPNOTSUPP;
	}
	return try_mode(p, tgids, n, o, light, vs, why, whylen);
}

int probes_start(struct probes *p, const pid_t *tgids, int n, const struct options *o)
{
	struct verifier_stats vs;
	char why[200], msg[128];
	int err;

	err = probes_load(p, tgids, n, o, o->light, &vs, why, sizeof(why));
	if (o->verbose)
		vstats_print(stderr, &vs);
	vstats_free(&vs);
	if (err && err != -EPERM && !o->light) {
		/* degrade, don't die: the light programs keep every count exact */
		fprintf(stderr, "iotrace: full mode does not load on this kernel (%s); running as --light\n",
			why[0] ? why : bpf_strerror(err, msg, sizeof(msg)));
		err = probes_load(p, tgids, n, o, true, NULL, NULL, 0);
		snprintf(p->why_light, sizeof(p->why_light), "%s", why);
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
