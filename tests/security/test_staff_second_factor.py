"""Security issue 15, finding 5: a password alone showed staff what the second factor should
guard. A staff member without a second factor (or whoever held the password) saw drafts and
scheduled items on the public site, and could enrol an authenticator app and enter the admin
in the same session.

Now previews need the same second factor as the admin (`staff_second_factor_passed`), and a
staff account's first factor is enrolled only after following a link mailed to the account's
verified address, or one an administrator issued (`manage.py issue_enrolment_link`).
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strategy.models import PublicationStatus
from tests.feedback.factories import (
    PASSWORD,
    TOTP_SECRET,
    UserFactory,
    signed_in,
    staff_ready,
    totp_code,
)
from tests.strategy.factories import NewsPostFactory, PageFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
LOGIN = "/konto/login/"
REQUEST = "/konto/2fa/freischalten/"


def new_staff(**fields):
    """A staff member as Administration creates one: verified address, no second factor yet."""
    user = UserFactory(is_staff=True, is_superuser=True, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def password_login(client: Client, user) -> None:
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def full_login(client: Client, user) -> None:
    """Password, then the code of the authenticator app, as allauth asks for them."""
    password_login(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302


def hidden_items() -> list[str]:
    """A draft page, a draft news item and a scheduled one: what only a preview shows."""
    return [
        PageFactory(slug="entwurf", status=PublicationStatus.DRAFT).get_absolute_url(),
        NewsPostFactory(status=PublicationStatus.DRAFT).get_absolute_url(),
        NewsPostFactory(publish_at=timezone.now() + timedelta(days=1)).get_absolute_url(),
    ]


def link_from(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


# --- Previews need the second factor -------------------------------------------------------


def test_a_password_alone_previews_no_draft_or_scheduled_item(client):
    urls = hidden_items()
    password_login(client, new_staff())
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_an_enrolled_factor_not_presented_in_this_session_previews_nothing(client):
    staff = new_staff()
    staff_ready(staff)
    client.force_login(staff)  # a session that never presented the factor
    for url in hidden_items():
        assert client.get(url).status_code == 404, url


def test_with_the_second_factor_presented_the_preview_works(client):
    staff = new_staff()
    staff_ready(staff)
    urls = hidden_items()
    full_login(client, staff)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Vorschau" in response.content.decode()


def test_without_the_setting_a_password_is_enough_to_preview(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    urls = hidden_items()
    password_login(client, new_staff())
    assert all(client.get(url).status_code == 200 for url in urls)


# --- Enrolling the first factor needs the mailed link ---------------------------------------


@pytest.mark.parametrize("enrolment", ["mfa_activate_totp", "mfa_add_webauthn"])
def test_a_password_alone_cannot_enrol_a_staff_accounts_first_factor(client, enrolment):
    password_login(client, new_staff())
    for method in (client.get, client.post):
        response = method(reverse(enrolment))
        assert response.status_code == 302
        assert response["Location"] == REQUEST
    assert "Einrichtungslink" in client.get(REQUEST).content.decode()


def test_a_factor_enrolled_in_this_session_still_has_to_be_presented_for_the_admin(client):
    staff = new_staff()
    password_login(client, staff)
    TOTP.activate(staff, TOTP_SECRET)  # however it got there
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.post(response["Location"], {"code": totp_code()})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_the_mailed_link_unlocks_enrolment_once_in_the_session_that_asked(
    client, run_tasks, django_capture_on_commit_callbacks
):
    staff = new_staff(email="kaemmerer@verl.example")
    password_login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST)
    assert response.status_code == 302
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["kaemmerer@verl.example"]
    assert "30 Minuten" in message.body
    url = link_from(message)

    # Another browser signed in with the same password gets nothing from the link.
    intruder = Client()
    password_login(intruder, staff)
    assert "nur in dem Browser" in intruder.post(url).content.decode()
    assert intruder.get(reverse("mfa_activate_totp")).status_code == 302

    # The link's page asks before it spends the link (mail scanners follow links).
    assert client.get(url).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")

    # Enrolment as allauth does it: the password once more, then the app's code.
    response = client.get(reverse("mfa_activate_totp"))
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    # Used once: following it again unlocks nothing.
    Authenticator.objects.filter(user=staff).delete()
    again = client.post(url)
    assert "bereits verwendet" in again.content.decode()


def test_the_link_expires_after_thirty_minutes(
    client, run_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    staff = new_staff()
    password_login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST)
    run_tasks()
    url = link_from(mail.outbox[-1])
    later = timezone.now().timestamp() + 31 * 60
    monkeypatch.setattr("time.time", lambda: later)
    response = client.post(url)
    assert "abgelaufen" in response.content.decode()
    assert client.get(reverse("mfa_activate_totp")).status_code == 302


def test_without_a_verified_address_no_link_is_mailed(client, run_tasks):
    staff = UserFactory(is_staff=True, email="ohne@verl.example")
    EmailAddress.objects.create(user=staff, email=staff.email, verified=False, primary=True)
    client.force_login(staff)
    page = client.get(REQUEST).content.decode()
    assert "issue_enrolment_link" not in page  # the command is IT's, the page says whom to ask
    assert "Administration" in page
    client.post(REQUEST)
    run_tasks()
    assert mail.outbox == []


def test_an_administrator_issues_a_link_for_a_staff_member(client):
    staff = new_staff(email="bauamt@verl.example")
    out = StringIO()
    call_command("issue_enrolment_link", "bauamt@verl.example", "--dry-run", stdout=out)
    assert "/konto/" not in out.getvalue()
    call_command("issue_enrolment_link", "bauamt@verl.example", stdout=out)
    url = re.search(r"https?://[^/\s]+(/\S+/)", out.getvalue()).group(1)
    assert mail.outbox == []  # handed over in person: this is for staff whose mail is not set up

    # Following it needs the account's own sign-in; then it unlocks enrolment once.
    assert client.get(url)["Location"].startswith(LOGIN)
    password_login(client, staff)
    assert client.post(url)["Location"] == reverse("mfa_index")
    response = client.get(reverse("mfa_activate_totp"))  # allauth's own: the password again
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    other = Client()
    password_login(other, staff)
    assert "bereits verwendet" in other.post(url).content.decode()

    # Another account cannot use it, citizens and accounts with a factor get none.
    stranger = new_staff()
    assert "anderen Konto" in signed_in(stranger).post(url).content.decode()
    citizen = UserFactory(email="buerger@example.org")
    with pytest.raises(CommandError):
        call_command("issue_enrolment_link", citizen.email, stdout=out)
    staff_ready(stranger)
    with pytest.raises(CommandError):
        call_command("issue_enrolment_link", stranger.email, stdout=out)


def test_citizens_enrol_as_before(client):
    citizen = UserFactory()
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)
    password_login(client, citizen)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_further_factor_needs_a_session_that_presented_the_first(client):
    staff = new_staff()
    staff_ready(staff)
    client.force_login(staff)  # e.g. the session that enrolled the first factor
    response = client.get(reverse("mfa_add_webauthn"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    # A sign-in with the factor (allauth asks for it whenever one exists) is enough.
    other = Client()
    full_login(other, staff)
    response = other.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))  # allauth's own
    other.post(response["Location"], {"password": PASSWORD})
    assert other.get(reverse("mfa_add_webauthn")).status_code == 200
