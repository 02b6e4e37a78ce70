# SPDX-License-Identifier: GPL-2.0
"""The 30 claims (doc/claims.md): ID, one-line title, the claim as the
texts state it, and the experiment file (labs/MODULE.py) that decides it.
Claims measured by one experiment share a file."""

# (id, title for --list, the claim's text for the page title, module)
CLAIMS = [
    ("M1", "A network read has two phases",
     "A network read has two phases: waiting for data, then copying it to user memory",
     "read_phases"),
    ("M2", "Blocking IO blocks in both phases",
     "Blocking IO blocks the caller in both phases", "read_phases"),
    ("M3", "Non-blocking IO returns EAGAIN and must ask again",
     "Non-blocking IO returns EAGAIN at once while no data is ready; the program "
     "polls again and again", "read_phases"),
    ("M4", "Busy polling burns CPU and adds latency",
     "Busy polling burns CPU, adds latency (the gap between polls) and lowers throughput",
     "busy_poll"),
    ("M5", "Multiplexing needs two syscalls per request",
     "IO multiplexing needs two syscalls per request (wait, then read) where blocking "
     "IO needs one; for one connection it is no better", "syscalls_per_request"),
    ("M6", "With few connections, epoll is not faster than threads",
     "With few connections a select/epoll server is not faster than threads + blocking "
     "IO; its advantage is how many connections it holds", "few_connections"),
    ("M7", "Thread-per-connection costs threads, memory and switches",
     "Thread-per-connection servers spend threads, memory and context switches at "
     "hundreds or thousands of connections", "thread_cost"),
    ("M8", "Signal-driven IO (SIGIO) exists",
     "Signal-driven IO (SIGIO) exists but is rarely used", "sigio"),
    ("M9", "io_uring does both phases; the process never blocks in read",
     "Asynchronous IO (io_uring): the kernel does both phases and notifies the process "
     "when the data is in user memory", "uring"),
    ("M10", "A slow handler stalls every client of a multiplexer",
     "Multiplexing is still synchronous IO: a slow handler stalls every other client",
     "slow_handler"),
    ("S1", "select copies the fd sets in and out on every call",
     "select copies the fd sets from user to kernel and back on every call; the cost "
     "grows with the number of fds", "scan_cost"),
    ("S2", "select polls every watched fd on every pass",
     "select walks every watched fd and calls its poll method even when one is ready: "
     "O(n watched)", "scan_cost"),
    ("S3", "select registers on every fd's wait queue; pollwake wakes it",
     "select registers the caller on each fd's wait queue (__pollwait); a ready device "
     "wakes it (pollwake) and it walks every fd again", "scan_cost"),
    ("S4", "select sleeps until a wakeup or the timeout, then rescans",
     "If nothing is ready, select sleeps until a wakeup or the timeout, then rescans",
     "select_sleep"),
    ("S5", "select handles at most 1024 descriptors",
     "select handles at most FD_SETSIZE = 1024 descriptors on Linux", "fd_limits"),
    ("S6", "select is level-triggered: a pending listener is reported forever",
     "select is level-triggered: a listener with a connection never accepted is "
     "reported ready on every call", "level_triggered"),
    ("S7", "select overwrites its sets and the timeout",
     "The sets are in/out arguments: the kernel overwrites them, and the timeout with "
     "the time left", "rewrites"),
    ("S8", "A socket in the write set is reported on nearly every call",
     "A socket in the write set is reported writable on nearly every call while its "
     "send buffer has room", "level_triggered"),
    ("P1", "poll has no 1024 limit and keeps events apart from revents",
     "poll takes a pollfd array, has no 1024 limit, and keeps events and revents apart "
     "so the array need not be rebuilt", "fd_limits"),
    ("P2", "poll copies the array in and polls every entry: O(n)",
     "Otherwise poll works like select: the array is copied in each call and every "
     "entry is polled on every pass", "scan_cost"),
    ("E1", "epoll copies a registration once; epoll_wait copies no set in",
     "epoll_ctl(ADD) copies an fd's registration into the kernel once; epoll_wait "
     "copies no fd set in", "epoll_copies"),
    ("E2", "epoll registers a callback once; epoll_wait reads a ready list",
     "epoll_ctl(ADD) registers a callback (ep_poll_callback) once; epoll_wait only "
     "looks at the ready list", "epoll_copies"),
    ("E3", "epoll_wait costs O(ready), not O(watched)",
     "The cost of epoll_wait grows with the ready fds, not the watched ones; with many "
     "idle connections epoll wins by a wide margin", "epoll_scaling"),
    ("E4", "epoll shares the ready list through mmap",
     "epoll uses mmap to share the ready list with user space and avoid copying",
     "epoll_copies"),
    ("E5", "Edge-triggered epoll reports a change once",
     "Edge-triggered epoll reports a readiness change once; an fd not drained is not "
     "reported again", "level_triggered"),
    ("E6", "epoll is bounded only by the open-file limit",
     "The number of fds epoll can watch is bounded only by the open-file limit",
     "fd_limits"),
    ("E7", "epoll_ctl per request costs a syscall each",
     "epoll_ctl calls cost: a server that modifies registrations per request pays a "
     "syscall each time (Gammo et al., OLS 2004)", "epoll_ctl_cost"),
    ("Y1", "Python's select.select is the select syscall",
     "Python's select.select is the select syscall", "python_frontends"),
    ("Y2", "selectors.DefaultSelector is epoll on Linux",
     "selectors.DefaultSelector picks the best mechanism: epoll on Linux",
     "python_frontends"),
    ("Y3", "socketserver is a selector plus sockets plus threads",
     "socketserver servers are select/epoll + sockets + threads", "python_frontends"),
]

# The labs whose verdict rests on timing (latency, throughput, a share of
# time, ns per call), and what is timed. On an emulated CPU (qemu's TCG)
# every instruction costs what the emulator makes it cost, so these are
# "not judged" there; the other labs decide from facts of the code (bytes
# copied, registrations, wakeups, syscall names, limits, errno), which
# emulation does not change.
TIMING = {
    "M4": "latency and throughput of spinning against sleeping",
    "M5": "throughput at one connection",
    "M6": "throughput and latency of threads against epoll",
    "M7": "context switches per second, and opening 1000 connections in time",
    "M9": "the share of time asleep in io_uring_enter",
    "M10": "the other clients' latency around a 200 ms handler",
    "E3": "ns per call, and throughput with idle connections",
    "E7": "epoll_ctl's time against a request's CPU time",
}

# The key figures shown next to each verdict in one-line summaries (the
# claims-by-kernel table, --json's "key"): what they are, with units, and
# the figure names whose values are shown, in that order.
KEY = {
    "M1": ("wait / copy phase of a blocking read (us)",
           ["blocking wait phase per data read", "blocking copy phase per data read"]),
    "M2": ("share of blocking reads that slept", ["blocking reads that slept per data read"]),
    "M3": ("EAGAIN per request, non-blocking server", ["nonblocking EAGAIN per request"]),
    "M4": ("CPU while idle: spinning / epoll (cores)",
           ["nonblocking: CPU while idle", "epoll: CPU while idle"]),
    "M5": ("syscalls per request at 1 connection: blocking / epoll",
           ["blocking 1 conn: syscalls per request", "epoll 1 conn: syscalls per request"]),
    "M6": ("throughput at 4 connections: blocking / epoll (req/s)",
           ["blocking 4 conns: throughput", "epoll 4 conns: throughput"]),
    "M7": ("memory per connection: blocking / epoll (KiB, fitted slope)",
           ["blocking: RSS: slope", "epoll: RSS: slope"]),
    "M8": ("wakeups by a signal / all wakeups", ["wakeups by a signal", "wakeups"]),
    "M9": ("share of the trace asleep in io_uring_enter",
           ["share of the trace asleep in io_uring_enter"]),
    "M10": ("other clients' p99: select / blocking (ms)",
            ["select: others' p99", "blocking: others' p99"]),
    "S1": ("select bytes in per fd watched (B, fitted slope)",
           ["select: bytes in per call: slope"]),
    "S2": ("select fds polled per pass per fd watched (fitted slope)",
           ["select: fds examined per pass: slope"]),
    "S3": ("select registrations per fd watched (fitted slope)",
           ["select: registrations per call: slope"]),
    "S4": ("passes per select call", ["passes per call"]),
    "S5": ("raw selects that took fd 3000 / calls",
           ["raw select found fd 3000 ready", "calls per case"]),
    "S6": ("selects that reported the listener / calls", ["listener reports", "calls per case"]),
    "S7": ("set bits in / out per select", ["set bits in per call", "set bits out per call"]),
    "S8": ("writable reports with room / with the buffer full",
           ["writable reports", "full reports"]),
    "P1": ("polls that took fd 3000 / calls", ["poll found fd 3000 ready", "calls per case"]),
    "P2": ("poll bytes in per fd watched (B, fitted slope)", ["poll: bytes in per call: slope"]),
    "E1": ("bytes in per epoll_ctl(ADD) / per epoll_wait",
           ["bytes in per epoll_ctl(ADD) (derived)", "bytes in per epoll_wait (derived)"]),
    "E2": ("registrations per epoll_ctl(ADD) / wakeups by ep_poll_callback",
           ["registrations per epoll_ctl(ADD) (derived)", "wakeups by ep_poll_callback"]),
    "E3": ("ns per watched fd: poll / epoll_wait (fitted slopes)",
           ["poll: ns per call: slope", "epoll: ns per call: slope"]),
    "E4": ("bytes out per ready event / errno of mmap",
           ["bytes out per ready event (derived)", "mmap of an epoll fd: errno"]),
    "E5": ("reports, level- / edge-triggered", ["lt reports", "et reports"]),
    "E6": ("epoll_ctl(ADD) done / open-file limit", ["epoll_ctl(ADD) done", "open-file limit"]),
    "E7": ("epoll_ctl per request / ns each, with --mod-per-request",
           ["mod-per-request: epoll_ctl per request",
            "mod-per-request: epoll_ctl(MOD) mean latency"]),
    "Y1": ("select.select's select / pselect6 calls",
           ["select.select: select calls", "select.select: pselect6 calls"]),
    "Y2": ("DefaultSelector's epoll_wait / select calls",
           ["DefaultSelector: epoll_wait calls", "DefaultSelector: select calls"]),
    "Y3": ("threads that read / clients",
           ["ThreadingTCPServer: threads that read", "clients"]),
}

IDS = [c[0] for c in CLAIMS]
BY_ID = {c[0]: {"id": c[0], "title": c[1], "claim": c[2], "module": c[3]} for c in CLAIMS}


def find(claim_id):
    """The claim for an ID given in any case, or None."""
    return BY_ID.get(claim_id.upper())
