# SPDX-License-Identifier: GPL-2.0
"""Code the Python reference servers share: the command line, the listening
socket, the echo protocol, start and stop.

The protocol and its limits are the C servers' (see ../conn.h):
  - a line ends in b"\\n"; the answer is the line upper-cased (bytes a-z only);
  - at most IN_MAX (64 KiB) of unanswered input is kept per connection: a
    longer line is answered in IN_MAX pieces without waiting for its b"\\n";
  - a server stops reading a connection while OUT_HIGH (64 KiB) or more of
    answers wait to be sent (back-pressure);
  - at end of input an unfinished line is answered as it is, the answers are
    sent, then the connection is closed;
  - with --slow-ms MS, the line b"SLOW\n" is answered only after the thread
    that handles it has slept MS ms (a slow handler, claim M10).

Every server prints one start line on stdout when it is ready,
"<model>: listening on 127.0.0.1:<port> (proto echo)", and on SIGINT or
SIGTERM closes every socket and prints
"<model>: served <R> requests on <C> connections, refused <F>".
"""
import argparse
import resource
import signal
import socket
import sys
import threading
import time

IN_MAX = 64 * 1024
OUT_HIGH = 64 * 1024
WANT_NOFILE = 65536


class Stop(BaseException):
    """Raised by the SIGINT/SIGTERM handler to leave the server loop. A
    BaseException, like KeyboardInterrupt, so that library code catching
    Exception (socketserver does) lets it through."""


class Stats:
    """Counters for the exit line; the threading server updates them from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.conns = self.requests = self.refused = 0

    def add(self, conns=0, requests=0, refused=0):
        with self.lock:
            self.conns += conns
            self.requests += requests
            self.refused += refused


stats = Stats()
model = "py-server"
verbose = False
slow_ms = 0
SLOW_LINE = b"SLOW\n"


def log(msg):
    """One line on stderr: "<model>: <msg>"."""
    sys.stderr.write(f"{model}: {msg}\n")
    sys.stderr.flush()


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # One line, like the C servers (argparse would print the usage too).
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        sys.exit(2)


def _slow_ms(text):
    try:
        value = int(text, 10)
    except ValueError:
        value = -1
    if not 0 <= value <= 3600 * 1000:
        raise argparse.ArgumentTypeError(
            f"invalid slow-ms '{text}': expected an integer from 0 to 3600000")
    return value


def _port(text):
    try:
        value = int(text, 10)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(
            f"invalid port '{text}': expected an integer from 0 to 65535")
    return value


def parse_args(name, summary, examples, extra=None):
    """Parse -p/--port, --proto echo, -v and --slow-ms; extra(parser) may add options."""
    global model, verbose, slow_ms
    model = name
    parser = _Parser(prog=name, description=summary,
                     epilog="examples:\n" + examples,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", "--port", type=_port, default=8080,
                        help="TCP port on 127.0.0.1 (default 8080, 0: any free port)")
    parser.add_argument("--proto", choices=["echo"], default="echo",
                        help="protocol: echo only (the C servers also speak http)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every connection on stderr")
    parser.add_argument("--slow-ms", type=_slow_ms, default=0, metavar="MS",
                        help="sleep MS ms before answering the line SLOW, in the thread "
                             "that handles it (default 0: off)")
    if extra:
        extra(parser)
    args = parser.parse_args()
    verbose = args.verbose
    slow_ms = args.slow_ms
    return args


def listen(port):
    """Raise RLIMIT_NOFILE, install the stop handlers, listen on 127.0.0.1:port."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        if hard != resource.RLIM_INFINITY and hard < WANT_NOFILE:
            resource.setrlimit(resource.RLIMIT_NOFILE, (WANT_NOFILE, WANT_NOFILE))
        else:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, WANT_NOFILE), hard))
    except (ValueError, OSError):
        pass

    def stop(signum, frame):
        # Once: a second signal during the clean-up must not interrupt it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Stop()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as e:
        sys.stderr.write(f"{model}: failed to bind 127.0.0.1:{port}: {e.strerror}\n")
        sys.exit(1)
    sock.listen(socket.SOMAXCONN)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    return sock


def ready(sock):
    """The start line: the server is listening."""
    print(f"{model}: listening on 127.0.0.1:{sock.getsockname()[1]} (proto echo)", flush=True)


def finish():
    """The exit line, after every socket is closed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print(f"{model}: served {stats.requests} requests on {stats.conns} connections, "
          f"refused {stats.refused}", flush=True)
    return 0


def slow_handler(line):
    """--slow-ms: the handler of a SLOW line works (sleeps) before it answers."""
    if slow_ms and line == SLOW_LINE:
        time.sleep(slow_ms / 1000)


class Conn:
    """One client: its socket, unanswered input, queued answers."""

    def __init__(self, sock):
        self.sock = sock
        self.inbuf = bytearray()
        self.out = bytearray()
        self.eof = False
        self.requests = 0
        stats.add(conns=1)
        if verbose:
            log(f"fd {sock.fileno()}: connection from {sock.getpeername()[0]}:"
                f"{sock.getpeername()[1]}")

    def want_read(self):
        return not self.eof and len(self.out) < OUT_HIGH and len(self.inbuf) < IN_MAX

    def room(self):
        """How many bytes the next recv() may take."""
        return IN_MAX - len(self.inbuf)

    def want_write(self):
        return len(self.out) > 0

    def done(self):
        return self.eof and not self.inbuf and not self.out

    def received(self, data):
        """Bytes from recv(): b"" is the end of input. Queues the answers."""
        if data:
            self.inbuf += data
        else:
            self.eof = True
        self.process()

    def process(self):
        # Answer complete lines; a full buffer or the end of input is answered as it is.
        while self.inbuf and len(self.out) < OUT_HIGH:
            end = self.inbuf.find(b"\n")
            if end < 0 and len(self.inbuf) < IN_MAX and not self.eof:
                break
            end = len(self.inbuf) if end < 0 else end + 1
            line = bytes(self.inbuf[:end])
            slow_handler(line)
            self.out += line.upper()
            if self.inbuf[end - 1:end] == b"\n" or self.eof:
                self.requests += 1
                stats.add(requests=1)
            del self.inbuf[:end]

    def sent(self, n):
        del self.out[:n]
        self.process()

    def close(self):
        if verbose:
            log(f"fd {self.sock.fileno()}: closed after {self.requests} requests")
        self.sock.close()
