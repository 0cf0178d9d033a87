"""Django's CSRF token, drawn from one read of the system's random source instead of 64.

A page served from the page cache (`verl_digital.caching.pagecache`) costs little more than Django's
fastest answer, except for the CSRF token it must carry: `django.middleware.csrf.get_token`
draws each character of a new visitor's secret and of the mask with a system call of its
own, which on a cached start page took longer than everything else together.

`get_token` here returns what Django's does, in Django's format: the secret (new for a
visitor without a CSRF cookie, else the cookie's) goes into the cookie that Django's
unchanged `CsrfViewMiddleware` sets, the form gets the secret under a fresh mask, and
the middleware checks it on POST as always. Only the drawing differs: the random bytes come
from `os.urandom` at once and map onto the 62 allowed characters without bias (bytes that
would favour the first characters are dropped). It relies on the two request.META keys
through which Django's own `get_token` talks to the middleware (Django 4.1 and later);
tests/verl_digital/test_csrf.py submits its tokens through the real middleware, so a
change in Django shows there.
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
