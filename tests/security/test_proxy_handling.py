"""Finding 12: proxy handling, from reading the code.

With the default NUM_PROXIES=0 behind a proxy every visitor shared the proxy's rate limits,
silently; with NUM_PROXIES set and gunicorn reachable directly (it binds 0.0.0.0), a client
could forge X-Forwarded-For and get a fresh rate limit with every request. Now the header is
believed only from a peer in TRUSTED_PROXIES, the first mistake is logged (once, without an
address) and warned about at start, a setting that would let anybody forge it stops gunicorn,
and the compose stack counts its one proxy (the load balancer rewrites the header).
"""

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

from feedback import ratelimit
from tests.servers import free_port, server_env

ROOT = Path(__file__).resolve().parent.parent.parent
# Documentation addresses (RFC 5737): visitors and a proxy at a public address.
VISITOR, OTHER_VISITOR, PUBLIC_PROXY = "203.0.113.7", "203.0.113.8", "198.51.100.23"
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:verl_digital.gunicorn_conf"]
ADDRESS = re.compile(r"\d+\.\d+\.\d+\.\d+")


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch, settings):
    """As in a newly started worker: no warning logged yet, no rate limit counted."""
    monkeypatch.setattr(ratelimit, "_warned", set(), raising=False)
    settings.COMMENT_RATE_LIMIT = (2, 600)
    cache.clear()


def comment_url(page) -> str:
    kwargs = {"content_type_id": ContentType.objects.get_for_model(page).pk, "object_id": page.pk}
    return reverse("feedback:comment_create", kwargs=kwargs)


def post_comment(url: str, *, peer: str, forwarded: str | None = None) -> int:
    """An (empty) comment from a connection with `peer` as its address: it counts against
    the client's limit before the form is even looked at."""
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return Client(REMOTE_ADDR=peer, **headers).post(url, {}).status_code


def proxy_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "feedback.ratelimit"]


# --- Mistake 1: NUM_PROXIES=0 behind a proxy ------------------------------------------------


def test_behind_a_proxy_with_num_proxies_0_the_mistake_is_logged_once_without_an_address(
    page, settings, caplog
):
    settings.NUM_PROXIES = 0  # the default; the proxy (nginx on this machine) is trusted
    url = comment_url(page)
    with caplog.at_level(logging.WARNING, logger="feedback.ratelimit"):
        statuses = [
            post_comment(url, peer="127.0.0.1", forwarded=visitor)
            for visitor in (VISITOR, OTHER_VISITOR, "192.0.2.9")
        ]
    assert statuses == [400, 400, 429]  # three visitors, one limit: the mistake itself
    [warning] = proxy_warnings(caplog)  # not silent, and said once
    assert "NUM_PROXIES is 0" in warning
    assert "shares one rate limit" in warning
    assert not ADDRESS.search(warning)  # README: no IP address in any log


def test_production_behind_tls_with_num_proxies_0_is_warned_about_at_start(settings):
    settings.SECURE_SSL_REDIRECT = True  # production: TLS ends at a proxy in front
    settings.NUM_PROXIES = 0
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "verl_digital.W001" in ids
    settings.NUM_PROXIES = 1
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "verl_digital.W001" not in ids


def test_behind_the_proxy_each_visitor_has_a_limit_of_their_own(page, settings):
    settings.NUM_PROXIES = 1
    url = comment_url(page)
    assert [post_comment(url, peer="127.0.0.1", forwarded=VISITOR) for _ in range(3)] == [
        400,
        400,
        429,
    ]
    assert post_comment(url, peer="127.0.0.1", forwarded=OTHER_VISITOR) == 400  # not 429


# --- Mistake 2: NUM_PROXIES>0 and gunicorn reachable directly --------------------------------


def test_a_client_reaching_gunicorn_directly_gets_no_fresh_limit_by_forging_the_header(
    page, settings, caplog
):
    settings.NUM_PROXIES = 1  # the proxy is on this machine (default TRUSTED_PROXIES)
    url = comment_url(page)
    with caplog.at_level(logging.WARNING, logger="feedback.ratelimit"):
        statuses = [post_comment(url, peer=VISITOR, forwarded=f"192.0.2.{n}") for n in range(1, 4)]
    assert statuses == [400, 400, 429]
    [warning] = proxy_warnings(caplog)
    assert "outside TRUSTED_PROXIES was ignored" in warning
    assert not ADDRESS.search(warning)


def test_forged_hops_left_of_the_proxys_give_no_fresh_limit(page, settings):
    settings.NUM_PROXIES = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    url = comment_url(page)
    statuses = [
        post_comment(url, peer="10.1.2.3", forwarded=f"192.0.2.{n}, {VISITOR}") for n in (1, 2, 3)
    ]
    assert statuses == [400, 400, 429]


def test_every_address_trusted_while_listening_beyond_this_machine_is_refused(settings):
    settings.NUM_PROXIES = 1
    settings.TRUSTED_PROXIES = ["0.0.0.0/0"]
    settings.BIND_ADDRESS = "0.0.0.0"  # noqa: S104
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "verl_digital.E004" in ids
    settings.BIND_ADDRESS = "127.0.0.1"  # only the proxy on this machine reaches gunicorn
    ids = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "verl_digital.E004" not in ids


@pytest.mark.parametrize(
    ("trusted", "error"),
    [("", "verl_digital.E003"), ("*", "verl_digital.E002"), ("proxy.example", "verl_digital.E002")],
)
def test_num_proxies_without_a_usable_trusted_proxy_is_refused(settings, trusted, error):
    settings.NUM_PROXIES = 1
    settings.TRUSTED_PROXIES = [entry for entry in trusted.split(",") if entry]
    assert error in [message.id for message in run_checks(include_deployment_checks=True)]


def test_gunicorn_refuses_to_start_when_anybody_could_forge_the_header():
    env = server_env(
        DJANGO_SETTINGS_MODULE="verl_digital.settings.prod",
        SECRET_KEY="p7#k2@x!m9qv$w3z8r&t5y^u1i*o0p(a)s-d_f+g=h[j]k{l}zx.cv,bn/mq",
        ALLOWED_HOSTS="digital.verl.de",
        CONTENT_PACK="verl",
        NUM_PROXIES="1",
        TRUSTED_PROXIES="0.0.0.0/0,::/0",
        BIND_ADDRESS="0.0.0.0",  # noqa: S104
        PORT=str(free_port()),
    )
    env.pop("DEBUG", None)
    result = subprocess.run(  # noqa: S603
        [*GUNICORN, "verl_digital.wsgi:application"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "verl_digital.E004" in result.stderr
    assert "Booting worker" not in result.stderr


# --- The compose stack ----------------------------------------------------------------------


def compose_services() -> dict[str, str]:
    """compose.yaml's services, each with the text of its block."""
    text = (ROOT / "compose.yaml").read_text()
    body = text.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    blocks = re.split(r"^  (?=[\w-]+:)", body, flags=re.M)
    return {block.split(":", 1)[0]: block for block in blocks if block.strip()}


def test_the_compose_stack_counts_its_one_proxy_and_publishes_only_the_load_balancer():
    services = compose_services()
    web_env = services["migrate"]  # the anchor every app service's environment refers to
    assert re.search(r"^\s+NUM_PROXIES: 1$", web_env, re.M)
    trusted = re.search(r"^\s+TRUSTED_PROXIES: (\S+)$", web_env, re.M).group(1).split(",")
    assert "0.0.0.0/0" not in trusted
    assert [name for name, block in services.items() if re.search(r"^\s+ports:", block, re.M)] == [
        "lb"
    ]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    # The load balancer passes on one address, the visitor's, not the chain it was sent.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "$proxy_add_x_forwarded_for" not in nginx
    assert "real_ip_header X-Forwarded-For;" in nginx
