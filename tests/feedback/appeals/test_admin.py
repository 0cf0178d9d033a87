"""Appeals in the admin, as moderators use it: the list (open first, oldest first), the
second review by another moderator, and the same moderator refused with a form error."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from feedback.appeals.services import appeal_decide, appeal_submit
from feedback.comments import services as comments
from feedback.models import Appeal, AppealStatus, Comment, CommentStatus
from tests.feedback.appeals.helpers import AUTHOR, decision_of, submitted
from tests.feedback.factories import signed_in
from tests.strategy.factories import PageFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:feedback_appeal_changelist")


def change_url(appeal: Appeal) -> str:
    return reverse("admin:feedback_appeal_change", args=[appeal.pk])


def test_the_list_shows_open_appeals_first_oldest_first(
    moderator, second_moderator, decision_reason, author_address
):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=11), tick=False):
        page = PageFactory()
    appeals = []
    for days_ago in (10, 6, 3):
        with time_machine.travel(now - timedelta(days=days_ago), tick=False):
            comment = submitted(page, text=f"Kommentar vor {days_ago} Tagen")
            comments.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
            appeals.append(appeal_submit(decision=decision_of(comment, "reject"), text="Bitte."))
    oldest, middle, newest = appeals
    appeal_decide(appeal=oldest, reviewer=second_moderator, overturn=False, reason="Bleibt.")
    response = signed_in(second_moderator).get(CHANGELIST)
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [
        middle.pk,
        newest.pk,
        oldest.pk,
    ]
    filtered = signed_in(second_moderator).get(CHANGELIST, {"status__exact": "open"})
    assert {row.pk for row in filtered.context["cl"].result_list} == {middle.pk, newest.pk}


def test_the_moderator_who_decided_gets_a_form_error(rejected, moderator):
    appeal = appeal_submit(decision=rejected, text="Das war sachlich.")
    client = signed_in(moderator)
    page = unescape(client.get(change_url(appeal)).content.decode())
    assert "Das war sachlich." in page
    assert "Zweite Prüfung" in page
    response = client.post(change_url(appeal), {"outcome": "overturn", "review": "Passt."})
    assert response.status_code == 200
    assert "Über den Widerspruch entscheidet eine andere Moderatorin" in unescape(
        response.content.decode()
    )
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN
    assert Comment.objects.get(pk=rejected.comment_id).status == CommentStatus.REJECTED


def test_another_moderator_overturns_with_a_reason(
    rejected, second_moderator, django_capture_on_commit_callbacks, run_tasks
):
    appeal = appeal_submit(decision=rejected, text="Das war sachlich.")
    client = signed_in(second_moderator)
    response = client.post(change_url(appeal), {"outcome": "overturn", "review": ""})
    assert response.status_code == 200
    assert "Bitte begründen Sie die Entscheidung" in unescape(response.content.decode())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(appeal), {"outcome": "overturn", "review": "Kein Verstoß."}
        )
    run_tasks()
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reviewer) == (AppealStatus.OVERTURNED, second_moderator)
    assert Comment.objects.get(pk=rejected.comment_id).is_public
    (told,) = mail.outbox
    assert told.to == [AUTHOR]
    # Decided: the page shows the review, and no second decision can be made.
    page = unescape(client.get(change_url(appeal)).content.decode())
    assert "Kein Verstoß." in page
    assert 'name="outcome"' not in page


def test_a_decided_appeal_cannot_be_decided_again_by_a_stale_form(rejected, second_moderator):
    from tests.feedback.factories import UserFactory

    appeal = appeal_submit(decision=rejected, text="Bitte.")
    third = UserFactory(username="moderator3", groups=["Moderation"])
    stale = signed_in(third)
    stale.get(change_url(appeal))
    appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=False, reason="Bleibt.")
    response = stale.post(change_url(appeal), {"outcome": "overturn", "review": "Doch."})
    assert response.status_code == 200
    assert "bereits entschieden" in unescape(response.content.decode())
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD


def test_editors_see_no_appeals(editor, rejected):
    appeal_submit(decision=rejected, text="Bitte.")
    assert signed_in(editor).get(CHANGELIST).status_code == 403


def test_the_list_query_count_does_not_grow_with_its_rows(
    rejected, page, moderator, second_moderator, decision_reason, django_assert_num_queries
):
    client = signed_in(second_moderator)
    appeal_submit(decision=rejected, text="Bitte.")
    client.get(CHANGELIST)
    with django_assert_num_queries(QUERIES) as one:
        assert client.get(CHANGELIST).status_code == 200
    for number in range(3):
        comment = submitted(page, text=f"Noch einer {number}")
        comments.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
        appeal_submit(decision=decision_of(comment, "reject"), text="Bitte.")
    with django_assert_num_queries(len(one)):
        assert client.get(CHANGELIST).status_code == 200


# Session and user (2), the second factor (1), the user's and the groups' permissions (2),
# the list's two counts (filtered and all) and the page of rows, each joined to its
# decision, comment and reason (3).
QUERIES = 8
