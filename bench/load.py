"""Load test: many citizens at once, and not one acknowledged submission lost or doubled.

    .venv/bin/python bench/load.py            # or: make loadtest
    .venv/bin/python bench/load.py --comments 200 --contacts 0 --clients 20   # a quick run

Creates a fresh database on the configured PostgreSQL server (the embedded one, or
DATABASE_URL), migrates it and loads the Verl content, starts the site as `make run` does
(manage.py serve: gunicorn with 4 sync workers and the task worker) with the settings module
`verl_digital.settings.loadtest` (`make run`'s, with the captcha and the per-client rate
limits off), then lets 50 concurrent clients post 2,000 comments and 500 contact messages.
`make loadtest LOADTEST_ARGS="--comments 200 --contacts 0 --clients 20"` is the twenty
citizens of the issue that made `make run` production-grade. Each client first loads a page, as a browser does, for its CSRF cookie. Every
submission carries a unique token; afterwards the database must hold each acknowledged one
(a redirect) exactly once, and no response may be a 5xx. Prints the numbers; exit status 1
when a check fails. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "verl_digital.settings.loadtest"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
os.environ.setdefault("LOADTEST_DATABASE", "verl_loadtest")
ACKNOWLEDGED = {302, 303}


@dataclass
class Result:
    kind: str
    token: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float


def maintenance_connection():
    """A connection to the server's `postgres` database, to create and drop ours."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    return psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
    )


def prepare_database(name: str) -> tuple[int, int, int]:
    """Fresh database with migrations and content; returns (content type, page, topic) ids."""
    import django

    django.setup()
    with maintenance_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    call_command("prepare", verbosity=0)
    from feedback.models import Topic
    from strategy.models import Page

    home = Page.objects.get(slug=Page.HOME)
    content_type = ContentType.objects.get_for_model(Page)
    topic = Topic.objects.active().first()
    from django.db import connections

    connections.close_all()
    return content_type.pk, home.pk, topic.pk


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    """The launcher of `make run` (manage.py serve): gunicorn and the task worker."""
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": str(workers)}
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise SystemExit(f"manage.py serve did not start, see {log}")
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"manage.py serve did not answer /healthz within 120 s, see {log}")


def client(
    base: str,
    jobs: queue.Queue,
    results: list[Result],
    comment_url: str,
    topic: int,
    lock: threading.Lock,
) -> None:
    """One citizen's browser: a session with cookies, posting until the jobs run out."""
    session = requests.Session()
    session.get(f"{base}/", timeout=30)
    csrf = session.cookies["csrftoken"]
    while True:
        try:
            kind, token = jobs.get_nowait()
        except queue.Empty:
            return
        if kind == "comment":
            url = f"{base}{comment_url}"
            data = {
                "author_name": f"Last {token[:6]}",
                "text": f"Lasttest {token}: Bitte mehr digitale Angebote im Rathaus.",
                "privacy_consent": "on",
                "homepage": "",
            }
        else:
            url = f"{base}/kontakt/"
            data = {
                "name": "Erika Mustermann",
                "email": f"last-{token[:12]}@example.org",
                "topic": str(topic),
                "subject": f"Lasttest {token[:8]}",
                "text": f"Lasttest {token}: Wann kommt das Bürgerportal?",
                "consent": "on",
                "homepage": "",
            }
        data["csrfmiddlewaretoken"] = csrf
        started = time.perf_counter()
        try:
            response = session.post(url, data=data, allow_redirects=False, timeout=60)
            status = response.status_code
        except requests.RequestException:
            status = 0
        with lock:
            results.append(Result(kind, token, status, time.perf_counter() - started))


def run_clients(
    args: argparse.Namespace, content_type: int, page: int, topic: int
) -> tuple[list[Result], float, int]:
    base = f"http://127.0.0.1:{args.port}"
    jobs: queue.Queue = queue.Queue()
    work = [("comment", secrets.token_hex(16)) for _ in range(args.comments)]
    work += [("contact", secrets.token_hex(16)) for _ in range(args.contacts)]
    random.shuffle(work)
    for job in work:
        jobs.put(job)
    results: list[Result] = []
    lock = threading.Lock()
    comment_url = f"/kommentare/neu/{content_type}/{page}/"
    print(
        f"{len(work)} submissions from {args.clients} clients against manage.py serve "
        f"({args.workers} workers) …",
        flush=True,
    )
    started = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(base, jobs, results, comment_url, topic, lock))
        for _ in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started, len(work)


def stored_tokens() -> tuple[Counter, Counter]:
    from django.db import connection

    pattern = re.compile(r"^Lasttest ([0-9a-f]{32}):")
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM feedback_comment WHERE text LIKE 'Lasttest %%'")
        comments = Counter(pattern.match(text).group(1) for (text,) in cursor.fetchall())
        cursor.execute("SELECT text FROM feedback_message WHERE text LIKE 'Lasttest %%'")
        messages = Counter(pattern.match(text).group(1) for (text,) in cursor.fetchall())
    return comments, messages


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    name = os.environ["LOADTEST_DATABASE"]

    print(f"preparing database {name} …", flush=True)
    content_type, page, topic = prepare_database(name)
    log = Path(tempfile.gettempdir()) / f"verl-loadtest-{args.port}.log"
    server = start_server(args.port, args.workers, log)
    try:
        results, elapsed, total = run_clients(args, content_type, page, topic)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    comments, messages = stored_tokens()
    statuses = Counter(result.status for result in results)
    seconds = [result.seconds for result in results]
    acknowledged = [r for r in results if r.status in ACKNOWLEDGED]
    failures = []
    for result in acknowledged:
        stored = (comments if result.kind == "comment" else messages)[result.token]
        if stored != 1:
            failures.append(f"{result.kind} {result.token}: acknowledged, stored {stored} times")
    doubled = [t for t, n in (comments + messages).items() if n > 1]
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    unanswered = statuses.get(0, 0)

    print(f"requests:        {len(results)} in {elapsed:.1f} s ({len(results) / elapsed:.1f}/s)")
    print(f"statuses:        {dict(sorted(statuses.items()))}")
    print(
        f"latency (s):     median {statistics.median(seconds):.3f}, "
        f"p95 {percentile(seconds, 0.95):.3f}, p99 {percentile(seconds, 0.99):.3f}, "
        f"max {max(seconds):.3f}"
    )
    print(
        f"acknowledged:    {len(acknowledged)} "
        f"({sum(r.kind == 'comment' for r in acknowledged)} comments, "
        f"{sum(r.kind == 'contact' for r in acknowledged)} contact messages)"
    )
    print(
        f"in the database: {sum(comments.values())} comments, "
        f"{sum(messages.values())} contact messages"
    )
    print(f"lost or doubled: {len(failures) + len(doubled)}; 5xx: {server_errors}")
    for failure in failures[:20]:
        print(f"  {failure}")

    if not args.keep:
        from django.db import connections

        connections.close_all()
        with maintenance_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    complete = len(results) == total
    ok = complete and not failures and not doubled and not server_errors and not unanswered
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
