"""CSRF tokens drawn at once: Django's format, checked by Django's unchanged middleware."""

from collections import Counter

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from verl_digital.caching import csrf

rf = RequestFactory()


def _middleware() -> CsrfViewMiddleware:
    return CsrfViewMiddleware(lambda request: HttpResponse())


def _visit(cookie: str | None = None) -> tuple[str, str]:
    """A GET through Django's CSRF middleware that asks for a token: (token, cookie sent)."""
    request = rf.get("/")
    if cookie is not None:
        request.COOKIES[settings.CSRF_COOKIE_NAME] = cookie
    middleware = _middleware()
    middleware.process_request(request)
    token = csrf.get_token(request)
    response = middleware.process_response(request, HttpResponse())
    return token, response.cookies[settings.CSRF_COOKIE_NAME].value


def _post_is_accepted(*, cookie: str, token: str) -> bool:
    request = rf.post("/", {"csrfmiddlewaretoken": token})
    request.COOKIES[settings.CSRF_COOKIE_NAME] = cookie
    middleware = _middleware()
    middleware.process_request(request)
    return middleware.process_view(request, lambda r: HttpResponse(), (), {}) is None


def test_a_new_visitor_gets_a_cookie_and_a_token_that_django_accepts():
    token, cookie = _visit()
    assert len(token) == 64
    assert len(cookie) == 32
    assert set(token + cookie) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == cookie
    assert _post_is_accepted(cookie=cookie, token=token)


def test_a_returning_visitor_keeps_the_secret_under_a_new_mask():
    first, cookie = _visit()
    second, renewed = _visit(cookie)
    assert renewed == cookie  # the cookie is sent again (its expiry renewed), unchanged
    assert second != first
    assert _post_is_accepted(cookie=cookie, token=second)
    assert _post_is_accepted(cookie=cookie, token=first)


@pytest.mark.django_db  # the refusal page names the town (its profile)
def test_a_token_from_another_visitor_is_refused():
    mine, my_cookie = _visit()
    theirs, _ = _visit()
    assert not _post_is_accepted(cookie=my_cookie, token=theirs)
    tampered = mine[:-1] + ("a" if mine[-1] != "a" else "b")
    assert not _post_is_accepted(cookie=my_cookie, token=tampered)


def test_secrets_differ_and_characters_are_drawn_evenly():
    assert len({csrf.random_chars(32) for _ in range(1000)}) == 1000
    counts = Counter(csrf.random_chars(62_000))
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    # 1,000 expected each. Bytes taken modulo 62 without dropping the top eight values would
    # give the first eight characters about 1,210 each (chi-squared ≈ 400). Chi-squared with
    # 61 degrees of freedom exceeds 120 about once in 100,000 runs.
    chi_squared = sum((count - 1000) ** 2 / 1000 for count in counts.values())
    assert chi_squared < 120


@pytest.mark.parametrize("length", [0, 1, 31, 32, 64, 1000])
def test_random_chars_has_the_length_asked_for(length):
    assert len(csrf.random_chars(length)) == length
