import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from feedback.models import AccountConsent, Comment
from tests.feedback.factories import PASSWORD, ApprovedCommentFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
]


MANAGE_PAGES = ["/konto/email/", "/konto/password/change/", "/konto/logout/", "/konto/loeschen/"]


@pytest.mark.parametrize("url", ACCOUNT_PAGES + MANAGE_PAGES)
def test_account_pages_are_german_and_in_the_sites_layout(client, url):
    if url in MANAGE_PAGES:
        client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert html.count("<h1") == 1
    for english in ("Sign In", "Sign Up", "Password Reset", "Menu:"):
        assert english not in html
    # The site says "Sie"; allauth's own German catalog says "du" (see locale/de).
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b(du|Du|dein\w*|Dein\w*|dich|dir|Dir)\b", text)
    if url in ACCOUNT_PAGES:
        assert re.search(r"\b(Sie|Ihre?)\b", text)


def test_sign_up_verify_the_address_and_sign_in(
    client, run_tasks, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACY_POLICY_VERSION = "2026-03"
    signup = {
        "email": "neu@example.org",
        "username": "Werbung-kauft-hier",
        "password1": "ein-langes-Passwort-42",
        "password2": "ein-langes-Passwort-42",
    }
    refused = client.post("/konto/signup/", signup)
    assert "Bitte stimmen Sie der Datenschutzerklärung zu" in refused.content.decode()
    assert not get_user_model().objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/signup/", {**signup, "privacy_consent": "on"})
    assert response.status_code == 302
    consent = AccountConsent.objects.get(user__email="neu@example.org")
    assert consent.version == "2026-03"
    assert mail.outbox == []  # sent by the worker, not in the request
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["neu@example.org"]
    assert message.subject.startswith("[Stadt Verl] ")
    assert (
        "Werbung" not in message.body
    )  # nothing the signer-up wrote goes to an unverified address
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/\S+/)", message.body).group(1)

    client.logout()
    signed_in = client.post(
        "/konto/login/", {"login": "neu@example.org", "password": "ein-langes-Passwort-42"}
    )
    assert signed_in.status_code == 302
    assert "/konto/confirm-email/" in signed_in["Location"]  # not before verification

    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="neu@example.org").verified
    response = client.post(
        "/konto/login/", {"login": "neu@example.org", "password": "ein-langes-Passwort-42"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "Werbung-kauft-hier"


def verified_user(**kwargs):
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_password_reset_and_email_change_pages(
    client, run_tasks, django_capture_on_commit_callbacks
):
    user = verified_user(email="reset@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/password/reset/", {"email": "reset@example.org"})
        client.post("/konto/password/reset/", {"email": "fremd@example.org"})
    run_tasks()
    [message] = mail.outbox  # unknown addresses get nothing
    assert message.to == ["reset@example.org"]
    assert "/konto/password/reset/key/" in message.body

    client.force_login(user)
    html = client.get("/konto/email/").content.decode()
    assert "reset@example.org" in html
    assert reverse("feedback:account_delete") in html
    assert client.post("/konto/logout/").status_code == 302
    assert client.get("/konto/email/").status_code == 302  # signed out


def test_deleting_the_account_needs_the_password_and_anonymizes_comments(client):
    user = verified_user(username="weg", email="weg@example.org")
    comment = ApprovedCommentFactory(
        user=user, author_name="Wilma Weg", author_email="weg@example.org"
    )
    client.force_login(user)
    url = reverse("feedback:account_delete")
    assert client.get(url).status_code == 200

    response = client.post(url, {"password": "falsch", "confirm": "on"})
    assert response.status_code == 400
    assert "Das Passwort ist nicht korrekt." in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()

    response = client.post(url, {"password": PASSWORD, "confirm": "on"}, follow=True)
    assert "Ihr Konto ist gelöscht." in response.content.decode()
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email="weg@example.org").exists()
    comment.refresh_from_db()
    assert comment.author_name == "gelöschtes Konto"
    assert comment.author_email == ""
    assert comment.is_public
    assert Comment.objects.filter(author_name="Wilma Weg").count() == 0
    assert not response.context["user"].is_authenticated


def test_deleting_the_account_offers_to_anonymize_earlier_guest_comments(client):
    user = verified_user(username="gast", email="gast@example.org")
    guest = ApprovedCommentFactory(author_name="Gustav Gast", author_email="Gast@Example.org")
    client.force_login(user)
    url = reverse("feedback:account_delete")
    html = client.get(url).content.decode()
    assert 'name="guest_comments"' in html
    assert "1 Kommentar, den Sie ohne Anmeldung" in html

    data = {"password": PASSWORD, "confirm": "on", "guest_comments": "on"}
    response = client.post(url, data, follow=True)
    assert "Ihr Konto ist gelöscht." in response.content.decode()
    guest.refresh_from_db()
    assert (guest.author_name, guest.author_email) == ("gelöschtes Konto", "")
    assert guest.is_public


def test_without_guest_comments_the_deletion_form_offers_nothing_more(client):
    client.force_login(verified_user(username="ohne", email="ohne@example.org"))
    html = client.get(reverse("feedback:account_delete")).content.decode()
    assert 'name="guest_comments"' not in html


def test_deleting_needs_a_signed_in_user(client):
    response = client.get(reverse("feedback:account_delete"))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.parametrize(
    "credential", ['{"id": "x", "type": "public-key"}', "[]", '{"rawId": 1}', '"x"']
)
def test_a_malformed_passkey_credential_is_refused_not_a_server_error(client, credential):
    # allauth lets fido2's KeyError escape for these (see verl_digital.accounts.adapters).
    client.get(reverse("account_login"))
    response = client.post(reverse("mfa_login_webauthn"), {"credential": credential})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "credential", ['{"id": "x", "type": "public-key"}', "[]", '{"response": 1}']
)
def test_a_malformed_new_security_key_is_refused_not_a_server_error(client, credential):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_add_webauthn"))  # starts the registration ceremony
    response = client.post(
        reverse("mfa_add_webauthn"), {"name": "Schlüssel", "credential": credential}
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not user.authenticator_set.exists()
