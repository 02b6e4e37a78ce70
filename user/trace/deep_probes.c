// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "deep.skel.h"
#include "trace/deep_probes.h"

static int try_kind(struct deep *d, pid_t tgid, const char *btf_path, bool fentry)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	struct deep_bpf *skel = deep_bpf__open_opts(&opts);
	struct bpf_program *prog;
	int err;

	if (!skel)
		return -errno;
	skel->rodata->targ_tgid = tgid;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, fentry == (bpf_program__type(prog) ==
							   BPF_PROG_TYPE_TRACING));
	err = deep_bpf__load(skel);
	if (!err)
		err = deep_bpf__attach(skel);
	if (err) {
		deep_bpf__destroy(skel);
		return err;
	}
	d->skel = skel;
	d->live = fentry ? "fentry" : "kprobe";
	return 0;
}

/*
 * Where libbpf attaches a kprobe: the kprobe PMU, else tracefs's
 * kprobe_events. With neither the attempt would fail (ENOENT) only after
 * parsing the kernel's BTF and loading, ~0.1 s of start-up for nothing.
 */
static bool kprobes_supported(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

void deep_start(struct deep *d, pid_t tgid, const char *btf_path)
{
	int err;

	memset(d, 0, sizeof(*d));
	err = try_kind(d, tgid, btf_path, true);
	if (!err)
		return;
	snprintf(d->fentry_error, sizeof(d->fentry_error), "%s (%s)",
		 strerrorname_np(-err) ?: "?", strerror(-err));
	if (!kprobes_supported()) {
		snprintf(d->kprobe_error, sizeof(d->kprobe_error),
			 "ENOENT (no kprobe PMU, no kprobe_events)");
		return;
	}
	err = try_kind(d, tgid, btf_path, false);
	if (err)
		snprintf(d->kprobe_error, sizeof(d->kprobe_error), "%s (%s)",
			 strerrorname_np(-err) ?: "?", strerror(-err));
}

void deep_skip(struct deep *d, const char *why)
{
	memset(d, 0, sizeof(*d));
	d->not_tried = why;
	snprintf(d->fentry_error, sizeof(d->fentry_error), "not tried: %s", why);
	snprintf(d->kprobe_error, sizeof(d->kprobe_error), "not tried: %s", why);
}

void deep_read(struct deep *d)
{
	if (d->skel)
		memcpy(d->counts, d->skel->bss->counts, sizeof(d->counts));
}

void deep_stop(struct deep *d)
{
	deep_bpf__destroy(d->skel);
	d->skel = NULL;
}

const char *deep_count_name(int i)
{
	static const char *const names[DEEP_NR] = {
		"__pollwait", "sock_poll", "ep_ptable_queue_proc", "pollwake",
	};

	return i >= 0 && i < DEEP_NR ? names[i] : "?";
}
