from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.utils import translation
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from tests.servers import free_port, redis_server


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    """Every test starts in German, as a request to the site's root would.

    A request to /en/… leaves English active in its thread after the response, so without
    this a `reverse()` in one test would depend on which test ran before it.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with empty caches: cached pages must not outlive the test's data;
    rate limits (ours and allauth's), duplicate checks, used TOTP codes and digest markers
    live there too."""
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _town(request: pytest.FixtureRequest, _empty_cache: None) -> None:
    """Every test with a database runs as Verl: its town profile (tests/strategy/factories.py),
    read once into this process's copy as a running site has it (query counts stay those of
    the pages themselves; a test that empties the cache reads it again)."""
    from strategy.town import town_profile, town_profile_forget

    town_profile_forget()
    if not (
        request.node.get_closest_marker("django_db")
        or DATABASE_FIXTURES & set(request.fixturenames)
    ):
        return
    from tests.strategy.factories import TownProfileFactory

    request.getfixturevalue("_django_db_helper")
    TownProfileFactory()
    town_profile()


@pytest.fixture
def verl_content(db: None) -> None:
    call_command("load_verl_content", verbosity=0)


@pytest.fixture
def verl_demo_content(db: None) -> None:
    call_command("load_verl_content", "--demo", verbosity=0)


@pytest.fixture
def superuser(db: None):
    from tests.feedback.factories import staff_ready

    user = get_user_model().objects.create_superuser(
        username="admin", email="admin@verl.example", password="pw-for-tests-only"
    )
    staff_ready(user)  # a second factor, as the admin requires (STAFF_REQUIRE_MFA)
    return user


@pytest.fixture
def admin_client(superuser):
    """A second browser, signed in as a superuser with the second factor, beside the
    anonymous `client`."""
    from tests.feedback.factories import signed_in

    return signed_in(superuser)


@dataclass
class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free local port, keeping what it receives."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)


class _Collector:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.server.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    """Start aiosmtpd and point Django's SMTP backend at it."""
    server = SmtpServer(host="127.0.0.1", port=free_port())
    controller = Controller(_Collector(server), hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def run_tasks(db: None, monkeypatch) -> Callable[[], int]:
    """Run the background worker until the queue is empty, as `db_worker --batch` would.

    The worker drops connections whose autocommit differs from the settings, which inside a
    test transaction would be the test's own connection; Django's test client disconnects
    the same check from its request signals for the same reason.
    """
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        before = DBTaskResult.objects.finished().count()
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--queue-name",
            "*",
            verbosity=0,
        )
        return DBTaskResult.objects.finished().count() - before

    return run


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A private Redis for the session."""
    with redis_server() as url:
        yield url
