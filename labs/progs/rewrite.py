#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Oracle for S7 (and P1): what the kernel writes back into the arguments.

  rewrite.py N   N selects on 3 sockets (1 readable) with a 50 ms timeout,
                 then N polls of the same 3 sockets

Every call returns at once (one fd has an unread byte), so select's sets
come back with 2 of their 3 bits cleared and the timeout holds nearly all
of its 50 ms. Prints `RESULT {...}` with its own tally."""
import json
import select
import socket
import sys


def main():
    n = int(sys.argv[1])
    pairs = [socket.socketpair() for _ in range(3)]
    pairs[0][1].send(b"x")
    watch = [a for a, _ in pairs]
    ready = sum(len(select.select(watch, [], [], 0.050)[0]) for _ in range(n))
    p = select.poll()
    for s in watch:
        p.register(s, select.POLLIN)
    polled = sum(len(p.poll(50)) for _ in range(n))
    print("RESULT " + json.dumps({"calls": n, "select_ready": ready, "poll_ready": polled}))


if __name__ == "__main__":
    main()
