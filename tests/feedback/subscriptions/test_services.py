import pytest
from django.core import mail

from feedback.comments import services as comments
from feedback.models import Comment, ConfirmedAddress
from feedback.subscriptions import services
from tests.feedback.comments.test_services import run_mail, submit
from tests.feedback.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unconfirmed_address_gets_only_the_confirmation_link(
    page, moderator, django_capture_on_commit_callbacks, run_tasks
):
    text = "Kauft billige Uhren bei spam.example.com"
    comment = run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: submit(
            page,
            author_name="Werbung GmbH",
            author_email="Opfer@Example.org",
            notify=True,
            text=text,
        ),
    )
    [confirmation] = mail.outbox
    assert confirmation.to == ["opfer@example.org"]
    assert confirmation.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "/kommentare/adresse-bestaetigen/" in confirmation.body
    for written in ("Werbung", "Uhren", "spam.example.com"):
        assert written not in confirmation.body
        assert written not in confirmation.subject

    # Unconfirmed: approving sends nothing.
    run_mail(
        django_capture_on_commit_callbacks,
        run_tasks,
        lambda: comments.comment_approve(comment=comment, moderator=moderator),
    )
    assert len(mail.outbox) == 1


def test_confirmation_mails_per_address_and_day_are_limited(
    page, settings, django_capture_on_commit_callbacks, run_tasks
):
    settings.CONFIRMATION_MAILS_PER_DAY = 2
    for n in range(4):
        run_mail(
            django_capture_on_commit_callbacks,
            run_tasks,
            lambda n=n: submit(
                page, author_email="ziel@example.org", notify=True, text=f"Text {n}"
            ),
        )
    assert [m.to for m in mail.outbox] == [["ziel@example.org"], ["ziel@example.org"]]
    assert Comment.objects.count() == 4  # the comments themselves are kept


def test_an_accounts_verified_address_counts_as_confirmed(page):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="konto@example.org")
    EmailAddress.objects.create(user=user, email="konto@example.org", verified=True, primary=True)
    submit(page, user=user, author_email="konto@example.org", notify=True)
    assert ConfirmedAddress.objects.filter(email="konto@example.org", notify=True).exists()


def test_confirming_and_unsubscribing(page):
    token = services.confirmation_token("Neu@Example.org")
    address = services.address_confirm_link(link=services.confirmation_link(token))
    assert address.email == "neu@example.org"
    assert address.notify
    assert services.address_unsubscribe(token=address.unsubscribe_token).notify is False
    assert services.address_unsubscribe(token="unbekannt") is None
    # Confirming again with a new link (a new opt-in) subscribes again.
    new_link = services.confirmation_link(services.confirmation_token("neu@example.org"))
    assert services.address_confirm_link(link=new_link).notify is True
