import pytest


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
