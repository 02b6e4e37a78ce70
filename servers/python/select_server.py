#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""py-select: an echo server on select.select(), as the texts write it.

The model: the texts' Python select server. Three lists go to select():
inputs (sockets to read, the listening socket first), outputs (sockets
with answers queued) and inputs again as the exceptional list. A received
line is not answered at once: its answer goes into the connection's queue,
the socket joins outputs, and the answer is sent when select() says the
socket is writable.

Claims it demonstrates:
  Y1  select.select() looks like the select syscall; on x86_64 CPython and
      glibc the syscall that runs may be pselect6 (iotrace shows which).
  S5  select() cannot watch an fd >= 1024 (select.select raises ValueError):
      such a connection is refused with a log line and closed.
  S7  the lists are rebuilt (here: passed again) before every call.
  S8  a socket is in outputs only while its queue is not empty.
  M10 one thread: with --slow-ms, a SLOW line puts the loop to sleep and
      every other client waits for it.

Quirks:
  - SIGINT/SIGTERM raise Stop from the handler: Python retries select()
    after a signal (PEP 475) unless the handler raises.
"""
import select
import socket
import sys

import echo_common as ec

FD_SETSIZE = 1024


def main():
    args = ec.parse_args(
        "py-select", "An echo server on select.select() with read and write lists.",
        "  python3 select_server.py -p 0\n  python3 select_server.py -p 8080 -v\n"
        "  python3 select_server.py -p 0 --slow-ms 200   # SLOW stalls every client\n")
    listener = ec.listen(args.port)
    listener.setblocking(False)
    conns = {}                      # socket -> ec.Conn
    ec.ready(listener)
    try:
        while True:
            inputs = [listener] + [s for s, c in conns.items() if c.want_read()]
            outputs = [s for s, c in conns.items() if c.want_write()]
            readable, writable, exceptional = select.select(inputs, outputs, inputs)

            for s in readable:
                if s is listener:
                    accept(listener, conns)
                    continue
                c = conns[s]
                try:
                    c.received(s.recv(c.room()))
                except BlockingIOError:
                    pass
                except OSError:
                    drop(conns, s)
                    continue
            for s in writable:
                if s not in conns:
                    continue
                try:
                    conns[s].sent(s.send(conns[s].out))
                except BlockingIOError:
                    pass
                except OSError:
                    drop(conns, s)
            for s in exceptional:
                if s in conns:
                    try:
                        s.recv(1, socket.MSG_OOB)   # urgent data: read and drop it
                    except OSError:
                        pass
            for s in [s for s, c in conns.items() if c.done()]:
                drop(conns, s)
    except ec.Stop:
        pass
    finally:
        for s in list(conns):
            drop(conns, s)
        listener.close()
    return ec.finish()


def accept(listener, conns):
    while True:
        try:
            sock, _ = listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        if sock.fileno() >= FD_SETSIZE:
            ec.log(f"refusing fd {sock.fileno()}: select() only handles fds below "
                   f"FD_SETSIZE ({FD_SETSIZE}); closing the connection")
            sock.close()
            ec.stats.add(refused=1)
            continue
        sock.setblocking(False)
        conns[sock] = ec.Conn(sock)


def drop(conns, s):
    conns.pop(s).close()


if __name__ == "__main__":
    sys.exit(main())
