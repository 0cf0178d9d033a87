"""Past one machine: two gunicorn instances on one PostgreSQL and one Redis.

A comment sent through one instance and approved through the other is on the page of both
at once (their page caches are the shared Redis), and the per-client rate limit counts the
comments sent through both.
"""

import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from feedback.captcha import challenge_read
from feedback.models import Comment, CommentStatus
from strategy.models import Page
from tests.feedback.factories import sign_in
from tests.feedback.test_commands_inbox import _database_url
from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class Browser:
    """A browser's cookies: shared by both instances, which sit on the same host."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.read().decode()

    def form_token(self, url: str) -> str:
        _status, html = self.request(url)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def form_fields(self, url: str) -> dict[str, str]:
        """The CSRF token and the page's captcha, answered from its key."""
        _status, html = self.request(url)
        key = re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)
        return {
            "csrfmiddlewaretoken": re.search(
                r'name="csrfmiddlewaretoken" value="([^"]+)"', html
            ).group(1),
            "captcha_0": key,
            "captcha_1": challenge_read(key).answer,
        }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def instances(transactional_db, redis_url) -> Iterator[list[str]]:
    """Two gunicorn instances (production settings, plain HTTP) on the test database."""
    redis.Redis.from_url(redis_url).flushdb()  # no counters or pages of an earlier test
    call_command("load_verl_content", verbosity=0)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.verl_digital.scale_out_settings",
        "DATABASE_URL": _database_url(),
        "BENCH_DATABASE_NAME": connection.settings_dict["NAME"],
        "SECRET_KEY": settings.SECRET_KEY,  # the test's sessions must be valid there
        "REDIS_URL": redis_url,
        "COMMENT_RATE_LIMIT": "5/600",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "CONN_MAX_AGE": "0",
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "verl_digital.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process, "gunicorn")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_a_comment_approved_through_one_instance_shows_on_both_at_once(instances, superuser):
    one, two = instances
    home = Page.objects.get(slug=Page.HOME)
    content_type = ContentType.objects.get_for_model(Page)
    form = reverse("feedback:comment_create", args=[content_type.pk, home.pk])
    citizen = Browser()
    for base in instances:  # both have the page in their cache now
        status, html = citizen.request(f"{base}/")
        assert status == 200
        assert "Zwei Instanzen, ein Kommentar" not in html

    status, _html = citizen.request(
        f"{one}{form}",
        {
            **citizen.form_fields(f"{one}/"),
            "author_name": "Anna",
            "text": "Zwei Instanzen, ein Kommentar.",
            "privacy_consent": "on",
        },
    )
    assert status == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING

    moderator = Browser()
    signed_in = sign_in(Client(), superuser)
    moderator.cookies["sessionid"] = signed_in.cookies["sessionid"].value
    queue = f"{two}{reverse('admin:feedback_comment_changelist')}"
    status, _html = moderator.request(
        queue,
        {
            "csrfmiddlewaretoken": moderator.form_token(queue),
            "action": "approve",
            "_selected_action": [comment.pk],
            "index": "0",
        },
    )
    assert status == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    for base in instances:
        status, html = citizen.request(f"{base}/")
        assert "Zwei Instanzen, ein Kommentar." in html, base
        assert "1 Kommentar" in html, base


def test_the_rate_limit_counts_across_both_instances(instances):
    home = Page.objects.get(slug=Page.HOME)
    content_type = ContentType.objects.get_for_model(Page)
    form = reverse("feedback:comment_create", args=[content_type.pk, home.pk])
    citizen = Browser()
    statuses = []
    for number in range(6):  # the limit is 5 in 10 minutes; send alternately through both
        base = instances[number % 2]
        status, _html = citizen.request(
            f"{base}{form}",
            {
                **citizen.form_fields(f"{base}/"),
                "author_name": "Ben",
                "text": f"Kommentar Nummer {number}.",
                "privacy_consent": "on",
            },
        )
        statuses.append(status)
    assert statuses == [302, 302, 302, 302, 302, 429]
    assert Comment.objects.count() == 5
