"""`manage.py create_admin` (`make admin`): the first administrator, from the command to the
admin index, the way the person really goes."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from feedback.comments import services
from tests.feedback.factories import UserFactory, totp_code
from tests.strategy.factories import PageFactory
from verl_digital.accounts.roles import MODERATION

pytestmark = pytest.mark.django_db

PASSWORD = "Rathaus-Verl-2026-sicher"
ADMIN = "/admin/"


def create_admin(*args: str, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_admin", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def admin_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)


def test_the_first_admin_signs_in_sets_up_a_second_factor_and_opens_the_admin(
    client, settings, admin_password, django_capture_on_commit_callbacks, run_tasks
):
    settings.STAFF_REQUIRE_MFA = True  # as in production
    assert not Group.objects.exists()  # a fresh database: the roles come with the command
    output, _err = create_admin(
        "--noinput", "--email", "CDO@Verl.example", "--first-name", "Maria", "--last-name", "Muster"
    )
    assert "Administrator cdo@verl.example created" in output
    admin = get_user_model().objects.get(email="cdo@verl.example")
    assert (admin.is_superuser, admin.is_staff, admin.get_full_name()) == (
        True,
        True,
        "Maria Muster",
    )
    assert admin.username == "cdo"  # from the address; the public name of own comments
    assert EmailAddress.objects.filter(user=admin, primary=True, verified=True).count() == 1
    assert [g.name for g in admin.groups.all()] == [MODERATION]
    assert Group.objects.get(name=MODERATION).permissions.exists()

    response = client.post(
        f"/konto/login/?next={ADMIN}", {"login": "cdo@verl.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == ADMIN  # verified: no confirmation mail in between
    assert client.get(ADMIN)["Location"] == reverse("mfa_index")

    # The first factor needs the enrolment link mailed to the verified address.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"] == reverse("accounts:enrolment_request")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    run_tasks()
    [enrolment_mail] = mail.outbox
    assert enrolment_mail.to == ["cdo@verl.example"]
    link = re.search(r"https?://[^/\s]+(/\S+/)", enrolment_mail.body).group(1)
    assert client.post(link)["Location"] == reverse("mfa_index")
    mail.outbox.clear()

    response = client.get(reverse("mfa_activate_totp"))
    client.post(response["Location"], {"password": PASSWORD})  # asked again before enrolling
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]  # what the QR code gives the app
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert codes.status_code == 200
    assert len(codes.context["unused_codes"]) == 10
    assert set(Authenticator.objects.filter(user=admin).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }

    # The session that set the factor up presents it once, then the admin opens.
    response = client.get(ADMIN)
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    client.post(response["Location"], {"code": totp_code(secret)})
    assert client.get(ADMIN).status_code == 200

    # In Moderation, the administrator gets the moderators' digest of new comments.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_submit(target=PageFactory(), author_name="Anna", text="Eine Frage")
    for _round in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            run_tasks()
    assert [m.to for m in mail.outbox] == [["cdo@verl.example"]]


def test_running_it_again_for_the_address_changes_nothing(admin_password, monkeypatch):
    create_admin("--noinput", "--email", "cdo@verl.example", "--first-name", "Maria")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "ein-ganz-anderes-Passwort-7")
    output, _err = create_admin("--noinput", "--email", "Cdo@verl.example", "--first-name", "X")
    assert "An account for Cdo@verl.example exists already; nothing changed." in output
    [admin] = get_user_model().objects.all()
    assert admin.first_name == "Maria"
    assert admin.check_password(PASSWORD)


def test_an_address_of_an_existing_account_is_not_turned_into_an_administrator(admin_password):
    citizen = UserFactory(email="erika@example.org")
    output, _err = create_admin("--noinput", "--email", "erika@example.org")
    assert "exists already" in output
    citizen.refresh_from_db()
    assert not citizen.is_staff
    assert not citizen.is_superuser


def test_a_taken_user_name_gets_a_number(admin_password):
    UserFactory(username="cdo", email="buerger@example.org")
    create_admin("--noinput", "--email", "cdo@verl.example")
    assert get_user_model().objects.get(email="cdo@verl.example").username == "cdo-2"


def test_a_chosen_user_name_must_be_free_and_valid(admin_password):
    UserFactory(username="maria")
    for taken_or_invalid in ("maria", "Maria Muster"):
        with pytest.raises(CommandError, match="--username: "):
            create_admin("--noinput", "--email", "cdo@verl.example", "--username", taken_or_invalid)
    create_admin("--noinput", "--email", "cdo@verl.example", "--username", "Maria.Muster")
    assert get_user_model().objects.get(email="cdo@verl.example").username == "Maria.Muster"


def test_a_weak_password_is_refused_without_input_too(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345678")
    with pytest.raises(CommandError, match=r"DJANGO_SUPERUSER_PASSWORD: .*too common"):
        create_admin("--noinput", "--email", "cdo@verl.example")
    assert not get_user_model().objects.exists()


def test_without_a_password_the_account_waits_for_a_reset(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    output, _err = create_admin("--noinput", "--email", "cdo@verl.example")
    assert "/konto/password/reset/" in output
    assert not get_user_model().objects.get().has_usable_password()


def test_noinput_needs_an_address(admin_password, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)
    with pytest.raises(CommandError, match="--email"):
        create_admin("--noinput")
    with pytest.raises(CommandError, match="not a valid e-mail address"):
        create_admin("--noinput", "--email", "kein-at-zeichen")


def test_dry_run_creates_nothing(admin_password):
    output, _err = create_admin("--noinput", "--email", "cdo@verl.example", "--dry-run")
    assert "would create the administrator cdo@verl.example" in output
    assert not get_user_model().objects.exists()
    assert not Group.objects.exists()


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_interactive_asks_for_address_names_and_a_good_password_twice(monkeypatch):
    answers = iter(["keine-adresse", "cdo@verl.example", "Maria", "Muster"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    passwords = iter(["eins", "zwei", "12345678", "12345678", PASSWORD, PASSWORD])
    monkeypatch.setattr(
        "verl_digital.management.commands.create_admin.getpass.getpass",
        lambda prompt="Password: ": next(passwords),
    )
    output, errors = create_admin(stdin=Terminal())
    assert "Enter a valid email address." in errors
    assert "Your passwords didn't match." in errors
    assert "This password is too common." in errors  # and no offer to skip the check
    admin = get_user_model().objects.get(email="cdo@verl.example")
    assert admin.get_full_name() == "Maria Muster"
    assert admin.check_password(PASSWORD)
    assert "Next: sign in at http://127.0.0.1:8000/konto/login/" in output


def test_interactive_stops_at_an_existing_address_before_asking_more(monkeypatch):
    UserFactory(email="cdo@verl.example")
    answers = iter(["cdo@verl.example"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    output, _err = create_admin(stdin=Terminal())
    assert "exists already; nothing changed" in output


def test_without_a_terminal_it_explains_noinput():
    with pytest.raises(CommandError, match="--noinput"):
        create_admin(stdin=StringIO())
