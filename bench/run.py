"""`make bench`: the site's speed, side by side with the fastest answer Django gives.

Starts gunicorn with production settings (`verl_digital.settings.bench`: prod on plain HTTP
plus the bare view `/bench/ok`) on a PostgreSQL database of its own, loads a dataset
(bench/dataset.py) and measures each endpoint with wrk, each right after a run of the bare
view, so every ratio compares two runs made under the same load of the machine. Prints a
table and writes it to bench/RESULTS.md (one section per dataset).

    .venv/bin/python bench/run.py                    # default dataset
    .venv/bin/python bench/run.py --size large       # 1,000,000 comments, 100,000 conversations
    .venv/bin/python bench/run.py --reuse            # keep the loaded database
    .venv/bin/python bench/run.py --duration 10 --rounds 3

The settings module `verl_digital.settings.bench` switches the per-client rate limits off
(RATE_LIMITS_ENABLED): the load generator is one client. The captcha stays on: every page
view of a guest gets a question of its own, and the comment POSTs answer questions made for
them before each run (bench/post.lua reads their keys and answers from a file).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SIZES = {
    # Conversations too, so that the admin's inbox can be compared with the large dataset's.
    "default": {"comments": 2_000, "on_start": 200, "replies": 0.0, "mixed": False, "conv": 1_000},
    "large": {
        "comments": 1_000_000,
        "on_start": 20_000,
        "replies": 0.1,
        "mixed": True,
        "conv": 100_000,
    },
}


ADMIN_CONNECTIONS = 4


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50: float  # milliseconds
    p99: float
    errors: int
    requests: int
    bare_rps: float | None = None
    bare_p99: float | None = None


def parse_duration(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(
    url: str,
    *,
    args: argparse.Namespace,
    header: str | None = None,
    script: str | None = None,
    script_args: tuple[str, ...] = (),
    connections: int | None = None,
) -> dict:
    connections = connections or args.connections
    threads = min(args.threads, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{args.duration}s"]
    command += ["--timeout", "5s", "--latency"]
    if header:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # No latencies at all when every request timed out.
        "p50": parse_duration(percentiles["50"]) if "50" in percentiles else float("nan"),
        "p99": parse_duration(percentiles["99"]) if "99" in percentiles else float("nan"),
        "errors": errors,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


class Server:
    """gunicorn as in production: sync workers, persistent database connections."""

    def __init__(self, env: dict[str, str], *, port: int, workers: int) -> None:
        self.env, self.port, self.workers = env, port, workers
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                raise SystemExit(f"port {self.port} is taken; choose another with --port")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "verl_digital.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                "--backlog=2048",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn did not start")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not answer /healthz within 30 seconds")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "verl_digital.settings.bench"
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    env["BENCH_DATABASE_NAME"] = f"verl_bench_{args.size}"
    env.setdefault("CONN_MAX_AGE", "600")
    if "REDIS_URL" not in env and _redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/9"
    # The worker sends the moderators' digest; the benchmark has no mail server to reach.
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.setdefault("LOG_LEVEL", "WARNING")
    return env


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def prepare(args: argparse.Namespace, env: dict[str, str]) -> dict[str, str]:
    """Create and fill the database; return the URLs and the moderator's session."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import psycopg
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from bench import dataset
    from feedback.models import Comment
    from strategy.models import Measure, Page

    size = SIZES[args.size]
    name = env["BENCH_DATABASE_NAME"]
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    exists = False
    with psycopg.connect(**params, autocommit=True) as admin:
        exists = bool(
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )
        if exists and not args.reuse:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("prepare", demo=not exists, verbosity=0)
    if not exists:
        moderator = dataset.moderator_ensure()
        loaded = dataset.comments_load(
            count=size["comments"],
            on_start=size["on_start"],
            replies=size["replies"],
            mixed=size["mixed"],
        )
        conversations = dataset.conversations_load(count=size["conv"]) if size["conv"] else 0
        cases = dataset.cases_load()
        dataset.digest_sent()
        dataset.analyze()
        print(
            f"loaded {loaded:,} comments, {conversations:,} conversations and {cases:,} "
            f"cases in {time.monotonic() - started:.0f} s"
        )
    moderator = dataset.moderator_ensure()
    # The cache may hold pages of an earlier run's database.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()
    session = dataset.moderator_session(moderator)
    home = Page.objects.get(slug=Page.HOME)
    page_type = ContentType.objects.get_for_model(Page)
    measure_type = ContentType.objects.get_for_model(Measure)
    busiest = (
        Comment.objects.filter(content_type=measure_type, parent=None)
        .values("object_id")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    measure = (
        Measure.objects.get(pk=busiest["object_id"])
        if busiest
        else Measure.objects.published().first()
    )
    return {
        "session": session,
        "measure": measure.get_absolute_url(),
        "case": case_page(),
        "post": reverse(
            "feedback:comment_create",
            kwargs={"content_type_id": page_type.pk, "object_id": home.pk},
        ),
        "comments": str(Comment.objects.count()),
    }


def case_page() -> str:
    """A case page's path (bench/dataset.py loads the cases; one is opened through the
    service when there is none)."""
    from feedback.cases.links import case_url
    from feedback.cases.services import case_open_for_conversation
    from feedback.models import Case, Conversation

    case = Case.objects.filter(conversation__isnull=False).first()
    if case is None:
        conversation = Conversation.objects.filter(case__isnull=True).order_by("pk").first()
        if conversation is None:
            return "/vorgang/0:none/"
        case = case_open_for_conversation(conversation=conversation)
    return case_url(case)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def status(url: str, headers: dict[str, str] | None = None) -> int:
    """The status of the endpoint itself: a redirect (to a login, say) is not followed."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def csrf_for(base: str) -> tuple[str, str]:
    """Token and cookie as a browser has them after opening the start page."""
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:  # noqa: S310
        html = response.read().decode()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return token, cookies["csrftoken"].value


def _median(values: Iterable[float]) -> float:
    """The median of the runs that reported a latency (wrk reports none when all time out)."""
    known = [value for value in values if not math.isnan(value)]
    return statistics.median(known) if known else float("nan")


def measure(
    server: Server,
    name: str,
    path: str,
    args: argparse.Namespace,
    connections: int | None = None,
    round_args: Callable[[], tuple[str, ...]] | None = None,
    **options: object,
) -> Result:
    """Alternate runs of the bare view and the endpoint; ratios of their sums and medians.

    The machine's load changes from second to second (other processes, the load generator
    itself); alternating short runs gives both the same conditions.
    """
    bare_runs, runs = [], []
    for _round in range(args.rounds):
        bare_runs.append(wrk(f"{server.base}/bench/ok", args=args, connections=connections))
        if round_args is not None:
            options["script_args"] = round_args()
        runs.append(wrk(f"{server.base}{path}", args=args, connections=connections, **options))
    result = Result(
        name,
        path,
        rps=statistics.mean(r["rps"] for r in runs),
        p50=_median(r["p50"] for r in runs),
        p99=_median(r["p99"] for r in runs),
        errors=sum(r["errors"] for r in runs),
        requests=sum(r["requests"] for r in runs),
        bare_rps=statistics.mean(r["rps"] for r in bare_runs),
        bare_p99=_median(r["p99"] for r in bare_runs),
    )
    print(
        f"  {name:<28} {result.rps:>8.0f} req/s  p99 {result.p99:>7.1f} ms  "
        f"errors {result.errors}  (bare {result.bare_rps:.0f} req/s, p99 "
        f"{result.bare_p99:.1f} ms)",
        flush=True,
    )
    return result


def table(results: list[Result]) -> list[str]:
    # The admin runs use fewer connections; their bare runs are not comparable here.
    public = [r for r in results if not r.name.startswith("admin")] or results
    bare_rps = statistics.median(r.bare_rps for r in public)
    bare_p99 = statistics.median(r.bare_p99 for r in public)
    lines = [
        "| Endpoint | Requests/s | p50 (ms) | p99 (ms) | Errors | Requests/s vs. bare | p99 vs. bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| bare view `/bench/ok` (median of the paired runs) | {bare_rps:.0f} | – | "
        f"{bare_p99:.1f} | 0 | 100 % | 1.0× |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} `{r.path}` | {r.rps:.0f} | {r.p50:.1f} | {r.p99:.1f} | {r.errors} | "
            f"{100 * r.rps / r.bare_rps:.0f} % | {r.p99 / r.bare_p99:.1f}× |"
        )
    return lines


# Requests/s an endpoint must reach, as a share of the bare view's.
RATIO_TARGETS = {"start page": 0.7, "case page": 0.4}


def checks(results: list[Result]) -> list[str]:
    by_name = {r.name: r for r in results}
    lines = []
    for name, target in RATIO_TARGETS.items():
        if result := by_name.get(name):
            ratio = result.rps / result.bare_rps
            lines.append(
                f"- {name} ≥ {target * 100:.0f} % of the bare view: {ratio:.0%} {_mark(ratio >= target)}"
            )
    for r in results:
        if r.name.startswith(("start", "measure", "transparency", "search")):
            ratio = r.p99 / r.bare_p99
            lines.append(f"- {r.name}: p99 ≤ 2× bare: {ratio:.1f}× {_mark(ratio <= 2)}")
    post = by_name.get("comment POST")
    if post:
        lines.append(f"- comment POST ≥ 150/s: {post.rps:.0f}/s {_mark(post.rps >= 150)}")
    errors = sum(r.errors for r in results)
    lines.append(f"- errors: {errors} {_mark(errors == 0)}")
    return lines


def _mark(ok: bool) -> str:
    return "✅" if ok else "❌ missed"


def write_results(args, results: list[Result], notes: list[str]) -> None:
    section = f"## {args.size.capitalize()} dataset"
    body = "\n".join(
        [
            section,
            "",
            *notes,
            "",
            *table(results),
            "",
            "Targets (against the bare runs alternating with each endpoint's runs):",
            "",
            *checks(results),
            "",
        ]
    )
    text = (
        RESULTS.read_text()
        if RESULTS.exists()
        else '# Benchmark results\n\nWritten by `make bench` (bench/run.py); see README, "Benchmark".\n\n'
    )
    pattern = re.compile(rf"^{re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(body + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + body
    RESULTS.write_text(text.rstrip() + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument(
        "--rounds", type=int, default=2, help="runs per endpoint, each after a bare run"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8108")))
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument(
        "--only",
        action="append",
        choices=["start", "measure", "transparency", "search", "case", "admin", "comment"],
        help="measure only these endpoints (repeatable); does not write bench/RESULTS.md",
    )
    args = parser.parse_args()

    def wanted(name: str) -> bool:
        return not args.only or name.split()[0] in args.only

    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    env = bench_env(args)
    urls = prepare(args, env)
    load_before = os.getloadavg()
    results: list[Result] = []
    print(
        f"gunicorn: {args.workers} sync workers; wrk: {args.threads} threads, "
        f"{args.connections} connections, {args.duration} s per run"
    )
    with Server(env, port=args.port, workers=args.workers) as server:
        endpoints = [
            ("start page", "/"),
            ("measure page", urls["measure"]),
            ("transparency page", "/transparenz/"),
            ("search", "/suche/?q=digitalisierung"),
            # Never cached (private, no-store): rendered on every request.
            ("case page", urls["case"]),
        ]
        for name, path in endpoints:
            if not wanted(name):
                continue
            code = status(f"{server.base}{path}")
            if code != 200:
                print(f"  {name:<28} skipped: {path} answers {code}")
                continue
            results.append(measure(server, name, path, args))
        if wanted("start"):
            # A visitor who has seen a page before sends the CSRF cookie back: Django then
            # only masks the secret instead of drawing a new one.
            _token, returning = csrf_for(server.base)
            results.append(
                measure(
                    server,
                    "start page, returning visitor",
                    "/",
                    args,
                    header=f"Cookie: csrftoken={returning}",
                )
            )
        if wanted("admin"):
            # A handful of moderators at work at once, not 32.
            cookie = {"Cookie": f"sessionid={urls['session']}"}
            for name, path in [
                (
                    "admin, 4 connections: moderation queue",
                    "/admin/feedback/comment/?status__exact=pending",
                ),
                (
                    "admin, 4 connections: all comments",
                    "/admin/feedback/comment/?status__exact=alle",
                ),
                ("admin, 4 connections: inbox", "/admin/feedback/conversation/"),
                # The start page (feedback.attention) and the lists its counts link to.
                ("admin, 4 connections: start page", "/admin/"),
                ("admin, 4 connections: Alle Rückmeldungen", "/admin/feedback/case/"),
                (
                    "admin, 4 connections: Alle Rückmeldungen, overdue",
                    "/admin/feedback/case/?frist=ueberfaellig",
                ),
                # A word in a third of everything (walks the list) and a name with a
                # number (found through the trigram indexes): feedback.cases.selectors.
                (
                    "admin, 4 connections: Alle Rückmeldungen, search",
                    "/admin/feedback/case/?q=Glasfaser+Kita",
                ),
                (
                    "admin, 4 connections: Alle Rückmeldungen, search by name",
                    "/admin/feedback/case/?q=Nora+123",
                ),
            ]:
                if status(f"{server.base}{path}", cookie) != 200:
                    raise SystemExit(f"{path} does not answer 200 for the moderator")
                header = f"Cookie: {cookie['Cookie']}"
                # Every worker has rendered the page once before it is timed: the first
                # admin list measured otherwise paid each worker's first admin request
                # (imports, templates) and came out 3–5 times slower than in-process.
                wrk(
                    f"{server.base}{path}",
                    args=argparse.Namespace(**{**vars(args), "duration": 2}),
                    header=header,
                    connections=ADMIN_CONNECTIONS,
                )
                results.append(
                    measure(server, name, path, args, header=header, connections=ADMIN_CONNECTIONS)
                )
    if not wanted("comment POST"):
        print("\n".join(table(results)))
        return 0
    # As in production (`make run`, compose), the background worker runs beside the site.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"],
        cwd=ROOT,
        env=env,
    )
    with worker, Server(env, port=args.port, workers=args.workers) as server:
        from bench import dataset

        token, cookie = csrf_for(server.base)
        lua = str(ROOT / "bench" / "post.lua")
        answers = ROOT / "bench" / ".challenges.txt"

        def round_args() -> tuple[str, ...]:
            # Each question can be answered once: fresh ones for every run, more than
            # the site could take in its duration.
            dataset.challenges_write(answers, count=500 * args.duration)
            return (token, cookie, str(answers), str(min(args.threads, args.connections)))

        try:
            results.append(
                measure(
                    server, "comment POST", urls["post"], args, script=lua, round_args=round_args
                )
            )
        finally:
            answers.unlink(missing_ok=True)
        worker.terminate()
    load_after = os.getloadavg()
    notes = [
        f"- Run: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, "
        f"load average {load_before[0]:.1f} before and {load_after[0]:.1f} after "
        "(the load generator runs on the same machine)",
        f"- Data: the demo content with {int(urls['comments']):,} comments before the POST run"
        + f", {SIZES[args.size]['conv']:,} conversations",
        f"- gunicorn {args.workers} sync workers, `verl_digital.settings.bench` (production, "
        f"DEBUG off), PostgreSQL, cache: {'Redis' if env.get('REDIS_URL') else 'local memory'}",
        f"- wrk {args.threads} threads, {args.connections} connections; per endpoint "
        f"{args.rounds} runs of {args.duration} s, each right after a run of the bare view; "
        "requests/s are means, p50/p99 medians of the runs, ratios against the bare runs",
    ]
    if args.only:
        print("(--only: bench/RESULTS.md left as it was)")
    else:
        write_results(args, results, notes)
    print()
    print("\n".join(table(results)))
    print()
    print("\n".join(checks(results)))
    if not args.only:
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
