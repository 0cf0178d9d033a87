"""Finding 1: anyone could flood the cache and wipe the abuse protections.

Every distinct search was stored as a page in the one Redis that also held the login lockout,
the report markers and the rate limits; with `allkeys-lru`, 1,900 searches evicted them.
Now security state lives in the cache `default` on a Redis that never evicts, pages in the
cache `pages` on a Redis of their own (settings, "Caches"). Here both are real Redis servers,
the page cache a small LRU one, flooded until it evicts.
"""

import os
from collections.abc import Iterator

import pytest
import redis
from allauth.account.models import EmailAddress
from django.core.cache import caches
from django.test import Client

from feedback.ratelimit import Limit, limit_exceeded
from tests.feedback.factories import PASSWORD, UserFactory
from tests.servers import redis_server
from verl_digital.caching import versions
from verl_digital.checks import pages_apart_from_state, state_cache_never_evicts

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = Limit(scope="flood-test", count=3, seconds=600)


@pytest.fixture
def state_url() -> Iterator[str]:
    with redis_server("--maxmemory-policy", "noeviction") as url:
        yield url


@pytest.fixture
def pages_url() -> Iterator[str]:
    with redis_server("--maxmemory", "8mb", "--maxmemory-policy", "allkeys-lru") as url:
        yield url


def _redis_cache(url: str, **options) -> dict:
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "verl",
        "OPTIONS": options,
    }


@pytest.fixture
def stores(settings, state_url, pages_url) -> Iterator[tuple[str, str]]:
    """The production layout: state on `state_url`, pages on the small LRU `pages_url`."""
    pages = _redis_cache(pages_url, IGNORE_EXCEPTIONS=True)
    settings.CACHES = {
        "default": _redis_cache(state_url),
        "pages": pages,
        "template_fragments": pages,
    }
    versions.mirror_reset()
    yield state_url, pages_url
    versions.mirror_reset()


def _flood(pages_url: str) -> int:
    """Distinct searches through the site, then 40 MB of pages into an 8 MB store."""
    browser = Client()
    for number in range(50):
        assert browser.get("/suche/", {"q": f"Digitalisierung {number}"}).status_code == 200
    blob = os.urandom(10_000)
    pages = caches["pages"]
    for number in range(4_000):
        pages.set(f"page:flood:{number}", blob, timeout=3600)
    return redis.Redis.from_url(pages_url).info("stats")["evicted_keys"]


def _citizen(email: str) -> None:
    """A citizen with a verified address, who signs in with the password alone."""
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    assert _password_works(email)


def _lock_out(email: str) -> None:
    for attempt in range(5):
        Client().post("/konto/login/", {"login": email, "password": f"falsch-{attempt}"})


def _password_works(email: str) -> bool:
    browser = Client()
    browser.post("/konto/login/", {"login": email, "password": PASSWORD})
    return "_auth_user_id" in browser.session


def test_a_lockout_and_a_rate_limit_hold_while_the_page_cache_is_flooded(stores, verl_content):
    state_url, pages_url = stores
    email = "buergerin@example.org"
    _citizen(email)
    _lock_out(email)
    for _ in range(LIMIT.count):
        assert not limit_exceeded(limit=LIMIT, key="one-client")

    assert _flood(pages_url) > 1_000  # the page cache did evict, a lot

    assert not _password_works(email)  # still locked out
    assert limit_exceeded(limit=LIMIT, key="one-client")  # still counted
    assert redis.Redis.from_url(state_url).info("stats")["evicted_keys"] == 0


def test_the_same_flood_wipes_them_where_pages_and_state_share_an_lru_store(
    settings, pages_url, verl_content
):
    """The layout before the fix, to show the flood above is strong enough to matter."""
    shared = _redis_cache(pages_url)
    settings.CACHES = {"default": shared, "pages": shared, "template_fragments": shared}
    versions.mirror_reset()
    try:
        email = "buerger@example.org"
        _citizen(email)
        _lock_out(email)
        for _ in range(LIMIT.count):
            limit_exceeded(limit=LIMIT, key="one-client")
        _flood(pages_url)
        assert _password_works(email)
        assert not limit_exceeded(limit=LIMIT, key="one-client")
    finally:
        versions.mirror_reset()


def test_production_refuses_a_state_store_that_evicts(settings, pages_url, state_url):
    settings.CACHES = {
        "default": _redis_cache(pages_url),
        "pages": _redis_cache(state_url),
    }
    assert [error.id for error in state_cache_never_evicts()] == ["verl_digital.E005"]
    settings.CACHES = {"default": _redis_cache(state_url), "pages": _redis_cache(pages_url)}
    assert state_cache_never_evicts() == []


def test_production_refuses_pages_on_the_state_store(settings, state_url, pages_url):
    settings.CACHES = {"default": _redis_cache(state_url), "pages": _redis_cache(state_url)}
    assert [error.id for error in pages_apart_from_state()] == ["verl_digital.E006"]
    settings.CACHES = {"default": _redis_cache(state_url), "pages": _redis_cache(pages_url)}
    assert pages_apart_from_state() == []
