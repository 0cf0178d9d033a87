"""Finding 11, second half: every anonymous view of a page with a form stored a captcha
question (10,000 views left 10,350 rows), so a flood of page views filled the table. A key
now carries its question signed; only an answer writes a row (`feedback.captcha`)."""

import time

import pytest
from captcha.models import CaptchaStore
from django.test import Client, RequestFactory

from feedback.captcha import challenge_new, key_fill, question_fill
from feedback.models import Comment
from strategy.models import Page
from tests.feedback.test_views import form_url, guest_data
from tests.verl_digital.caching.test_pagecache import captcha_key, captcha_question, solve

pytestmark = pytest.mark.django_db

VIEWS = 10_000
# Real requests through the page cache; the rest are the fills a cache hit makes.
CLIENT_VIEWS = 2_000


@pytest.fixture
def cdo_page(verl_content) -> Page:
    return Page.objects.get(slug=Page.HOME)


def test_ten_thousand_anonymous_page_views_write_no_captcha_row(cdo_page):
    client = Client()
    client.get("/")  # the copy for everybody
    before = CaptchaStore.objects.count()
    keys = set()
    for _ in range(CLIENT_VIEWS):
        client.cookies.clear()  # each view a new visitor's
        keys.add(captcha_key(client.get("/").content.decode()))
    factory = RequestFactory()
    for _ in range(VIEWS - CLIENT_VIEWS):
        request = factory.get("/")
        keys.add(key_fill(request))
        question_fill(request)
    assert len(keys) == VIEWS  # every visitor a question of their own
    assert CaptchaStore.objects.count() - before == 0


def post(client: Client, page: Page, html: str, **overrides) -> int:
    """Send the page's comment form, answering its captcha from the question's words."""
    data = guest_data(captcha_0=captcha_key(html), captcha_1=solve(captcha_question(html)))
    return client.post(form_url(page), {**data, **overrides}).status_code


def test_a_key_from_a_page_answers_once_and_its_replay_fails(client, cdo_page):
    html = client.get("/").content.decode()
    assert post(client, cdo_page, html) == 302
    assert post(client, cdo_page, html, text="Noch einmal, mit demselben Schlüssel.") == 400
    assert Comment.objects.count() == 1
    assert CaptchaStore.objects.count() == 1  # the answered key, until it expires


def test_another_visitors_key_works_once_for_whoever_answers_first(cdo_page):
    html = Client().get("/").content.decode()
    first, second = Client(), Client(REMOTE_ADDR="198.51.100.9")
    assert post(first, cdo_page, html) == 302
    assert post(second, cdo_page, html, text="Der Schlüssel eines anderen.") == 400


def test_a_forged_or_tampered_key_fails_and_writes_nothing(client, cdo_page):
    html = client.get("/").content.decode()
    nonce, expires, mac = captcha_key(html).split("_")
    forged = [
        f"{nonce}_{int(expires) + 86_400}_{mac}",  # a longer life
        f"{nonce[::-1]}_{expires}_{mac}",  # another question
        f"{nonce}_{expires}_{'0' * 32}",
        "0" * 40,  # a key of the former kind
    ]
    for key in forged:
        assert post(client, cdo_page, html, captcha_0=key) == 400
    assert not CaptchaStore.objects.exists()
    assert not Comment.objects.exists()


def test_an_expired_key_fails(client, cdo_page, monkeypatch):
    html = client.get("/").content.decode()
    expires = int(captcha_key(html).split("_")[1])
    monkeypatch.setattr(time, "time", lambda: expires + 1)
    assert post(client, cdo_page, html) == 400
    assert not Comment.objects.exists()


def test_posts_over_the_rate_limit_write_no_captcha_row(client, cdo_page, settings):
    settings.COMMENT_RATE_LIMIT = (2, 600)
    statuses = []
    for number in range(20):
        challenge = challenge_new()
        data = guest_data(
            text=f"Nummer {number}", captcha_0=challenge.key, captcha_1=challenge.answer
        )
        statuses.append(client.post(form_url(cdo_page), data).status_code)
    assert statuses == [302] * 2 + [429] * 18
    assert CaptchaStore.objects.count() == 2
