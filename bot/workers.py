"""`govbot serve --workers N`: several serve processes on one machine sharing one listening port.

The parent binds the port once and hands the listening socket to N child `govbot serve` processes (the kernel
spreads connections between them); it runs the migrations first (so children never race on them), restarts a child
that dies, and stops them all on SIGTERM/SIGINT. Every child shares everything through the database and Redis
(bot/shared_state.py), so any of them may answer any request.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

log = logging.getLogger(__name__)

LISTEN_FD_ENV = "GOVBOT_LISTEN_FD"  # set by the parent: serve on this inherited socket, do not migrate
RESTART_PAUSE_SECONDS = 1.0


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def inherited_socket() -> socket.socket | None:
    """The socket a `--workers` parent handed this process, if any."""
    fd = os.environ.get(LISTEN_FD_ENV)
    if not fd:
        return None
    return socket.socket(fileno=int(fd))


def supervise(host: str, port: int, workers: int, child_args: Sequence[str]) -> int:
    """Run `workers` children serving `host:port` until a signal; the exit code."""
    sock = listening_socket(host, port)
    env = {**os.environ, LISTEN_FD_ENV: str(sock.fileno())}
    command = [sys.executable, "-m", "bot.cli", "serve", *child_args]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=env, pass_fds=(sock.fileno(),))

    children = [start() for _ in range(workers)]
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        for index, child in enumerate(children):
            code = child.poll()
            if code is not None and not stopping:
                log.warning("serve worker %d (pid %d) exited with %s; starting another", index, child.pid, code)
                time.sleep(RESTART_PAUSE_SECONDS)
                children[index] = start()
        time.sleep(0.5)
    deadline = time.monotonic() + 30
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    sock.close()
    return 0
