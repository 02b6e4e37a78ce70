/* SPDX-License-Identifier: GPL-2.0 */
/* Room for many sockets: RLIMIT_NOFILE, raised once at start. */
#ifndef IOTRACE_NOFILE_H
#define IOTRACE_NOFILE_H

/*
 * Raise the soft RLIMIT_NOFILE to want, and the hard limit too when that is
 * allowed (root); else the soft limit goes as far as the hard one. Returns
 * the soft limit now in force (capped at LONG_MAX), or -1 with errno. A
 * result below want leaves errno saying why (EPERM).
 */
long nofile_raise(long want);

#endif
