"""Secrets the site must read back (second factors' keys), encrypted for the database.

The key is derived from SECRET_KEY, so a database dump or backup alone does not reveal them;
SECRET_KEY_FALLBACKS keeps older keys readable while SECRET_KEY is rotated
(`manage.py encrypt_mfa_secrets` then moves everything to the new key).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

# Marks a value encrypted by `secret_encrypt`; values without it were stored in the clear
# before encryption was introduced.
ENCRYPTED_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _box(secret_key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    def fernet(key: str) -> Fernet:
        # The salt keeps the name of the module it was first written in: secrets stored since
        # then are encrypted under keys derived with it.
        digest = salted_hmac("feedback.secretbox", "", secret=key, algorithm="sha256")
        return Fernet(base64.urlsafe_b64encode(digest.digest()))

    return MultiFernet([fernet(secret_key), *(fernet(key) for key in fallbacks)])


def _current_box() -> MultiFernet:
    return _box(settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


def secret_encrypt(text: str) -> str:
    """`text` encrypted under the current SECRET_KEY."""
    return ENCRYPTED_PREFIX + _current_box().encrypt(text.encode()).decode("ascii")


def secret_decrypt(stored: str) -> str:
    """The text of `secret_encrypt`'s result, under SECRET_KEY or one of its fallbacks.

    Clear text from before encryption is returned as it is. Raises cryptography's
    InvalidToken when no key fits: SECRET_KEY was changed without keeping the old one in
    SECRET_KEY_FALLBACKS.
    """
    if not stored.startswith(ENCRYPTED_PREFIX):
        return stored
    return _current_box().decrypt(stored.removeprefix(ENCRYPTED_PREFIX).encode()).decode()


def is_current(stored: str) -> bool:
    """Whether `stored` is encrypted under the current SECRET_KEY (not clear, not older)."""
    if not stored.startswith(ENCRYPTED_PREFIX):
        return False
    first = _box(settings.SECRET_KEY, ())
    try:
        first.decrypt(stored.removeprefix(ENCRYPTED_PREFIX).encode())
    except InvalidToken:
        return False
    return True


def authenticator_secrets_map(data: dict[str, Any], convert: Callable[[str], str]) -> dict:
    """An allauth Authenticator's `data` with each secret in it passed through `convert`:
    a TOTP key, a recovery code seed, recovery codes migrated from elsewhere."""
    data = dict(data)
    for key in ("secret", "seed"):
        if key in data:
            data[key] = convert(data[key])
    if data.get("migrated_codes") is not None:
        data["migrated_codes"] = [convert(code) for code in data["migrated_codes"]]
    return data
