"""Passkeys (WebAuthn) in a real browser, under the site's real Content-Security-Policy.

Chromium's virtual authenticator (DevTools protocol) plays the security key; allauth's
scripts must run from our own origin without any inline script.
"""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.browser.test_comments import in_thread
from tests.feedback.factories import PASSWORD, UserFactory
from verl_digital.accounts.services import enrolment_link_issue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(live_server, settings):
    # The live server speaks plain http on localhost; production runs behind https.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    user = UserFactory(email="cdo@verl.example", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_staff_add_a_passkey_and_sign_in_with_it_alone(staff, live_server, new_page):
    page = new_page()  # no CSP bypass: the policy the site sends applies
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    # Without a second factor the admin sends staff to set one up.
    expect(page.locator("main")).to_contain_text("Zwei-Faktor-Authentifizierung ein")

    # The first factor of a staff account needs an enrolment link (here one an administrator
    # issued; the mailed kind: tests/security/test_staff_second_factor.py).
    page.goto(f"{live_server.url}/konto/2fa/webauthn/add/")
    expect(page.locator("h1")).to_have_text("Zweiten Faktor freischalten")
    link = in_thread(lambda: enrolment_link_issue(user=staff))
    page.goto(live_server.url + urlsplit(link).path)
    with page.expect_navigation(url="**/konto/2fa/", wait_until="load"):
        page.get_by_role("button", name="Einrichtung freischalten").click()

    page.goto(f"{live_server.url}/konto/2fa/webauthn/add/")
    page.locator("#id_password").fill(PASSWORD)  # adding a key asks for the password again
    with page.expect_navigation(url="**/konto/2fa/webauthn/add/", wait_until="load"):
        page.locator("#id_password").press("Enter")
    # The button works once allauth's script has bound it (after the page has loaded).
    page.get_by_label("Name").fill("Laptop")
    page.get_by_label("Passwortlos").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(
        lambda url: not url.endswith("/webauthn/add/"), wait_until="load", timeout=30_000
    )
    types = in_thread(lambda: set(Authenticator.objects.values_list("type", flat=True)))
    assert Authenticator.Type.WEBAUTHN in types
    # This session has not presented the new key: the admin asks for it first.
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation(url="**/admin/", wait_until="load", timeout=30_000):
        page.locator("#mfa_webauthn_reauthenticate").click()
    expect(page.locator("#site-name")).to_contain_text("Verwaltung")

    # Signed out, the passkey alone signs in: no password typed.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/konto/login/?next=/admin/")
    page.locator("#passkey_login").click()
    page.wait_for_url("**/admin/", wait_until="load")
    expect(page.locator("#site-name")).to_contain_text("Verwaltung")
    assert not [text for text in violations if "Content Security Policy" in text]
