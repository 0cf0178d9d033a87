"""Helpers for tests that start real servers (Redis, gunicorn) on free local ports."""

import os
import socket
import subprocess
import time

import pytest


def server_env(**env: str) -> dict[str, str]:
    """This process's environment for a server it starts, plus `env`.

    Without what only a test process sets: the browser tests allow Django's synchronous ORM
    inside Playwright's event loop, which a deployment check rightly refuses.
    """
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**inherited, **env}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start")
            time.sleep(0.1)
