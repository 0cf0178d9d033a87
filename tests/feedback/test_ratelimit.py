import pytest
from django.core.cache import cache

from feedback.ratelimit import (
    Limit,
    address_fingerprint,
    client_address,
    client_fingerprint,
    limit_exceeded,
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_limit_allows_count_events_then_refuses():
    limit = Limit(scope="probe", count=3, seconds=600)
    assert [limit_exceeded(limit=limit, key="k") for _ in range(5)] == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert limit_exceeded(limit=limit, key="other") is False


def test_fingerprint_hides_the_address(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    fingerprint = client_fingerprint(request)
    assert "203.0.113.7" not in fingerprint
    assert fingerprint == client_fingerprint(rf.get("/", REMOTE_ADDR="203.0.113.7"))
    assert fingerprint != client_fingerprint(rf.get("/", REMOTE_ADDR="203.0.113.8"))


def test_forwarded_for_is_trusted_only_for_configured_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.NUM_PROXIES = 0
    assert client_address(request) == "10.0.0.1"
    settings.NUM_PROXIES = 1
    assert client_address(request) == "198.51.100.4"  # the hop our proxy appended
    settings.NUM_PROXIES = 2
    assert client_address(request) == "6.6.6.6"  # appended by a second proxy in front
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(request) == "10.0.0.1"  # from anybody else the header is ignored


def test_an_ipv4_mapped_peer_is_the_ipv4_address(rf, settings):
    request = rf.get("/", REMOTE_ADDR="::ffff:10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.NUM_PROXIES = 1
    assert client_address(request) == "198.51.100.4"


def test_address_fingerprint_ignores_case():
    assert address_fingerprint("A@Example.org ") == address_fingerprint("a@example.org")


def test_limits_switched_off_never_refuse(settings):
    settings.RATE_LIMITS_ENABLED = False  # only benchmarks do this
    limit = Limit(scope="probe", count=1, seconds=600)
    assert [limit_exceeded(limit=limit, key="k") for _ in range(3)] == [False, False, False]
