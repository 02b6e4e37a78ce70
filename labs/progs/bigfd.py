#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Oracle for S5, P1 and E6: descriptors past 1024.

  bigfd.py select N   fd 3000 (readable) through Python's select.select,
                      then through the raw select syscall, N times
  bigfd.py poll N     fd 3000 in one poll object, polled N times unchanged
  bigfd.py epoll L    RLIMIT_NOFILE set to L, socket pairs opened until EMFILE,
                      every one registered with epoll_ctl(ADD)

Prints `RESULT {...}` with what each call returned."""
import ctypes
import json
import os
import resource
import select
import socket
import sys

BIG = 3000
SYS_SELECT = 23                 # x86_64; glibc's select() would be pselect6


def readable_big_fd():
    a, b = socket.socketpair()
    b.send(b"x")                # stays unread: a is readable on every call
    os.dup2(a.fileno(), BIG)
    return a, b


def raw_select(n):
    """select(2) itself, with a bitmap as large as fd 3000 needs."""
    libc = ctypes.CDLL(None, use_errno=True)
    words = BIG // 64 + 1
    ready = 0
    for _ in range(n):
        bits = (ctypes.c_uint64 * words)()
        bits[BIG // 64] = 1 << (BIG % 64)
        tv = (ctypes.c_long * 2)(0, 0)
        ret = libc.syscall(SYS_SELECT, BIG + 1, bits, None, None, tv)
        ready += ret == 1 and bits[BIG // 64] == 1 << (BIG % 64)
    return ready


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    res = {"mode": mode}
    if mode == "select":
        keep = readable_big_fd()
        try:
            select.select([BIG], [], [], 0)
            res["python"] = "accepted"
        except ValueError as e:
            res["python"] = "ValueError: %s" % e
        res["raw_ready"], res["calls"] = raw_select(n), n
    elif mode == "poll":
        keep = readable_big_fd()
        p = select.poll()
        p.register(BIG, select.POLLIN)
        res["ready"] = sum(1 for _ in range(n) if p.poll(0) == [(BIG, select.POLLIN)])
        res["calls"] = n
    else:
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, resource.getrlimit(
            resource.RLIMIT_NOFILE)[1]))
        ep, keep, registered = select.epoll(), [], 0
        try:
            while True:
                pair = socket.socketpair()
                keep.append(pair)
                for s in pair:
                    ep.register(s, select.EPOLLIN)
                    registered += 1
        except OSError as e:
            res["stopped_by"] = os.strerror(e.errno)
        res.update(limit=n, registered=registered, open_fds=len(os.listdir("/proc/self/fd")))
    del keep
    print("RESULT " + json.dumps(res))


if __name__ == "__main__":
    main()
