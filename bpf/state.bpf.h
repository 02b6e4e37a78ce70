/* SPDX-License-Identifier: GPL-2.0 */
/* Maps and the per-thread in-flight record shared by iotrace's BPF modules. */
#ifndef STATE_BPF_H
#define STATE_BPF_H

#include "iotrace.h"

const volatile __u32 targ_tgid = 0;	/* the one traced process; NO_TGID with several */
const volatile bool targ_many = false;	/* several: see targets and traced_bits */
const volatile __u32 stats_slots = STATS_SLOTS;	/* 0 with --stats-entries */
/*
 * --light: no user-memory reads and no per-fd state (readiness, epoll data
 * to fd, waker stacks), and the clock on a sample of calls: calls, errors,
 * latency (of the timed calls), timeouts, fds ready from the return value,
 * fds watched from the arguments and the interest sets, sleeps and wakeups.
 * The verifier drops the rest when it is set.
 */
const volatile bool light = false;
/*
 * --light: the clock is read on 1 call in time_every (a power of two; 1:
 * every call), drawn per thread by a xorshift, not a stride that would
 * always pick the same call of a repeating loop. Untimed calls are still
 * counted in full; latency comes from the timed ones. -w sets 1.
 */
const volatile __u32 time_every = 1;
__u32 stats_next = 0;				/* stats_fast slots handed out */
/*
 * Set by user space before its final read: from then on nothing is
 * counted, so a call is in its row's calls, errors and errno counts
 * alike (a busy target's calls would otherwise land between the reads).
 */
bool stopped = false;

#define STATS_IN_HASH		0xffffffffu
#define NR_NONE			0xffffffffu	/* inflight.nr: in no syscall */

/* A thread's figures, syscall by syscall: [slot * MUX_NR + sys] */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STATS_SLOTS * MUX_NR);
	__type(key, __u32);
	__type(value, struct mux_stats);
} stats_fast SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TARGETS);
	__type(key, __u32);		/* tgid */
	__type(value, __u32);		/* TARGET_* */
} targets SEC(".maps");

/*
 * The targets map's tgids as bits, for the test every syscall on the
 * machine runs: one load, where a hash lookup cost ~56 ns twice a syscall
 * (bench section 11), to every process. The loader sets a process's bit
 * with its targets entry and clears it when the process is gone; a fork
 * sets the child's (--follow). The targets map stays the set user space
 * walks.
 */
__u64 traced_bits[TRACED_WORDS];

static __always_inline __u64 *traced_word(__u32 tgid)
{
	return &traced_bits[(tgid >> 6) & (TRACED_WORDS - 1)];
}

/*
 * A fork sets the child's bit. Adding a bit known clear is or-ing it, and
 * an atomic add without fetch is what 5.10's verifier takes (atomic or
 * came in 5.12). Two events setting the same clear bit at once would need
 * two forks of one child: none.
 */
static __always_inline void set_traced_bit(__u32 tgid)
{
	__u64 bit = 1ULL << (tgid & 63), *word = traced_word(tgid);

	if (!(*word & bit))
		__sync_fetch_and_add(word, bit);
}

/*
 * One process: a compare against a constant, the cost every process on the
 * machine pays per syscall. Several: one bit instead.
 */
static __always_inline bool is_traced(__u32 tgid)
{
	return (tgid == targ_tgid || (targ_many && (*traced_word(tgid) >> (tgid & 63)) & 1)) &&
	       !stopped;
}

/*
 * The call a thread is inside. One array slot per thread id (tid modulo
 * INFLIGHT_SLOTS): an array lookup is inlined by the verifier, several
 * times cheaper than task storage or a hash on this hot path.
 */
#define INFLIGHT_SLOTS		32768	/* the default pid_max: no collisions */

struct inflight {
	__u32 tid;		/* the slot's owner */
	__u32 stats_slot;	/* 1 + its stats_fast slot; 0: none yet; STATS_IN_HASH */
	__u64 ts;		/* ns at entry; 0: this call is not timed (--light) */
	__u64 call_seq;		/* this thread's multiplexer calls, for re-reports */
	__u64 off_ts;		/* ns at switch-out inside the call, 0 when on CPU */
	__u64 on_ts;		/* ns at the last switch-in after a sleep */
	__u64 sleep_ns;		/* asleep inside the call */
	__u64 runq_ns;		/* preempted inside the call */
	__u64 epdata;		/* epoll_ctl: the event's data */
	__u64 ep_gen;		/* interest_gen + 1 when ep_n was read; 0: no cache */
	__s32 ep_fd;		/* the epoll fd of the thread's last wait ... */
	__u32 ep_n;		/* ... its interest set size then (or WATCHED_UNKNOWN) */
	__u32 nr;		/* the syscall number in flight (any), NR_NONE outside */
	__u32 sys;		/* enum mux_sys (| SYS_RESTARTED), MUX_NONE outside */
	__u32 watched;		/* fds watched, or WATCHED_UNKNOWN */
	__u32 unknown_interest;	/* epoll fd of unknown interest size */
	__u32 restart_sys;	/* sys of a call that exited -ERESTART_RESTARTBLOCK */
	__u32 restart_watched;
	__u32 wakeups;		/* sched_waking during the call */
	__u32 bytes_in;		/* derived at entry */
	__u32 set_bytes;	/* select: bytes per direction for the fd sets */
	__u32 tmo_out;		/* bytes of remaining time written back on exit */
	__u32 nfds;		/* poll: array entries; select: clamped nfds */
	__s32 fd;		/* read/write/accept: the fd; epoll_ctl: the target */
	__u8 zero_timeout;	/* non-NULL zero timeout: the kernel registers nothing */
	__u8 off_sleep;		/* the switch-out was a sleep, not a preemption */
	__u8 slept;
	__u8 io_kind;		/* at exit, reads/writes/accepts: 1 + enum fd_kind; else 0 */
	__u8 first_valid;	/* first_set holds every watched fd (nfds <= 1024) */
	__u64 first_set[16];	/* select: union of the sets, first 1024 fds */
	/* S7/P1: the caller's memory at entry, to compare with it at exit */
	__s64 tmo[2];		/* select/pselect6: the timeout, if tmo_read */
	__u64 events_sum;	/* poll: checksum of the entries' events, if events_read */
	__u32 set_bits;		/* select: bits set in the 3 sets, summed */
	__u8 tmo_read;		/* a timeout was passed and read */
	__u8 events_read;
	__u32 rng;		/* xorshift32 state: which calls --light times */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, INFLIGHT_SLOTS);
	__type(key, __u32);
	__type(value, struct inflight);
} inflight SEC(".maps");

/*
 * Hash maps are allocated as used: sized for 10k+ threads and connections,
 * they cost memory only for what a process really has.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct stats_key);
	__type(value, struct mux_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct err_key);
	__type(value, __u64);
} errs SEC(".maps");

/* Registrations per epoll fd, from epoll_ctl and the loader's /proc scan. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1024);
	__type(key, struct interest_key);
	__type(value, __s64);
} interest SEC(".maps");

/* The epoll fd each registered fd belongs to: close() ends a registration. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct interest_key);	/* {tgid, registered fd} */
	__type(value, __s32);			/* its epoll fd */
} registered SEC(".maps");

/* epoll_event.data -> fd, to tell which fds an epoll_wait returned */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct epdata_key);
	__type(value, __s32);
} epdata SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct fd_key);
	__type(value, struct fd_state);
} fds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 8192);
	__type(key, struct wake_key);
	__type(value, __u64);
} wakes SEC(".maps");

/* woken() builds its key here: too big for the BPF stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wake_key);
} wake_scratch SEC(".maps");

struct drop_counts drops = {};
/*
 * Bumped after every change of an interest set (epoll_ctl, close, a new
 * epoll fd, the loader's /proc seeding): a thread's cached set size is
 * good while it has not moved, so a wait needs no hash lookup (~45 ns).
 */
__u64 interest_gen = 0;
struct closed_fds closed = {};

/*
 * Thread tid's record; with claim, take the slot for tid. A slot another
 * thread holds inside a call (pid_max above INFLIGHT_SLOTS) is not taken:
 * the call is counted as lost instead.
 */
static __always_inline struct inflight *inflight_of(__u32 tid, bool claim)
{
	__u32 idx = tid & (INFLIGHT_SLOTS - 1);
	struct inflight *fl = bpf_map_lookup_elem(&inflight, &idx);

	if (!fl || fl->tid == tid)
		return fl;
	if (!claim)
		return NULL;
	if (fl->tid && fl->sys != MUX_NONE) {
		__sync_fetch_and_add(&drops.slot_collisions, 1);
		return NULL;
	}
	fl->tid = tid;
	fl->nr = NR_NONE;
	fl->ep_gen = 0;
	fl->stats_slot = 0;
	fl->sys = MUX_NONE;
	fl->restart_sys = MUX_NONE;
	fl->off_ts = 0;
	fl->rng = (tid * 2654435761u) | 1;	/* never 0: xorshift would stay there */
	return fl;
}

/* At entry: is this call timed? Every one unless --light samples. */
static __always_inline bool call_timed(struct inflight *fl)
{
	__u32 x = fl->rng;

	if (time_every <= 1)
		return true;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	fl->rng = x;
	return !((x >> 16) & (time_every - 1));
}

#endif
