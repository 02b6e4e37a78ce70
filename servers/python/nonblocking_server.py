#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""py-nonblocking: an echo server that busy-polls non-blocking sockets.

The model: the texts' non-blocking example. setblocking(False) on every
socket, then a loop that tries accept() and recv() on every socket, again
and again; "no data yet" comes back as BlockingIOError (EAGAIN) at once.
--sleep-us N sleeps after a pass that found nothing, like the texts'
time.sleep().

Claims it demonstrates:
  M3  recv() on a non-blocking socket fails at once with EAGAIN while no
      data is there; the program must ask again and again.
  M4  the loop burns a CPU while every client is idle (without --sleep-us),
      and a pass over all sockets adds to each one's latency.
  M10 one thread: with --slow-ms, a SLOW line stops the loop and every
      other client waits for it.

Quirks:
  - A pass costs a syscall per socket whether or not it has data.
"""
import sys
import time

import echo_common as ec


def main():
    def extra(parser):
        parser.add_argument("--sleep-us", type=int, default=0, metavar="N",
                            help="sleep N microseconds after an idle pass (default 0)")

    args = ec.parse_args(
        "py-nonblocking", "An echo server that busy-polls non-blocking sockets.",
        "  python3 nonblocking_server.py -p 0\n"
        "  python3 nonblocking_server.py -p 0 --sleep-us 1000\n"
        "  python3 nonblocking_server.py -p 0 --slow-ms 200   # SLOW stalls every client\n",
        extra)
    if not 0 <= args.sleep_us <= 10_000_000:
        sys.stderr.write(f"py-nonblocking: invalid sleep '{args.sleep_us}': "
                         "expected an integer from 0 to 10000000\n")
        return 2
    listener = ec.listen(args.port)
    listener.setblocking(False)
    conns = []
    ec.ready(listener)
    try:
        while True:
            progress = False
            while True:
                try:
                    sock, _ = listener.accept()
                except (BlockingIOError, ConnectionAbortedError):
                    break
                sock.setblocking(False)
                conns.append(ec.Conn(sock))
                progress = True
            for c in list(conns):
                try:
                    if c.want_read():
                        c.received(c.sock.recv(c.room()))
                        progress = True
                except BlockingIOError:
                    pass                        # EAGAIN: no data yet, ask again
                except OSError:
                    c.eof, c.inbuf, c.out = True, bytearray(), bytearray()
                try:
                    if c.want_write():
                        c.sent(c.sock.send(c.out))
                        progress = True
                except BlockingIOError:
                    pass
                except OSError:
                    c.eof, c.inbuf, c.out = True, bytearray(), bytearray()
                if c.done():
                    conns.remove(c)
                    c.close()
            if not progress and args.sleep_us:
                time.sleep(args.sleep_us / 1e6)
    except ec.Stop:
        pass
    finally:
        for c in conns:
            c.close()
        listener.close()
    return ec.finish()


if __name__ == "__main__":
    sys.exit(main())
