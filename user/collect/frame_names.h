/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The function names of the kernel frames seen so far, learnt while
 * tracing: one pass over /proc/kallsyms (~122k lines, tens of ms, more
 * under load) only when frames appear that were never named, so the final
 * report usually needs none.
 */
#ifndef IOTRACE_FRAME_NAMES_H
#define IOTRACE_FRAME_NAMES_H

#include <stddef.h>
#include <linux/types.h>
#include "collect/ksyms.h"

struct frame_names;

struct frame_names *frame_names_new(void);
void frame_names_free(struct frame_names *fn);
/* Name the frames of the wakes map's stacks not named yet; 0 or -errno (nothing lost) */
int frame_names_refresh(struct frame_names *fn, int wakes_fd);
/*
 * A table for ksyms_name() over addrs: the known frames from the cache, the
 * others from one kallsyms read (then kept). NULL if out of memory.
 */
struct ksyms *frame_names_table(struct frame_names *fn, const __u64 *addrs, size_t n);

#endif
