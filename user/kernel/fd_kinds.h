/* SPDX-License-Identifier: GPL-2.0 */
/* eventfds told from other anonymous files: the loader's calibration run. */
#ifndef IOTRACE_FD_KINDS_H
#define IOTRACE_FD_KINDS_H

struct iotrace_bpf;

/*
 * After load, before attach: learn what an eventfd looks like, so IO on
 * eventfds is its own kind. On failure they count as "other".
 */
int fd_kinds_calibrate(struct iotrace_bpf *skel);

#endif
