# SPDX-License-Identifier: GPL-2.0
"""A Python select() loop (claim Y1): prints 'ready PID', waits for SIGUSR1,
then calls select.select N times on one socket with a zero timeout."""
import os
import select
import signal
import socket
import sys

n = int(sys.argv[1])
a, b = socket.socketpair()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
print(f"ready {os.getpid()}", flush=True)
signal.sigwait({signal.SIGUSR1})
for _ in range(n):
    select.select([a], [], [], 0)
print('{"calls": %d}' % n, flush=True)
