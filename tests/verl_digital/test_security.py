import json

import pytest
from allauth.account.models import EmailAddress


@pytest.mark.usefixtures("verl_content")
def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.usefixtures("verl_content")
def test_anonymous_readers_get_no_cookies_where_no_form_is_shown(client):
    assert client.get("/projekte/").cookies == {}


@pytest.mark.usefixtures("verl_content")
def test_pages_with_a_form_set_only_the_csrf_cookie(client):
    cookies = client.get("/").cookies
    assert set(cookies) == {"csrftoken"}
    assert cookies["csrftoken"]["samesite"] == "Lax"
    assert cookies["csrftoken"]["httponly"]


PROBE = """
import json
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="digital.verl.de")
plain = client.get("/impressum/")
secure = client.get("/healthz", secure=True)
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location")],
    "headers": dict(secure.headers),
    "cookies": {
        name: getattr(settings, name)
        for name in (
            "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
            "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE",
            "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        )
    },
}))
"""


def test_production_settings_send_every_security_header_and_secure_cookies():
    """The real production settings module, in its own process (no test overrides)."""
    from tests.verl_digital.test_settings import PRODUCTION_ENV, manage

    result = manage("shell", "--no-imports", "-c", PROBE, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr[-2000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["redirect"] == [301, "https://digital.verl.de/impressum/"]
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    assert probe["cookies"] == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


@pytest.mark.django_db
def test_session_and_csrf_cookies_carry_secure_httponly_and_samesite(client, settings):
    """What browsers receive on sign-in, with the production cookie settings."""
    from tests.feedback.factories import PASSWORD, UserFactory

    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    csrf = client.get("/konto/login/", secure=True).cookies["__Host-csrftoken"]
    response = client.post(
        "/konto/login/", {"login": user.email, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["path"] == "/"
        assert not cookie["domain"]  # required by the __Host- prefix
