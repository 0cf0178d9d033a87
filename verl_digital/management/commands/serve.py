"""`make run` and `make dev`: prepare the database, then serve the site beside the task worker.

Every step before serving is idempotent, so the command can be run on every start: collect
the static files (production only), then `prepare` (migrations and the content it needs).
Then it starts the task worker (mail is sent only there) and the web server, prints where
the site is and how staff sign in, and stops both when either ends or on Ctrl-C. While they
run, it starts `send_overdue_summary` and `compute_transparency` every `SUMMARY_EVERY`
seconds, as the compose stack's `overdue-summary` and `transparency` services do (README,
*Scheduled jobs*).

The web server is gunicorn with the production configuration (verl_digital/gunicorn_conf.py)
on 127.0.0.1; with `--dev`, Django's runserver with autoreload instead.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

MANAGE = Path(settings.BASE_DIR) / "manage.py"
# Seconds between two starts of the scheduled commands (each is idempotent: the summary is
# sent once per person and day, the transparency numbers are kept while they are young).
SUMMARY_EVERY = 900
SCHEDULED = ["send_overdue_summary", "compute_transparency"]


class Command(BaseCommand):
    help = "Prepare the database and serve the site on 127.0.0.1:$PORT with the task worker."
    # gunicorn runs the system checks itself, after the static files have been collected.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dev",
            action="store_true",
            help="Serve with Django's runserver (autoreload) instead of gunicorn.",
        )

    def handle(self, *args: Any, dev: bool, verbosity: int, **options: Any) -> None:
        quiet = max(verbosity - 1, 0)
        if not dev:
            self._step("collecting static files", verbosity)
            call_command("collectstatic", interactive=False, verbosity=quiet)
        call_command("prepare", verbosity=verbosity)

        # This process only waits from here on: its connection must not count against the server.
        connections.close_all()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        address = f"127.0.0.1:{settings.PORT}"
        worker = [sys.executable, str(MANAGE), "db_worker", "--queue-name", "*", "--no-reload"]
        if dev:
            web = [sys.executable, str(MANAGE), "runserver", address]
        else:
            env.update(BIND_ADDRESS="127.0.0.1", PORT=str(settings.PORT))
            web = [sys.executable, "-m", "gunicorn", "-c", "python:verl_digital.gunicorn_conf"]
            web.append("verl_digital.wsgi:application")
        processes = [subprocess.Popen(command, env=env) for command in (worker, web)]  # noqa: S603
        stop = _stopper(processes)
        try:
            if not _wait_for_port(settings.PORT, processes):
                raise CommandError("The web server did not start; see its output above.")
            self._banner(dev)
            # One scheduled command at a time: each holds a database connection while it runs.
            due, next_round, running = [], time.monotonic(), None
            while all(process.poll() is None for process in processes):
                if time.monotonic() >= next_round:
                    due = list(SCHEDULED)
                    next_round = time.monotonic() + SUMMARY_EVERY
                if due and (running is None or running.poll() is not None):
                    job = [sys.executable, str(MANAGE), due.pop(0), "--verbosity", "0"]
                    running = subprocess.Popen(job, env=env)  # noqa: S603
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass  # Ctrl-C reached the children through the terminal as well
        finally:
            stop()
        failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM)]
        if failed:
            raise CommandError(f"A server process ended with status {failed[0]}.")

    def _step(self, what: str, verbosity: int) -> None:
        if verbosity:
            self.stdout.write(f"… {what}")

    def _banner(self, dev: bool) -> None:
        mail = (
            f"written to {settings.EMAIL_FILE_PATH}/"
            if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend")
            else f"sent through {settings.EMAIL_BACKEND}"
        )
        lines = [
            f"The site runs at {settings.SITE_URL}/ "
            f"({'runserver, DEBUG on' if dev else 'gunicorn, production settings'}).",
            f"Staff sign in at {settings.SITE_URL}/konto/login/ and work in "
            f"{settings.SITE_URL}/{settings.ADMIN_PATH}; the first account: `make admin`.",
            f"Mails are {mail}. Stop with Ctrl-C.",
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))


def _wait_for_port(port: int, processes: list[subprocess.Popen], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stopper(processes: list[subprocess.Popen]) -> Callable[[], None]:
    """A function that stops the children; SIGTERM to this process calls it too."""

    def stop() -> None:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def on_signal(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    return stop
