#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Oracle for S4: select() on one idle socket, K times until its 20 ms
timeout, then K times woken by a peer that writes one byte after 5 ms.

Prints `RESULT {"timeouts": T, "woken": W, "k": K}` (its own tally)."""
import json
import select
import socket
import sys
import threading
import time


def main():
    k = int(sys.argv[1])
    a, b = socket.socketpair()
    timeouts = sum(1 for _ in range(k) if not select.select([a], [], [], 0.020)[0])
    woken = 0
    for _ in range(k):
        t = threading.Timer(0.005, b.send, (b"x",))
        t.start()
        if select.select([a], [], [], 1.0)[0]:
            woken += 1
            a.recv(1)
        t.join()
    print("RESULT " + json.dumps({"timeouts": timeouts, "woken": woken, "k": k}))
    time.sleep(0)


if __name__ == "__main__":
    main()
