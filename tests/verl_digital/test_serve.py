"""`make run` (manage.py serve): gunicorn and the task worker under the production settings
on 127.0.0.1, and what it must survive: made-up URLs, many citizens at once."""

import multiprocessing
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from feedback.models import Comment
from strategy.models import Page
from tests.feedback.factories import PASSWORD, UserFactory
from tests.feedback.test_commands_inbox import _database_url
from tests.servers import free_port, server_env, wait_for_port
from tests.verl_digital.test_scale_out import Browser
from verl_digital.settings.local import _kept_secret_key

ROOT = Path(__file__).resolve().parent.parent.parent
WORKERS = 2


@pytest.fixture
def served(transactional_db, tmp_path) -> Iterator[str]:
    """The launcher of `make run` on the test database, with the load test's settings:
    `make run`'s, minus the captcha and the per-client limits that twenty clients from one
    address would meet."""
    port = free_port()
    env = server_env(
        DJANGO_SETTINGS_MODULE="verl_digital.settings.loadtest",
        DATABASE_URL=_database_url(),
        LOADTEST_DATABASE=connection.settings_dict["NAME"],
        SECRET_KEY=settings.SECRET_KEY,
        PORT=str(port),
        WEB_CONCURRENCY=str(WORKERS),
        STATIC_ROOT=str(tmp_path / "static"),
        CONN_MAX_AGE="600",
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, server, "manage.py serve", seconds=120)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
        assert server.returncode == 0, output
    # What the server logged: requests, never a client address.
    assert "127.0.0.1 -" not in output


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serves_the_site_with_debug_off_and_german_error_pages(served):
    status, html = get(f"{served}/")
    assert status == 200
    assert "Digitalisierungsbeauftragte" in html
    status, html = get(f"{served}/gibt-es-nicht/")
    assert status == 404
    assert "Seite nicht gefunden" in html
    # Not Django's debug page, which lists every URL pattern of the site.
    assert "URLconf" not in html
    assert "Using the URLconf" not in html
    assert get(f"{served}/healthz")[0] == 200


def test_twenty_citizens_at_once_get_no_server_error_and_nothing_is_lost(served):
    home = Page.objects.get(slug=Page.HOME)
    url = f"{served}/kommentare/neu/{ContentType.objects.get_for_model(Page).pk}/{home.pk}/"
    statuses: list[int] = []
    lock = threading.Lock()

    def citizen(number: int) -> None:
        browser = Browser()
        for attempt in range(3):
            token = browser.form_token(url)
            status, _html = browser.request(
                url,
                {
                    "csrfmiddlewaretoken": token,
                    "author_name": f"Bürger {number}",
                    "text": f"Gleichzeitig {number}-{attempt}: mehr digitale Angebote bitte.",
                    "privacy_consent": "on",
                    "homepage": "",
                },
            )
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(20)]
    busiest = 0
    with connection.cursor() as cursor:
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                [connection.settings_dict["NAME"]],
            )
            busiest = max(busiest, cursor.fetchone()[0])
            time.sleep(0.05)
    assert Counter(statuses) == {302: 60}
    stored = Counter(
        re.match(r"Gleichzeitig (\S+):", text).group(1)
        for text in Comment.objects.values_list("text", flat=True)
    )
    assert len(stored) == 60
    assert set(stored.values()) == {1}
    # One connection per gunicorn worker and one for the task worker, however many clients
    # (a server that opened one per client thread would show about twenty); one more is
    # allowed for a backend that is still closing when its process was replaced.
    assert busiest <= WORKERS + 2


def test_staff_sign_in_over_plain_http_and_are_asked_for_a_second_factor(served):
    """The session and CSRF cookies come back over http://127.0.0.1 (no `Secure`, no
    `__Host-`), and production's rule holds: no admin without a second factor."""
    # Hashed as production hashes (the suite's own settings use a fast hasher).
    staff = UserFactory(is_staff=True, email="moderation@example.org")
    staff.password = PBKDF2PasswordHasher().encode(PASSWORD, "fixedsalt1234567")
    staff.save(update_fields=["password"])
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    browser = Browser()
    status, _html = browser.request(
        f"{served}/konto/login/",
        {
            "csrfmiddlewaretoken": browser.form_token(f"{served}/konto/login/"),
            "login": staff.email,
            "password": PASSWORD,
        },
    )
    assert status == 302
    assert "sessionid" in browser.cookies
    status, _html = browser.request(f"{served}/admin/")
    assert status == 302


def test_the_secret_key_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "data" / "secret_key"
    key = _kept_secret_key(path)
    assert len(key) >= 50
    assert _kept_secret_key(path) == key
    assert path.stat().st_mode & 0o777 == 0o600


def test_processes_starting_at_once_share_one_whole_key(tmp_path):
    path = tmp_path / "data" / "secret_key"
    with ProcessPoolExecutor(6, mp_context=multiprocessing.get_context("fork")) as pool:
        keys = set(pool.map(_kept_secret_key, [path] * 12))
    assert len(keys) == 1
    assert len(keys.pop()) >= 50
