// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <linux/types.h>
#include "iotrace.h"
#include "capture/timeline.h"

#define TL_FIRST_WIDTH	10000000ULL	/* 10 ms */

void timeline_init(struct timeline *tl, __u64 start_ns)
{
	memset(tl, 0, sizeof(*tl));
	tl->start_ns = start_ns;
	tl->width_ns = TL_FIRST_WIDTH;
}

/* Twice as wide: bins 2k and 2k+1 become bin k */
static void widen(struct timeline *tl)
{
	int p, k;

	for (p = 0; p < tl->nprocs; p++) {
		struct tl_bin *b = tl->procs[p].bins;

		for (k = 0; k < TL_BINS / 2; k++) {
			b[k].calls = b[2 * k].calls + b[2 * k + 1].calls;
			b[k].waits = b[2 * k].waits + b[2 * k + 1].waits;
			b[k].ready = b[2 * k].ready + b[2 * k + 1].ready;
			b[k].wait_ns = b[2 * k].wait_ns + b[2 * k + 1].wait_ns;
		}
		memset(&b[TL_BINS / 2], 0, sizeof(*b) * TL_BINS / 2);
	}
	tl->width_ns *= 2;
	tl->nbins = (tl->nbins + 1) / 2;
}

static struct tl_proc *proc_of(struct timeline *tl, __u32 tgid)
{
	int p;

	for (p = 0; p < tl->nprocs; p++)
		if (tl->procs[p].tgid == tgid)
			return &tl->procs[p];
	if (tl->nprocs < TL_PROCS) {
		tl->procs[tl->nprocs].tgid = tgid;
		return &tl->procs[tl->nprocs++];
	}
	/* the last slot gathers the others (tgid 0) */
	tl->nprocs = TL_PROCS + 1;
	return &tl->procs[TL_PROCS];
}

void timeline_add(struct timeline *tl, __u32 tgid, unsigned int sys, __u64 ts, __u64 dur,
		  __s64 ret)
{
	struct tl_proc *p;
	struct tl_bin *b;
	__u64 at = ts > tl->start_ns ? ts - tl->start_ns : 0;

	while (at / tl->width_ns >= TL_BINS)
		widen(tl);
	p = proc_of(tl, tgid);
	b = &p->bins[at / tl->width_ns];
	if ((int)(at / tl->width_ns) >= tl->nbins)
		tl->nbins = at / tl->width_ns + 1;
	b->calls++;
	if (!is_wait(sys))
		return;
	b->waits++;
	b->ready += ret > 0 ? ret : 0;
	b->wait_ns += dur;
}
