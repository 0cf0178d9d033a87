import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError

from feedback import account_services
from feedback.comments import services
from feedback.models import Comment, ConfirmedAddress
from tests.feedback.factories import ApprovedCommentFactory, ConfirmedAddressFactory, UserFactory

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
