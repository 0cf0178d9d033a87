"""Django's CSRF token, drawn from one read of the system's random source instead of 64.

A page served from the page cache (`verl_digital.caching.pagecache`) costs little more than
Django's fastest answer, except for the CSRF token it must carry:
`django.middleware.csrf.get_token` draws each character of a new visitor's secret and of the
mask with a system call of its own (`secrets.choice`), which on a cached start page took
longer than everything else together (measured by hand: about 65 % of the bare view's
throughput with it, 80 % with a constant in its place).

`get_token` here returns what Django's does, in Django's format: the secret (new for a
visitor without a CSRF cookie, else the cookie's) goes into `request.META["CSRF_COOKIE"]`
with `CSRF_COOKIE_NEEDS_UPDATE` set, so Django's unchanged `CsrfViewMiddleware` sets the
cookie; the form gets the secret under a fresh mask, and the middleware checks it on POST as
always. Only the drawing differs: the random bytes come from `os.urandom` at once and map
onto the 62 allowed characters without bias (bytes that would favour the first characters
are dropped). It relies on those two request.META keys, through which Django's own
`get_token` talks to the middleware (Django 4.1 and later):
tests/verl_digital/caching/test_csrf.py submits its tokens through the real middleware, and
test_pagecache.py posts with a cached page's token (accepted) and with another visitor's
(403), so a change in Django shows there. Everything rendered per request still uses
Django's own `get_token`.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
# 248 = 4 × 62: bytes below it map evenly onto the characters, the 8 above are dropped.
_UNBIASED = 256 - 256 % len(_CHARS)
_TO_CHAR = bytes(ord(_CHARS[byte % len(_CHARS)]) for byte in range(256))
_DROPPED = bytes(range(_UNBIASED, 256))


def random_chars(length: int) -> str:
    """`length` characters drawn uniformly from the CSRF alphabet."""
    chars = b""
    while len(chars) < length:
        # A quarter more than needed: 3 % of bytes are dropped, so one draw almost always does.
        chars += os.urandom(length + length // 4).translate(_TO_CHAR, _DROPPED)
    return chars[:length].decode("ascii")


def masked(secret: str, mask: str) -> str:
    """Django's masked form of `secret`: the mask, then each character shifted by it."""
    size = len(_CHARS)
    pairs = zip(secret, mask, strict=True)
    return mask + "".join(_CHARS[(_INDEX[s] + _INDEX[m]) % size] for s, m in pairs)


def get_token(request: HttpRequest) -> str:
    """Same contract as `django.middleware.csrf.get_token`."""
    meta = request.META
    secret = meta.get("CSRF_COOKIE")
    if secret is None:
        chars = random_chars(2 * CSRF_SECRET_LENGTH)
        secret, fresh_mask = chars[:CSRF_SECRET_LENGTH], chars[CSRF_SECRET_LENGTH:]
        meta["CSRF_COOKIE"] = secret
    else:
        fresh_mask = random_chars(CSRF_SECRET_LENGTH)
    # Makes the middleware send (or renew) the cookie, as Django's get_token does.
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked(secret, fresh_mask)
