#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""py-selectors: an echo server on selectors.DefaultSelector.

The model: the selectors example of the Python documentation and of the
texts. Every socket is registered once with the selector, with a callback
in its data: accept for the listening socket, service for a connection.
sel.select() returns the ready keys and the loop calls their callbacks.
A connection asks for EVENT_WRITE only while it has answers queued.

Claims it demonstrates:
  Y2  DefaultSelector picks the best mechanism of the OS: EpollSelector on
      Linux (the start-up log line on stderr names it), so the syscalls are
      epoll_ctl and epoll_wait, not select.
  E7  sel.modify() on every change of the wanted events is an epoll_ctl(MOD).
  M10 one thread: with --slow-ms, a SLOW line puts the loop to sleep and
      every other client waits for it.

Quirks:
  - SIGINT/SIGTERM raise Stop from the handler, which leaves sel.select().
"""
import selectors
import socket
import sys

import echo_common as ec

sel = selectors.DefaultSelector()


def accept(listener):
    while True:
        try:
            sock, _ = listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        sock.setblocking(False)
        c = ec.Conn(sock)
        sel.register(sock, selectors.EVENT_READ, (service, c))


def service(c, mask):
    try:
        if mask & selectors.EVENT_READ and c.want_read():
            c.received(c.sock.recv(c.room()))
        if mask & selectors.EVENT_WRITE and c.want_write():
            c.sent(c.sock.send(c.out))
    except BlockingIOError:
        pass
    except OSError:
        return close(c)
    if c.done():
        return close(c)
    events = ((selectors.EVENT_READ if c.want_read() else 0) |
              (selectors.EVENT_WRITE if c.want_write() else 0))
    if events != sel.get_key(c.sock).events:
        sel.modify(c.sock, events, (service, c))


def close(c):
    sel.unregister(c.sock)
    c.close()


def main():
    args = ec.parse_args(
        "py-selectors", "An echo server on selectors.DefaultSelector.",
        "  python3 selectors_server.py -p 0\n  python3 selectors_server.py -p 8080 -v\n"
        "  python3 selectors_server.py -p 0 --slow-ms 200   # SLOW stalls every client\n")
    listener = ec.listen(args.port)
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, (accept, None))
    ec.log(f"selectors.DefaultSelector is {type(sel).__name__}")
    ec.ready(listener)
    try:
        while True:
            for key, mask in sel.select():
                callback, c = key.data
                if c is None:
                    callback(listener)
                elif key.fileobj in sel.get_map():
                    callback(c, mask)
    except ec.Stop:
        pass
    finally:
        for key in list(sel.get_map().values()):
            if key.data[1] is not None:
                close(key.data[1])
        sel.unregister(listener)
        listener.close()
        sel.close()
    return ec.finish()


if __name__ == "__main__":
    sys.exit(main())
