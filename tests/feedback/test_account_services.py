import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import DatabaseError

from feedback import account_services
from feedback.comments import services
from feedback.models import Comment, ConfirmedAddress
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_deleting_an_account_anonymizes_its_comments(page, moderator):
    user = UserFactory(username="geheim", email="geheim@example.org")
    ConfirmedAddressFactory(email="geheim@example.org")
    comment = ApprovedCommentFactory(
        target=page,
        user=user,
        author_name="Gerda Geheim",
        author_email="geheim@example.org",
        notify=True,
    )
    answer = services.comment_answer(comment=comment, staff=moderator, text="Danke")
    assert account_services.account_delete(user=user) == 1
    comment.refresh_from_db()
    assert (comment.author_name, comment.author_email, comment.user, comment.notify) == (
        "gelöschtes Konto",
        "",
        None,
        False,
    )
    assert comment.text.startswith("Meinung")
    assert comment.is_public
    assert not ConfirmedAddress.objects.filter(email="geheim@example.org").exists()
    answer.refresh_from_db()
    assert answer.author_name == "Stadt Verl"


def test_an_account_deletion_failing_half_way_changes_nothing(page, monkeypatch):
    user = UserFactory(username="geheim", email="geheim@example.org")
    ConfirmedAddressFactory(email="geheim@example.org")
    comment = ApprovedCommentFactory(
        target=page, user=user, author_name="Gerda Geheim", author_email="geheim@example.org"
    )

    def connection_lost(self, *args, **kwargs):
        raise DatabaseError("connection lost")

    # The comments are anonymized and the address is gone by the time the account is deleted.
    monkeypatch.setattr(get_user_model(), "delete", connection_lost)
    with pytest.raises(DatabaseError):
        account_services.account_delete(user=user)
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.author_name, comment.author_email, comment.user) == (
        "Gerda Geheim",
        "geheim@example.org",
        user,
    )
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert ConfirmedAddress.objects.filter(email="geheim@example.org").exists()


def test_deleting_an_account_can_anonymize_guest_comments_of_its_verified_addresses(page):
    user = UserFactory(username="geheim", email="geheim@example.org")
    EmailAddress.objects.create(user=user, email="geheim@example.org", verified=True)
    EmailAddress.objects.create(user=user, email="unbestaetigt@example.org", verified=False)
    own = ApprovedCommentFactory(target=page, user=user, author_name="Gerda")
    guest = ApprovedCommentFactory(
        target=page, author_name="Gerda G.", author_email="Geheim@Example.ORG", notify=True
    )
    pending_guest = CommentFactory(target=page, author_name="G.", author_email="geheim@example.org")
    unverified = ApprovedCommentFactory(
        target=page, author_name="Fremd", author_email="unbestaetigt@example.org"
    )
    other = ApprovedCommentFactory(target=page, author_name="Otto", author_email="otto@example.org")
    assert list(account_services.account_guest_comments(user=user).order_by("pk")) == [
        guest,
        pending_guest,
    ]

    assert account_services.account_delete(user=user, guest_comments=True) == 3

    for comment in (own, guest, pending_guest):
        comment.refresh_from_db()
        assert (comment.author_name, comment.author_email, comment.user, comment.notify) == (
            "gelöschtes Konto",
            "",
            None,
            False,
        )
    for comment, name in ((unverified, "Fremd"), (other, "Otto")):
        comment.refresh_from_db()
        assert comment.author_name == name


def test_deleting_an_account_leaves_guest_comments_unless_asked(page):
    user = UserFactory(username="geheim", email="geheim@example.org")
    EmailAddress.objects.create(user=user, email="geheim@example.org", verified=True)
    guest = ApprovedCommentFactory(target=page, author_name="Gerda", author_email=user.email)

    assert account_services.account_delete(user=user) == 0

    guest.refresh_from_db()
    assert (guest.author_name, guest.author_email) == ("Gerda", "geheim@example.org")
