"""A captcha everybody can solve: a small sum or difference asked in words, as text on the page.

An image of distorted letters locks out blind visitors, and django-simple-captcha's spoken
version needs flite, whose voices speak English letter names. A question in plain text is
read by every screen reader and braille display, scales with the page and needs no
JavaScript. It stops the form-filling bots the captcha is there for; honeypot, rate limits and
moderation before publication do the rest.

Asking a question writes nothing (security issue 15, finding 11: a flood of page views must
not fill a table). The key the form carries is `nonce_expiry_mac`: 12 random bytes in hex, the
Unix second the question expires (CAPTCHA_TIMEOUT after it was asked) and an HMAC of both, so
only the server makes keys (word characters only: the widget reverses a URL with the key
whose pattern allows no others). The question's two numbers come from a second HMAC of the
nonce, which never leaves the server: the page shows them in words in its language, and
checking the answer derives them again. Both HMACs use keys derived from SECRET_KEY; keys
made under one of SECRET_KEY_FALLBACKS still count while it is rotated out.

`TextCaptchaField` checks an answer: the mac and the expiry first, then one statement uses
the key up, right answer or wrong (one try per question): it inserts the nonce into
django-simple-captcha's table (`CaptchaStore`, the row expiring with the key), and a nonce
already there is a replay. The same statement deletes a few rows that expired more than
`SWEEP_GRACE` seconds ago (the grace covers servers whose clocks differ a little; rows others
are deleting are skipped, not waited for), so the table holds about the keys answered within
CAPTCHA_TIMEOUT: bounded by form submissions, not by page views. A submission refused by the
rate limit leaves the captcha unchecked and writes nothing
(`feedback.forms.SpamProtectionMixin.refuse`). Signed-in users get no captcha.

Pages rendered once for all anonymous visitors (`verl_digital.caching.pagecache`) carry
placeholders for the key and the question; serving the page makes a key for the visitor
(`challenge_new`: one random read, two HMACs) and fills in both, so every visitor gets a
question of their own. django-simple-captcha provides the field, the widget and the table;
its challenge functions and its URLs are not used (`verl_digital.urls` answers them 404).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from verl_digital.caching import pagecache

# Names of the per-visitor values in shared pages (see `verl_digital.caching.pagecache`).
KEY_PLACEHOLDER = "captchakey"
QUESTION_PLACEHOLDER = "captchaquestion"

# German number words; answers may be given as digits or as one of these words.
NUMBER_WORDS = [
    _("null"), _("eins"), _("zwei"), _("drei"), _("vier"), _("fünf"), _("sechs"),
    _("sieben"), _("acht"), _("neun"), _("zehn"), _("elf"), _("zwölf"), _("dreizehn"),
    _("vierzehn"), _("fünfzehn"), _("sechzehn"), _("siebzehn"), _("achtzehn"),
    _("neunzehn"), _("zwanzig"),
]  # fmt: skip
# "ein" is how the number one is also written ("ein plus zwei").
NUMBER_ALIASES = {"ein": 1}

# 12 random bytes: 24 hex digits, short enough for CaptchaStore.hashkey (40).
NONCE_BYTES = 12
# nonce_expiry_mac, in ASCII only: anything else a form sends is refused before any HMAC.
KEY_FORMAT = re.compile(r"([0-9a-f]{24})_([1-9][0-9]{0,11})_([0-9a-f]{32})")
# Rows of keys that expired this long ago (seconds) are deleted by the next check.
SWEEP_GRACE = 300
# At most this many at a time, so no check waits for a large backlog.
SWEEP_BATCH = 100


@dataclass(frozen=True)
class Challenge:
    """One visitor's question: `key` is what the form carries, the rest is derived from it."""

    key: str
    nonce: str
    expires: int  # Unix time
    numbers: tuple[int, str, int]  # (3, "plus", 4)

    @property
    def answer(self) -> str:
        first, operator, second = self.numbers
        return str(first - second if operator == "minus" else first + second)

    def question(self) -> str:
        """The sum in words of the active language: "drei plus vier"."""
        return _question(self.numbers)


def _question(numbers: tuple[int, str, int]) -> str:
    first, operator, second = numbers
    word = _("minus") if operator == "minus" else _("plus")
    return f"{NUMBER_WORDS[first]} {word} {NUMBER_WORDS[second]}"


@lru_cache(maxsize=8)
def _derived_keys(secret: str) -> tuple[bytes, bytes]:
    """From one SECRET_KEY: the key that signs the form's key and the one that picks numbers."""
    return (
        hmac.digest(secret.encode(), b"feedback.captcha:mac", hashlib.sha256),
        hmac.digest(secret.encode(), b"feedback.captcha:numbers", hashlib.sha256),
    )


def _mac(secret: str, nonce: str, expires: str) -> str:
    digest = hmac.digest(_derived_keys(secret)[0], f"{nonce}_{expires}".encode(), hashlib.sha256)
    return digest[:16].hex()


def _numbers(secret: str, nonce: str) -> tuple[int, str, int]:
    """Two numbers from 1 to 10 and "plus" or "minus"; a difference is never negative."""
    digest = hmac.digest(_derived_keys(secret)[1], nonce.encode(), hashlib.sha256)
    draw = int.from_bytes(digest[:8]) % 200  # 2**64 is 200 times as large: no visible bias
    first, second = draw % 10 + 1, draw // 10 % 10 + 1
    if draw >= 100:
        return max(first, second), "minus", min(first, second)
    return first, "plus", second


def challenge_new() -> Challenge:
    """A new question and its key; nothing is stored."""
    nonce = secrets.token_hex(NONCE_BYTES)
    expires = str(int(time.time()) + 60 * int(captcha_settings.CAPTCHA_TIMEOUT))
    secret = settings.SECRET_KEY
    key = f"{nonce}_{expires}_{_mac(secret, nonce, expires)}"
    return Challenge(key, nonce, int(expires), _numbers(secret, nonce))


def challenge_read(key: str) -> Challenge | None:
    """The question a key was made for, expired or not; None when it is not the server's."""
    match = KEY_FORMAT.fullmatch(key)
    if match is None:
        return None
    nonce, expires, mac = match.groups()
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if hmac.compare_digest(_mac(secret, nonce, expires), mac):
            return Challenge(key, nonce, int(expires), _numbers(secret, nonce))
    return None


def _challenge_use(challenge: Challenge, now: float) -> bool:
    """Record the key as answered; False when it was answered before (a replay)."""
    table = connection.ops.quote_name(CaptchaStore._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH swept AS (DELETE FROM {table} WHERE id IN ("  # noqa: S608 - the model's table
            f"SELECT id FROM {table} WHERE expiration < %s ORDER BY expiration LIMIT %s "
            "FOR UPDATE SKIP LOCKED)) "
            f"INSERT INTO {table} (hashkey, challenge, response, expiration) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (hashkey) DO NOTHING RETURNING id",
            [
                datetime.fromtimestamp(now - SWEEP_GRACE, UTC),
                SWEEP_BATCH,
                challenge.nonce,
                # For the record only: the question as numbers, and its answer.
                " ".join(map(str, challenge.numbers)),
                challenge.answer,
                datetime.fromtimestamp(challenge.expires, UTC),
            ],
        )
        return cursor.fetchone() is not None


def normalize_answer(answer: str) -> str:
    """An answer in digits or in words ("Sieben", " 7 ") as digits ("7")."""
    answer = answer.strip().casefold()
    words = {str(word).casefold(): number for number, word in enumerate(NUMBER_WORDS)}
    words.update(NUMBER_ALIASES)
    if answer in words:
        return str(words[answer])
    return answer


def _visitor_challenge(request: HttpRequest) -> Challenge:
    """One challenge per request, shared by the key and the question placeholders."""
    challenge = getattr(request, "_verl_captcha", None)
    if challenge is None:
        challenge = request._verl_captcha = challenge_new()
    return challenge


def key_fill(request: HttpRequest) -> str:
    return _visitor_challenge(request).key


@lru_cache(maxsize=1024)
def _question_html(numbers: tuple[int, str, int], language: str | None) -> str:
    return escape(_question(numbers))


def question_fill(request: HttpRequest) -> str:
    return _question_html(_visitor_challenge(request).numbers, get_language())


class TextChallengeInput(CaptchaTextInput):
    """The answer box with the question as text right before it, tied by aria-describedby."""

    template_name = "captcha/widgets/text_challenge.html"

    def fetch_captcha_store(
        self, name: str, value: Any, attrs: Any = None, generator: Any = None
    ) -> None:
        if pagecache.is_shared_render():
            self._key = pagecache.placeholder(KEY_PLACEHOLDER)
            self._challenge = pagecache.placeholder(QUESTION_PLACEHOLDER)
        else:
            challenge = challenge_new()
            self._key, self._challenge = challenge.key, challenge.question()
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["challenge"] = self._challenge
        answer = context["widget"]["subwidgets"][1]["attrs"]
        question_id = f"{answer.get('id', name)}_frage"
        context["question_id"] = question_id
        described_by = [question_id, *answer.get("aria-describedby", "").split()]
        answer["aria-describedby"] = " ".join(described_by)
        answer["inputmode"] = "numeric"
        return context


class TextCaptchaField(CaptchaField):
    """django-simple-captcha's field with the text question; "sieben" counts as "7".

    `checked` False (only for a form refused as a whole, see
    `feedback.forms.SpamProtectionMixin.refuse`) leaves the answer unchecked and the key
    unused.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", TextChallengeInput())
        super().__init__(*args, **kwargs)
        self.checked = True

    def clean(self, value: list[str] | None) -> Any:
        forms.MultiValueField.clean(self, value)
        key, answer = value[0] or "", normalize_answer(value[1] or "")
        if not self.checked or (not self.required and not answer):
            return [key, ""]
        now = time.time()
        challenge = challenge_read(key)
        if (
            challenge is None
            or challenge.expires <= now
            or not _challenge_use(challenge, now)
            or not hmac.compare_digest(challenge.answer.encode(), answer.encode())
        ):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return [key, ""]
