"""Admin lists at a million rows: counted up to a limit, estimated beyond."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.admin_tools import LargeTablePaginator
from feedback.models import Comment
from tests.feedback.factories import ConversationFactory, signed_in
from tests.strategy.factories import PageFactory

pytestmark = pytest.mark.django_db


CHANGELIST = "admin:feedback_comment_changelist"


def _counts(captured) -> list[str]:
    # The counts themselves: a page's rows may count something of their own in a subquery.
    return [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(")]


def test_a_long_queue_is_never_counted_in_full(moderator_client, monkeypatch):
    monkeypatch.setattr(LargeTablePaginator, "EXACT_LIMIT", 5)
    page = PageFactory()
    Comment.objects.bulk_create(
        [
            Comment(target=page, author_name="A", text=f"Nr. {n}", status="pending")
            for n in range(12)
        ]
        + [
            Comment(target=page, author_name="B", text=f"Ok {n}", status="approved")
            for n in range(3)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_comment")
    for query, shown in [
        ({"status__exact": "alle"}, "15 Kommentare"),
        ({}, "12 Kommentare"),  # the queue opens on the pending comments
    ]:
        with CaptureQueriesContext(connection) as captured:
            html = moderator_client.get(reverse(CHANGELIST), query).content.decode()
        assert shown in html  # the planner's estimate, exact here after ANALYZE
        assert _counts(captured), "the paginator counts"
        assert all("LIMIT 6" in sql for sql in _counts(captured)), _counts(captured)
        # Neither the count nor the estimate computes the page's report counts per row.
        paginator = [q["sql"] for q in captured if q["sql"].startswith(("SELECT COUNT", "EXPLAIN"))]
        assert not any("feedback_commentreport" in sql for sql in paginator), paginator
    # Short lists are counted exactly.
    html = moderator_client.get(reverse(CHANGELIST), {"status__exact": "approved"}).content
    assert "3 Kommentare" in html.decode()


def test_the_inbox_is_never_counted_in_full(moderator, monkeypatch, superuser):
    monkeypatch.setattr(LargeTablePaginator, "EXACT_LIMIT", 2)
    for _ in range(4):
        ConversationFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_conversation")
    with CaptureQueriesContext(connection) as captured:
        response = signed_in(superuser).get(reverse("admin:feedback_conversation_changelist"))
    assert response.status_code == 200
    assert "4 Vorgänge" in response.content.decode()  # the paginator says "4 <plural>"
    assert all("LIMIT 3" in sql for sql in _counts(captured)), _counts(captured)
