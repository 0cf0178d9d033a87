"""Captcha rows written per 10,000 page views, and what one visitor's captcha costs.

Security issue 15, finding 11: a flood of anonymous page views must not grow the captcha's
table (`feedback.captcha`). This serves the start page (a comment form, so a captcha) to
new visitors through the page cache, in this process with Django's test client, and counts
the rows CaptchaStore gained; then it times the two page-cache fillers of the captcha (key
and question) alone, on requests that each need a challenge of their own.

    .venv/bin/python bench/captcha_rows.py                 # 10,000 views
    .venv/bin/python bench/captcha_rows.py --views 50000

On a database of its own (`verl_bench_captcha`, created afresh, `verl_digital.settings.bench`
on the embedded server or DATABASE_URL's). Prints the numbers; bench/RESULTS.md records
them by hand. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "verl_bench_captcha"


def prepare() -> None:
    """A fresh database with the Verl content, and the static files the pages name."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "verl_digital.settings.bench"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ["BENCH_DATABASE_NAME"] = DATABASE
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_verl_content", verbosity=0)


def views_rows(views: int) -> tuple[int, float]:
    """Rows CaptchaStore gained over `views` anonymous views of the start page; µs per view."""
    from captcha.models import CaptchaStore
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    client = Client(SERVER_NAME="127.0.0.1")
    client.get("/")  # the copy for everybody
    before = CaptchaStore.objects.count()
    started = time.perf_counter()
    for _ in range(views):
        client.cookies.clear()  # each view a new visitor's
        response = client.get("/")
        if response.status_code != 200 or b'name="captcha_0"' not in response.content:
            raise SystemExit(f"the start page answered {response.status_code} without a captcha")
    elapsed = time.perf_counter() - started
    return CaptchaStore.objects.count() - before, elapsed / views * 1e6


def fill_time(fills: int) -> float:
    """µs for the key and the question of one visitor, as a page-cache hit fills them."""
    from django.test import RequestFactory
    from django.utils import translation

    from feedback import captcha

    requests = [RequestFactory().get("/") for _ in range(fills)]
    with translation.override("de"):
        started = time.perf_counter()
        for request in requests:
            captcha.key_fill(request)
            captcha.question_fill(request)
        elapsed = time.perf_counter() - started
    return elapsed / fills * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--views", type=int, default=10_000)
    parser.add_argument("--fills", type=int, default=100_000)
    args = parser.parse_args()
    prepare()
    rows, view_us = views_rows(args.views)
    fill_us = fill_time(args.fills)
    print(f"page views: {args.views:,} of the start page, each by a new visitor")
    print(f"captcha rows written: {rows:,} ({rows / args.views * 10_000:,.0f} per 10,000 views)")
    print(f"µs per view (test client, page-cache hit): {view_us:.0f}")
    print(f"µs per fill (key and question of one visitor): {fill_us:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
