#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Oracle for S6, S8 and E5: ask N times about one fd that stays ready.

  level.py listener N   select() on a listener whose connection is never accepted
  level.py writable N   select() with a connected socket in the write set
  level.py full N       the same after filling the socket's send buffer
  level.py lt N         level-triggered epoll on a socket with unread data
  level.py et N         the same, edge-triggered (EPOLLET)

Every call uses timeout 0. Prints `RESULT {"fd": FD, "ready": R, "calls": N}`
where R counts the calls that reported FD; iotrace counts them as well."""
import json
import select
import socket
import sys


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    if mode == "listener":
        fd, ask = listener, lambda: select.select([listener], [], [], 0)[0]
    elif mode in ("writable", "full"):
        if mode == "full":              # the peer never reads: fill both buffers
            client.setblocking(False)
            try:
                while True:
                    client.send(b"x" * 65536)
            except BlockingIOError:
                pass
        fd, ask = client, lambda: select.select([], [client], [], 0)[1]
    else:
        a, b = socket.socketpair()
        b.send(b"x")                    # one byte, never read
        ep = select.epoll()
        ep.register(a, select.EPOLLIN | (select.EPOLLET if mode == "et" else 0))
        fd, ask = a, lambda: ep.poll(0)
    ready = sum(1 for _ in range(n) if ask())
    print("RESULT " + json.dumps({"fd": fd.fileno(), "ready": ready, "calls": n}))


if __name__ == "__main__":
    main()
