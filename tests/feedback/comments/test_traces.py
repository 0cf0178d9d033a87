"""A comment taken off the page after publication leaves a trace; its public replies stay."""

import importlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import formats, timezone, translation

from feedback.comments import services
from feedback.models import Comment, ReportReason
from feedback.privacy import erasure
from strategy.search import search
from tests.feedback.comments.test_admin import form_data
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    RejectionReasonFactory,
    UserFactory,
)
from tests.strategy.factories import MeasureFactory, NewsPostFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SECRET = "Zauberwortgeheimnis steht im entfernten Beitrag."
# Reading a page with comments (measured; the same without traces): the traces come with the
# page of comments and its replies, no query of their own.
PAGE_QUERIES = 8


def comments_section(html: str) -> str:
    return re.search(r'<section id="kommentare".*?</section>', html, re.S).group(0)


def trace(moment: datetime, reason: str = "") -> str:
    with translation.override("de"):
        day = formats.date_format(timezone.localtime(moment), "DATE_FORMAT")
    sentence = f"Dieser Beitrag wurde am {day} von der Moderation ausgeblendet."
    return f"{sentence} Grund: {reason}" if reason else sentence


@pytest.fixture
def discussion(page):
    """A public comment by Hanna with a public reply, and a pending reply."""
    comment = ApprovedCommentFactory(target=page, author_name="Hanna Hinz", text=SECRET)
    reply = ApprovedCommentFactory(
        target=page, parent=comment, author_name="Rudi", text="Die Antwort bleibt lesbar."
    )
    CommentFactory(target=page, parent=comment, text="Noch nicht freigegeben.")
    return comment, reply


def section(client, page) -> str:
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    return comments_section(response.content.decode())


def test_a_hidden_comment_leaves_a_trace_and_its_public_reply_stays(
    client, page, discussion, moderator, django_capture_on_commit_callbacks
):
    comment, reply = discussion
    assert SECRET in section(client, page)  # the comment list is now cached
    reason = RejectionReasonFactory(title="Beleidigung", text="Mailtext an die Verfasserin")
    late_evening = datetime(2027, 3, 5, 23, 30, tzinfo=BERLIN)  # 22:30 UTC: the date is Verl's
    with (
        time_machine.travel(late_evening, tick=False),
        django_capture_on_commit_callbacks(execute=True),  # the pages are marked stale
    ):
        services.comment_hide(
            comment=comment,
            moderator=moderator,
            reason="Interne Notiz zu Frau Hinz",
            rejection_reason=reason,
        )

    comment.refresh_from_db()
    assert (comment.removal_reason, comment.removed_at.astimezone(BERLIN).day) == (
        "Beleidigung",
        5,
    )
    html = section(client, page)
    assert trace(comment.removed_at, "Beleidigung") in html
    assert "5. März 2027" in html
    assert f'id="kommentar-{comment.pk}"' in html
    for gone in (SECRET, "Hanna Hinz", "Interne Notiz", "Mailtext", "Beitrag melden</a>\n"):
        assert gone not in html
    assert "Die Antwort bleibt lesbar." in html
    assert "Noch nicht freigegeben." not in html
    assert f'href="/kommentare/{comment.pk}/melden/"' not in html
    assert f'href="/kommentare/{comment.pk}/antworten/"' not in html
    # The reply's permalink still leads to it; the removed comment's does not.
    assert client.get(reply.get_absolute_url()).status_code == 302
    assert client.get(comment.get_absolute_url()).status_code == 404

    # Restored: the comment is back and the trace gone.
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_restore(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert (comment.removed_at, comment.removal_reason) == (None, "")
    html = section(client, page)
    assert SECRET in html
    assert "von der Moderation ausgeblendet" not in html


def test_rejecting_or_marking_as_spam_after_approval_leaves_a_trace(
    client, page, discussion, moderator, django_capture_on_commit_callbacks
):
    comment, _reply = discussion
    other = ApprovedCommentFactory(target=page, text="Werbung für Gartenmöbel")
    pending = CommentFactory(target=page, text="Nie veröffentlicht")
    reason = RejectionReasonFactory(title="Off-Topic", text="Bitte bleiben Sie beim Thema.")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_reject(
            comment=comment, moderator=moderator, reason=reason, note="intern: Nachbarstreit"
        )
        services.comment_mark_spam(comment=other, moderator=moderator, reason=reason, note="Bot")
        services.comment_reject(comment=pending, moderator=moderator, reason=reason)

    comment.refresh_from_db()
    other.refresh_from_db()
    html = section(client, page)
    assert trace(comment.removed_at, "Off-Topic") in html
    assert trace(other.removed_at, "Spam") in html
    assert "Die Antwort bleibt lesbar." in html
    for gone in (SECRET, "intern", "Bitte bleiben Sie beim Thema.", "Gartenmöbel", "Bot"):
        assert gone not in html
    # A comment that was never public leaves nothing.
    pending.refresh_from_db()
    assert pending.removed_at is None
    assert "Nie veröffentlicht" not in html
    assert html.count("von der Moderation ausgeblendet") == 2

    # Approved again: public, no trace.
    services.comment_approve(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert (comment.is_public, comment.removed_at, comment.removal_reason) == (True, None, "")


def test_a_comment_hidden_by_reports_says_it_waits_for_review(
    client, page, discussion, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_REPORT_THRESHOLD = 1
    comment, _reply = discussion
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_report(comment=comment, reason=ReportReason.ABUSE, reporter=UserFactory())
    html = section(client, page)
    assert (
        "Dieser Beitrag ist nach Meldungen ausgeblendet, bis die Moderation ihn geprüft hat."
        in (html)
    )
    assert SECRET not in html
    assert "Die Antwort bleibt lesbar." in html


def test_the_hidden_text_is_not_in_the_search_the_feeds_or_the_open_data(
    client, page, discussion, moderator, decision_reason
):
    comment, reply = discussion
    MeasureFactory()
    NewsPostFactory()
    assert [hit.url for hit in search("Zauberwortgeheimnis")] == [comment.get_absolute_url()]
    services.comment_hide(comment=comment, moderator=moderator, rejection_reason=decision_reason)

    assert list(search("Zauberwortgeheimnis")) == []
    assert [hit.url for hit in search("Antwort lesbar")] == [reply.get_absolute_url()]
    response = client.get(reverse("strategy:search"), {"q": "Zauberwortgeheimnis"})
    assert response.status_code == 200
    html = response.content.decode()  # the query itself is echoed; the comment is not
    for gone in (f"/kommentare/{comment.pk}/", "Hanna Hinz", "entfernten Beitrag"):
        assert gone not in html
    for name in ("measure_feed", "news_feed", "event_feed", "data_json", "data_csv"):
        response = client.get(reverse(f"strategy:{name}"))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert "Zauberwortgeheimnis" not in body, name
        assert "Hanna Hinz" not in body, name


def test_a_page_with_traces_reads_no_more_queries(
    client, page, discussion, moderator, django_assert_num_queries, decision_reason
):
    comment, _reply = discussion
    services.comment_hide(comment=comment, moderator=moderator, rejection_reason=decision_reason)
    ApprovedCommentFactory.create_batch(3, target=page)
    hidden_reply = ApprovedCommentFactory(target=page, parent=comment)
    services.comment_hide(
        comment=hidden_reply, moderator=moderator, rejection_reason=decision_reason
    )
    with django_assert_num_queries(PAGE_QUERIES):
        html = section(client, page)
    assert html.count("von der Moderation ausgeblendet") == 2
    assert Comment.objects.listed().count() == 6


def test_the_moderators_hide_takes_the_public_reason_from_the_reason_list(page, moderator_client):
    comment = ApprovedCommentFactory(target=page)
    reason = RejectionReasonFactory(title="Persönliche Daten")
    url = reverse("admin:feedback_comment_change", args=[comment.pk])
    data = form_data(moderator_client.get(url).content.decode())
    data.update(decision="hide", rejection_reason=str(reason.pk), note="Telefonnummer genannt")
    assert moderator_client.post(url, data).status_code == 302
    comment.refresh_from_db()
    assert (comment.is_hidden, comment.removal_reason) == (True, "Persönliche Daten")
    assert comment.actions.get().reason == "Telefonnummer genannt"


def test_erasure_and_retention_keep_the_trace_and_the_replies_of_others(
    client, page, discussion, moderator, decision_reason
):
    comment, reply = discussion
    comment.author_email = "hanna@example.org"
    comment.save()
    services.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
    summary = erasure.personal_data_erase(email="hanna@example.org", actor=moderator)
    assert (summary["comments_anonymized"], summary["comments_deleted"]) == (1, 0)
    comment.refresh_from_db()
    assert (comment.text, comment.author_name, comment.author_email) == ("", "anonym", "")
    assert Comment.objects.public().get() == reply
    html = section(client, page)
    assert "von der Moderation ausgeblendet" in html
    assert "Die Antwort bleibt lesbar." in html

    counts = erasure.personal_data_purge(now=timezone.now() + timedelta(days=3 * 365))
    assert counts["comments_deleted"] == 1  # the pending reply, never public
    assert Comment.objects.listed().count() == 2
    assert Comment.objects.public().get() == reply


def test_the_migration_dates_the_traces_of_comments_removed_before(
    page, moderator, decision_reason
):
    migration = importlib.import_module("feedback.migrations.0016_comment_removal_trace")
    hidden = ApprovedCommentFactory(target=page)
    services.comment_hide(comment=hidden, moderator=moderator, rejection_reason=decision_reason)
    rejected = CommentFactory(target=page)
    services.comment_approve(comment=rejected, moderator=moderator)  # logged as approved once
    services.comment_reject(comment=rejected, moderator=moderator, reason=decision_reason)
    by_reports = ApprovedCommentFactory(target=page, hidden_at=timezone.now())
    never_public = CommentFactory(target=page)
    services.comment_mark_spam(comment=never_public, moderator=moderator, reason=decision_reason)
    # As before the migration: no traces recorded.
    Comment.objects.update(removed_at=None, removal_reason="")

    migration.traces_from_the_log(django_apps, None)

    hidden.refresh_from_db()
    rejected.refresh_from_db()
    assert hidden.removed_at == hidden.hidden_at
    assert rejected.removed_at == rejected.actions.get(action="reject").created_at
    assert set(Comment.objects.filter(removed_at__isnull=False)) == {hidden, rejected}
    assert by_reports.pk not in {c.pk for c in Comment.objects.filter(removed_at__isnull=False)}
    assert never_public.pk not in {c.pk for c in Comment.objects.listed()}
