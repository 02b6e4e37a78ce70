#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""py-threading: an echo server on socketserver.ThreadingTCPServer.

The model: the texts' socketserver example. The server's serve_forever()
loop waits for the listening socket to become readable, accepts, and starts
a thread per connection that runs EchoHandler.handle(): blocking reads and
writes on that one client.

Claims it demonstrates:
  Y3  socketserver is a selector loop (serve_forever() waits in a
      selectors.PollSelector with a 0.5 s timeout, so an idle server still
      wakes twice a second) + blocking sockets + a thread per client.
  M7  a thread per connection, as in the C "blocking" server.
  M10 the contrast: with --slow-ms, a SLOW line puts only its own thread to
      sleep; the other clients are answered meanwhile.

Quirks:
  - rfile.readline(IN_MAX) returns at most IN_MAX bytes, which is what
    answers an overlong line in pieces.
  - On SIGINT/SIGTERM the handler raises Stop out of serve_forever(); every
    client socket is then shut down so that the threads' blocked reads
    return, and server_close() waits for the threads.
"""
import socket
import socketserver
import sys
import threading

import echo_common as ec


class EchoHandler(socketserver.StreamRequestHandler):
    def handle(self):
        c = ec.Conn(self.request)
        try:
            while True:
                line = self.rfile.readline(ec.IN_MAX)   # blocks this thread only
                if not line:
                    break
                ec.slow_handler(line)                   # sleeps this thread only
                self.wfile.write(line.upper())
                if line.endswith(b"\n") or len(line) < ec.IN_MAX:
                    c.requests += 1
                    ec.stats.add(requests=1)
        except OSError:
            pass                                        # reset by the client
        if ec.verbose:
            ec.log(f"fd {self.request.fileno()}: closed after {c.requests} requests")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    request_queue_size = socket.SOMAXCONN

    def __init__(self, listener):
        # Reuse the socket that echo_common.listen() bound.
        super().__init__(listener.getsockname(), EchoHandler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        self.live = set()
        self.live_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self.live_lock:
            self.live.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.live_lock:
            self.live.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # One line instead of socketserver's traceback.
        ec.log(f"error serving {client_address[0]}:{client_address[1]}: {sys.exc_info()[1]!r}")

    def wake_all(self):
        with self.live_lock:
            for request in self.live:
                try:
                    request.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def main():
    args = ec.parse_args(
        "py-threading", "An echo server on socketserver.ThreadingTCPServer.",
        "  python3 threading_server.py -p 0\n  python3 threading_server.py -p 8080 -v\n"
        "  python3 threading_server.py -p 0 --slow-ms 200   # SLOW stalls one thread\n")
    server = Server(ec.listen(args.port))
    ec.ready(server.socket)
    try:
        server.serve_forever()
    except ec.Stop:
        pass
    finally:
        server.wake_all()
        server.server_close()       # closes the listener, joins the threads
    return ec.finish()


if __name__ == "__main__":
    sys.exit(main())
