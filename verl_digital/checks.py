"""System checks that stop a misconfigured site before it serves anybody.

They are deployment checks: gunicorn runs them when it starts (verl_digital/gunicorn_conf.py),
so an error here keeps the site from serving at all instead of answering each request with a
500, while management commands (migrate, create_admin) still run before collectstatic.
"""

import ipaddress
import os
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.cache import caches
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.files.storage import storages

from feedback.ratelimit import trusted_networks

BEHIND_A_PROXY = 'README.md, "Behind a proxy"'


@register(deploy=True)
def static_files_collected(**kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off every page links its stylesheet through the manifest of collected
    static files; without the manifest each of those pages would fail."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.read_manifest() is None:
        return [
            Error(
                f"The static files have not been collected into {settings.STATIC_ROOT}.",
                hint="Run `python manage.py collectstatic --noinput` before starting the site.",
                id="verl_digital.E001",
            )
        ]
    return []


# Policies under which Redis, when full, deletes keys that are still live.
EVICTING_POLICIES = frozenset(
    {
        "allkeys-lru",
        "allkeys-lfu",
        "allkeys-random",
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    }
)


def _redis_client(alias: str) -> Any | None:
    backend = caches[alias]
    client = getattr(backend, "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


@register(deploy=True)
def state_cache_never_evicts(**kwargs: Any) -> list[CheckMessage]:
    """Rate limits, lockouts and report markers live in the cache `default`: a Redis that
    evicts would let a flood of anything (cached pages above all) wipe them."""
    client = _redis_client("default")
    if client is None:
        return []
    try:
        policy = client.config_get("maxmemory-policy").get("maxmemory-policy", "")
    except Exception as error:  # CONFIG may be disabled on a managed Redis
        return [
            Warning(
                f"Could not read the maxmemory-policy of REDIS_URL's Redis ({error}).",
                hint="Make sure it is `noeviction`: it keeps the site's rate limits and lockouts.",
                id="verl_digital.W002",
            )
        ]
    if policy in EVICTING_POLICIES:
        return [
            Error(
                f"REDIS_URL's Redis evicts keys (maxmemory-policy {policy}), and it keeps the "
                "rate limits and login lockouts.",
                hint="Set `maxmemory-policy noeviction` there; cached pages belong on "
                "PAGE_CACHE_URL, a Redis of its own that may evict.",
                id="verl_digital.E005",
            )
        ]
    return []


@register(deploy=True)
def pages_apart_from_state(**kwargs: Any) -> list[CheckMessage]:
    """Pages on the state's Redis would fill it (noeviction: writes fail) or evict it."""
    state, pages = _redis_client("default"), _redis_client("pages")
    if state is None or pages is None:
        return []
    where = [
        (
            c.connection_pool.connection_kwargs.get("host"),
            c.connection_pool.connection_kwargs.get("port"),
        )
        for c in (state, pages)
    ]
    if where[0] == where[1]:
        return [
            Error(
                "PAGE_CACHE_URL and REDIS_URL name the same Redis server.",
                hint="Cached pages need a Redis of their own with an evicting policy "
                "(e.g. allkeys-lru and a maxmemory); REDIS_URL's must never evict.",
                id="verl_digital.E006",
            )
        ]
    return []


def _loopback(address: str) -> bool:
    address = address.strip().strip("[]")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@register(deploy=True)
def proxy_settings(**kwargs: Any) -> list[CheckMessage]:
    """NUM_PROXIES, TRUSTED_PROXIES and gunicorn's BIND_ADDRESS agree (feedback.ratelimit).

    Refused: an entry of TRUSTED_PROXIES that is no address or network, NUM_PROXIES without
    any trusted proxy (X-Forwarded-For would never be read), and NUM_PROXIES with every
    address trusted while gunicorn listens beyond this machine (anybody reaching it could
    forge X-Forwarded-For). Warned: NUM_PROXIES 0 although TLS ends at a proxy in front
    (HTTPS redirect on): every visitor would share that proxy's rate limits.
    """
    messages: list[CheckMessage] = []
    entries = tuple(settings.TRUSTED_PROXIES)
    invalid = [entry for entry in entries if not trusted_networks((entry,))]
    if invalid:
        messages.append(
            Error(
                f"TRUSTED_PROXIES holds {', '.join(map(repr, invalid))}, which is neither an "
                "IP address nor a network.",
                hint="List the proxies' addresses or networks, comma-separated, "
                f"e.g. 127.0.0.1,10.0.0.0/8 ({BEHIND_A_PROXY}).",
                id="verl_digital.E002",
            )
        )
    networks = trusted_networks(entries)
    if settings.NUM_PROXIES and not networks:
        messages.append(
            Error(
                f"NUM_PROXIES is {settings.NUM_PROXIES} but TRUSTED_PROXIES names no proxy: "
                "X-Forwarded-For would never be read and every visitor would share the "
                "proxy's rate limits.",
                hint=f"Set TRUSTED_PROXIES to the address of the proxy ({BEHIND_A_PROXY}).",
                id="verl_digital.E003",
            )
        )
    everybody = any(network.prefixlen == 0 for network in networks)
    if settings.NUM_PROXIES and everybody and not _loopback(settings.BIND_ADDRESS):
        messages.append(
            Error(
                f"NUM_PROXIES is {settings.NUM_PROXIES} and TRUSTED_PROXIES trusts every "
                f"address, while gunicorn listens on {settings.BIND_ADDRESS}: anybody who "
                "reaches it directly could forge X-Forwarded-For and dodge the rate limits.",
                hint="Set TRUSTED_PROXIES to the addresses the proxy connects from, or "
                f"BIND_ADDRESS=127.0.0.1 with the proxy on this machine ({BEHIND_A_PROXY}).",
                id="verl_digital.E004",
            )
        )
    if not settings.NUM_PROXIES and settings.SECURE_SSL_REDIRECT:
        messages.append(
            Warning(
                "HTTPS is required, so TLS ends at a proxy in front of the site, but "
                "NUM_PROXIES is 0: every visitor shares the proxy's rate limits.",
                hint="Set NUM_PROXIES to the number of proxies that append to X-Forwarded-For "
                f"and TRUSTED_PROXIES to the address of the last one ({BEHIND_A_PROXY}).",
                id="verl_digital.W001",
            )
        )
    return messages


# Environment variables that named the town before the town profile held it.
TOWN_VARIABLES = (
    "DEFAULT_FROM_EMAIL",
    "CDO_EMAIL",
    "REFERENCE_PREFIX",
    "HOLIDAY_SUBDIVISION",
    "MFA_TOTP_ISSUER",
    "ACCOUNT_EMAIL_SUBJECT_PREFIX",
)


@register(deploy=True)
def town_variables_unset(**kwargs: Any) -> list[CheckMessage]:
    """A variable that used to name the town is ignored now: say so rather than leave an
    operator wondering why changing it changes nothing."""
    return [
        Warning(
            f"The environment variable {name} is set but no longer read: it now lives in the "
            "town profile.",
            hint="Set it in the admin, *Profil der Kommune*, and remove the variable.",
            id="verl_digital.W003",
        )
        for name in TOWN_VARIABLES
        if name in os.environ
    ]
