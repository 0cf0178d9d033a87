"""Per-client rate limits shared by all workers through the cache, without storing IP addresses.

A client is known only by a keyed hash of its address whose key changes every day, so the
cache never holds an address and yesterday's hashes cannot be linked to today's. This is
the only use of the client's address (django-allauth gets the same hash, see
`verl_digital.accounts.adapters`). Limits on mail sent to one e-mail address key on
`mailbox_fingerprint` instead. Counters are fixed windows (`limit_exceeded`); the budget
of unrequested mail per mailbox is kept in PostgreSQL instead
(`feedback.subscriptions.services.confirmation_mail_limit_exceeded`).

RATE_LIMITS_ENABLED (code only; off in the load test's and the benchmark's settings) switches
off every limit counted here: the per-client limits of the forms and the per-address limit
on confirmation mails alike. django-allauth's sign-in limits are its own and stay on.

Behind reverse proxies the client's address comes from X-Forwarded-For (`client_address`),
read only from a peer in TRUSTED_PROXIES. The two ways to get this wrong are not silent:
a proxy sending the header while NUM_PROXIES is 0 (every visitor would share the proxy's
limits) and the header arriving from a peer outside TRUSTED_PROXIES while NUM_PROXIES is
set (the header is ignored; if that peer is the proxy, the same) are logged once per process,
without any address. What can be known before the first request `verl_digital.checks` checks.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)
# The warnings already logged by this process (keys of PROXY_WARNINGS).
_warned: set[str] = set()
PROXY_WARNINGS = {
    "not counted": (
        "A trusted proxy (TRUSTED_PROXIES) sent X-Forwarded-For, but NUM_PROXIES is 0: every "
        "visitor behind it shares one rate limit. Set NUM_PROXIES to the number of proxies "
        'that append to X-Forwarded-For (README, "Behind a proxy").'
    ),
    "untrusted peer": (
        "X-Forwarded-For from a peer outside TRUSTED_PROXIES was ignored. If that peer is your "
        "proxy, every visitor behind it shares one rate limit: add the proxy's address to "
        'TRUSTED_PROXIES (README, "Behind a proxy"). Otherwise a client tried to forge it.'
    ),
    "too few hops": (
        "X-Forwarded-For from a trusted proxy names fewer addresses than NUM_PROXIES: every "
        "visitor behind it shares one rate limit. Lower NUM_PROXIES to the number of proxies "
        'that append to X-Forwarded-For (README, "Behind a proxy").'
    ),
}


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds` for one key within one scope."""

    scope: str
    count: int
    seconds: int


def _warn_once(problem: str) -> None:
    if problem not in _warned:
        _warned.add(problem)
        logger.warning(PROXY_WARNINGS[problem])


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks; an entry that is neither an address nor a network trusts
    nothing (the deployment checks refuse it: `verl_digital.checks`)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def is_trusted_proxy(address: str) -> bool:
    """Whether `address` (a connection's peer) is in TRUSTED_PROXIES."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 from a dual-stack socket is 10.0.0.1
    return any(ip in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The client's address as seen by the outermost of `NUM_PROXIES` trusted proxies.

    X-Forwarded-For counts only when the connection comes from a peer in TRUSTED_PROXIES,
    and then only the hops our own proxies appended: anything further left is written by the
    client, and a client connecting directly writes all of it; either could be forged to
    dodge the limit. Misconfigurations are logged once per process (module docstring).
    """
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        return peer
    proxies = settings.NUM_PROXIES
    if not is_trusted_proxy(peer):
        if proxies:
            _warn_once("untrusted peer")
        return peer
    if not proxies:
        _warn_once("not counted")
        return peer
    hops = [hop.strip() for hop in forwarded.split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        _warn_once("too few hops")
        return peer
    return hops[-proxies]


def client_fingerprint(request: HttpRequest, *, day: date | None = None) -> str:
    """A keyed hash of the client's address; the key changes every day."""
    address = client_address(request)
    day = day or timezone.now().date()
    key = hmac.new(
        settings.SECRET_KEY.encode(), f"ratelimit:{day.isoformat()}".encode(), hashlib.sha256
    )
    return hmac.new(key.digest(), address.encode(), hashlib.sha256).hexdigest()[:32]


def recent_client_fingerprints(request: HttpRequest) -> tuple[str, str]:
    """Today's and yesterday's fingerprint: checks spanning 24 hours must see both."""
    today = timezone.now().date()
    return (
        client_fingerprint(request, day=today),
        client_fingerprint(request, day=today - timedelta(days=1)),
    )


def address_fingerprint(email: str) -> str:
    """Stable keyed hash of an e-mail address, for limits on mail sent to it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), email.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


# Providers that deliver "j.doe@" and "jdoe@" to the same mailbox, and their other names.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox(email: str) -> str:
    """The mailbox an address delivers to: case and sub-address ("name+tag@") folded, and
    dots left out where the provider ignores them."""
    local, _at, domain = email.strip().lower().rpartition("@")
    local = local.partition("+")[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def mailbox_fingerprint(email: str) -> str:
    """Keyed hash of the mailbox `email` delivers to, for limits on mail sent there."""
    return address_fingerprint(mailbox(email))


def limit_exceeded(*, limit: Limit, key: str) -> bool:
    """Count one event for `key`; True once more than `limit.count` happened in the window.

    Fixed windows keyed by their start time: `add` creates the counter with its expiry and
    `incr` is atomic in Redis, so concurrent workers agree; the PostgreSQL table that holds
    the cache without Redis reads and writes, and may miss a few of many parallel requests.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return False
    window = int(timezone.now().timestamp()) // limit.seconds
    cache_key = f"ratelimit:{limit.scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=limit.seconds):
        return limit.count < 1
    try:
        return cache.incr(cache_key) > limit.count
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=limit.seconds)
        return limit.count < 1
