"""Finding 9: client addresses and forged lines in gunicorn's logs.

Malformed requests made gunicorn write "Invalid request from ip=…", and a request path with
an encoded line break and terminal escape wrote a fake access-log line and a colour code.
The real gunicorn, with the production configuration, gets both requests here.
"""

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.feedback.test_commands_inbox import _database_url
from tests.servers import free_port, server_env, wait_for_port

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:verl_digital.gunicorn_conf"]
FORGED = "/x%0a[03/Dec/2026:13:00:00%20+0100]%20%22POST%20/admin/%22%20200%1b[31m"


def send(port: int, raw: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        while sock.recv(65536):
            pass


@pytest.mark.django_db(transaction=True)
def test_no_client_address_and_no_raw_control_characters_in_any_log_line(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = server_env(
        DJANGO_SETTINGS_MODULE="tests.verl_digital.scale_out_settings",
        DATABASE_URL=_database_url(),
        BENCH_DATABASE_NAME=connection.settings_dict["NAME"],
        SECRET_KEY=settings.SECRET_KEY,
        BIND_ADDRESS="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    # The site's cache table, as `prepare` creates it: every page reads the town profile's
    # version token from the cache (strategy.town), the 404 page too.
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [*GUNICORN, "verl_digital.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, server, "gunicorn", seconds=60)
        send(
            port, f"GET {FORGED} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        send(port, b"G\x01T / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    # The forged part stays on the real line, its line break and escape written out.
    assert '"GET /x\\n[03/Dec/2026:13:00:00 +0100] \\"POST /admin/\\" 200\\x1b[31m" 404' in text
    assert not any(line.startswith("[03/Dec/2026:13:00:00 +0100]") for line in text.splitlines())
    assert "\x1b" not in text
    assert "Invalid request" in text
    assert "ip=" not in text
