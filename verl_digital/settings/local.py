"""`make run`: the production settings on one machine, serving plain HTTP on 127.0.0.1.

Only what needs TLS differs from production: no HTTPS redirect, no HSTS, and cookies without
`Secure` (so without the `__Host-` prefix), which browsers and plain HTTP clients would
otherwise never send back over http://. Where the secret key and the mails go: README.md.
"""

import contextlib
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _kept_secret_key(path: Path) -> str:
    """The key in `path`, written there (readable by its owner only) on the first call."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64))
        # Several processes may start at once: the link appears whole, and only once.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


# Before the production settings load, since they refuse to load without a key.
if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = _kept_secret_key(BASE_DIR / ".data" / "secret_key")

# `make run` loads the pack "verl" unless told otherwise; production names its pack itself.
os.environ.setdefault("CONTENT_PACK", "verl")

from .prod import *  # noqa: E402, F403
from .prod import FILE_EMAIL_BACKEND, env  # noqa: E402

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
# The check for HSTS and secure cookies is about TLS, which this setup leaves out on purpose.
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

if not env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=FILE_EMAIL_BACKEND)

# Passkeys need a secure context; browsers grant one to http://127.0.0.1, allauth must too.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
