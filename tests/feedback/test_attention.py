"""The admin's start page, "Was braucht meine Aufmerksamkeit?": counts, the lists they link
to, who sees which block, and its query count."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from feedback import attention
from feedback.appeals.services import appeal_decide, appeal_submit
from feedback.attention import attention_blocks, attention_counts
from feedback.comments import services as comment_services
from feedback.inbox.services import conversation_answer, conversation_assign
from feedback.models import Case, ReportReason
from tests.feedback.factories import RejectionReasonFactory, signed_in

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
INDEX = reverse("admin:index")
APPEALS = "offene Widersprüche gegen Moderationsentscheidungen"


def at(day: int, hour: int = 9):
    return time_machine.travel(datetime(2027, 6, day, hour, tzinfo=BERLIN), tick=False)


def form_message(subject: str):
    from feedback.inbox.services import conversation_open_from_form

    return conversation_open_from_form(
        name="E",
        email=f"{subject.split()[0].lower()}@example.org",
        subject=subject,
        topic=None,
        text="Guten Tag.",
        consent_version="1",
    )


@pytest.fixture
def today():
    """Wednesday, 16 June 2027, 9:00 in Verl."""
    with at(16) as traveller:
        yield traveller


@pytest.fixture
def work(page, moderator):
    """One of each: a waiting comment, a reported comment, a new unassigned message, a
    message assigned to the moderator whose case is overdue, and an open appeal."""
    with at(1, 10):
        late = form_message("Alte Frage")  # due 15 June
        conversation_assign(conversation=late, assignee=moderator, actor=moderator)
    with at(10):
        reported = comment_services.comment_submit(target=page, author_name="B", text="Gemeldet")
        comment_services.comment_approve(comment=reported, moderator=moderator)
    with at(15):
        comment_services.comment_report(comment=reported, reason=ReportReason.values[0])
    with at(16, 8):
        waiting = comment_services.comment_submit(target=page, author_name="A", text="Wartet")
        new = form_message("Neue Frage")
    with at(14):
        rejected = comment_services.comment_submit(target=page, author_name="C", text="Nein")
        comment_services.comment_reject(
            comment=rejected, moderator=moderator, reason=RejectionReasonFactory()
        )
        appeal = appeal_submit(decision=rejected.actions.get(action="reject"), text="Bitte!")
    return {
        "late": late,
        "reported": reported,
        "waiting": waiting,
        "new": new,
        "appeal": appeal,
    }


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return {row.pk for row in response.context["cl"].result_list}


def links(user):
    from django.utils import timezone

    blocks = attention_blocks(attention_counts(user=user), now=timezone.now())
    return {item.label: item for block in blocks for item in block.items}


def test_counts_of_one_of_each(work, moderator, today):
    counts = attention_counts(user=moderator)
    assert counts.comments_pending == 1
    assert counts.comments_reported == 1
    assert counts.messages_unassigned == 1
    assert counts.messages_mine == 1
    assert counts.cases_overdue == 1
    assert counts.cases_due_soon == 1  # the waiting comment: moderation is due in two days
    assert counts.appeals_open == 1


def test_each_count_links_to_exactly_its_items(work, moderator, today):
    client = signed_in(moderator)
    items = links(moderator)
    assert rows(client, items["Kommentare warten auf Prüfung"].url) == {work["waiting"].pk}
    assert rows(client, items["Kommentare mit offenen Meldungen"].url) == {work["reported"].pk}
    assert rows(client, items["neue Nachrichten, niemandem zugewiesen"].url) == {work["new"].pk}
    assert rows(client, items["offene Nachrichten, mir zugewiesen"].url) == {work["late"].pk}
    late_case = Case.objects.get(conversation=work["late"])
    waiting_case = Case.objects.get(comment=work["waiting"])
    assert rows(client, items["Fälle überfällig"].url) == {late_case.pk}
    assert rows(client, items["Fälle fällig in 2 Arbeitstagen"].url) == {waiting_case.pk}
    assert rows(client, items[APPEALS].url) == {work["appeal"].pk}


def test_a_waiting_reply_is_counted_and_found_in_the_queue_as_a_reply(work, page, moderator, today):
    """A reply has no case, so it is not in *Alle Rückmeldungen*: the start page counts it
    among the comments waiting, says so, and its link opens the queue that shows it."""
    with at(12):
        parent = comment_services.comment_submit(target=page, author_name="P", text="Frage")
        comment_services.comment_approve(comment=parent, moderator=moderator)
    parent.refresh_from_db()
    with at(16, 8):
        reply = comment_services.comment_submit(
            target=page, author_name="R", text="Eine Antwort", parent=parent
        )
    assert not Case.objects.filter(comment=reply).exists()
    counts = attention_counts(user=moderator)
    assert (counts.comments_pending, counts.replies_pending) == (2, 1)

    item = links(moderator)["Kommentare warten auf Prüfung"]
    assert item.count == 2
    assert item.note == "davon 1 Antwort, der älteste wartet seit 1 Stunde"
    client = signed_in(moderator)
    assert rows(client, item.url) == {work["waiting"].pk, reply.pk}
    html = client.get(item.url).content.decode()
    assert "Antwort: Eine Antwort" in html
    assert html.count("Antwort: ") == 1  # the top-level comment is not marked


def test_the_start_page_shows_the_counts_with_their_links(work, moderator, today):
    response = signed_in(moderator).get(INDEX)
    html = response.content.decode()
    assert "Was braucht meine Aufmerksamkeit?" in html
    for item in links(moderator).values():
        assert f'href="{item.url.replace("&", "&amp;")}"' in html
        assert f"<strong>{item.count}</strong> {item.label}" in html
    assert "der älteste wartet seit 1 Stunde" in html
    assert html.index("Was braucht meine Aufmerksamkeit?") < html.index('class="app-feedback')


def test_feedback_comes_first_in_the_app_list(moderator, admin_client):
    apps = admin_client.get(INDEX).context["app_list"]
    assert apps[0]["app_label"] == "feedback"
    assert len(apps) > 1


def test_the_counts_go_to_zero_when_the_work_is_done(
    work, moderator, today, decision_reason, second_moderator
):
    comment_services.comment_approve(comment=work["waiting"], moderator=moderator)
    comment_services.comment_mark_spam(
        comment=work["reported"], moderator=moderator, reason=decision_reason
    )
    conversation_assign(conversation=work["new"], assignee=moderator, actor=moderator)
    for conversation in (work["late"], work["new"]):
        conversation_answer(conversation=conversation, author=moderator, text="Antwort.")
    appeal_decide(
        appeal=work["appeal"], reviewer=second_moderator, overturn=False, reason="Bleibt."
    )
    counts = attention_counts(user=moderator)
    assert counts.appeals_open == 0
    assert counts.comments_pending == 0
    assert counts.oldest_pending_at is None
    assert counts.comments_reported == 0
    assert counts.messages_unassigned == 0
    assert counts.messages_mine == 0
    assert counts.cases_overdue == 0
    assert counts.cases_due_soon == 0
    html = signed_in(moderator).get(INDEX).content.decode()
    assert "<strong>0</strong> Kommentare warten auf Prüfung" in html


def test_assigned_messages_are_mine_until_answered(work, moderator, today):
    conversation_assign(conversation=work["new"], assignee=moderator, actor=moderator)
    counts = attention_counts(user=moderator)
    assert (counts.messages_mine, counts.messages_unassigned) == (2, 0)
    conversation_answer(conversation=work["new"], author=moderator, text="Antwort.")
    assert attention_counts(user=moderator).messages_mine == 1


def test_large_counts_stop_at_the_limit_and_show_a_plus(work, page, moderator, today, monkeypatch):
    """Counting 45,000 waiting comments exactly cost every view of the start page (make
    bench-large): beyond COUNT_LIMIT the page says "n+", and the oldest is still the oldest."""
    monkeypatch.setattr(attention, "COUNT_LIMIT", 2)
    with at(14):
        oldest = comment_services.comment_submit(target=page, author_name="O", text="Älteste")
    with at(16, 8):
        comment_services.comment_submit(target=page, author_name="C", text="Noch eine")
    with at(1, 11):
        form_message("Zweite alte Frage")
        form_message("Dritte alte Frage")

    counts = attention_counts(user=moderator)
    assert counts.comments_pending == 2
    assert counts.cases_overdue == 2
    assert counts.capped == {
        "comments_pending",
        "messages_unassigned",
        "cases_overdue",
        "cases_due_soon",
    }
    assert counts.oldest_pending_at == oldest.created_at
    html = signed_in(moderator).get(INDEX).content.decode()
    assert "<strong>2+</strong> Kommentare warten auf Prüfung" in html
    assert "der älteste wartet seit 2 Tagen" in html
    assert "<strong>2+</strong> Fälle überfällig" in html
    assert "<strong>2+</strong> Fälle fällig in 2 Arbeitstagen" in html
    assert "<strong>2+</strong> neue Nachrichten" in html
    assert "<strong>1</strong> offene Nachrichten, mir zugewiesen" in html


def test_editors_see_no_inbox_or_moderation_counts(work, editor, today):
    counts = attention_counts(user=editor)
    assert counts.messages_unassigned is None
    assert counts.comments_pending is None
    assert counts.cases_overdue is None
    html = signed_in(editor).get(INDEX).content.decode()
    assert "Was braucht meine Aufmerksamkeit?" not in html
    assert "Nachrichten" not in html


# Session and user (2), the second factor (1), the user's and the groups' permissions (2),
# the counts (8: pending comments with the oldest, pending replies, open reports, new
# unassigned and the user's open conversations, overdue and due-soon cases, open appeals),
# the admin log (1). The same however much is waiting.
START_PAGE_QUERIES = 14


def test_the_start_page_query_count_is_pinned(
    work, page, moderator, today, django_assert_num_queries
):
    client = signed_in(moderator)
    client.get(INDEX)
    with django_assert_num_queries(START_PAGE_QUERIES):
        response = client.get(INDEX)
    assert response.status_code == 200
    with at(16, 8):
        for number in range(5):
            comment_services.comment_submit(target=page, author_name="C", text=f"Mehr {number}")
            form_message(f"Weitere Frage {number}")
    with django_assert_num_queries(START_PAGE_QUERIES):
        response = client.get(INDEX)
    assert "<strong>6</strong> Kommentare warten auf Prüfung" in response.content.decode()
