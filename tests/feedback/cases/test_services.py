"""Deadlines with a frozen clock, pausing for the citizen, outcomes, duplicates, selectors."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from feedback.cases import services
from feedback.cases.links import case_url
from feedback.cases.selectors import cases_due_soon, cases_overdue, measure_contributions
from feedback.comments import services as comment_services
from feedback.inbox.ingest import message_ingest
from feedback.inbox.services import (
    conversation_answer,
    conversation_edit,
    conversation_open_from_form,
    conversation_set_status,
)
from feedback.models import AnswerTargetUnit, CaseOutcome, CaseStatus, ConversationStatus
from strategy.base import TransitionNotAllowed
from tests.feedback.factories import TopicFactory
from tests.strategy.factories import MeasureFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at(year, month, day, hour=10):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=BERLIN), tick=False)


def open_case(topic=None, email="erika@example.org"):
    return conversation_open_from_form(
        name="Erika", email=email, subject="Frage", topic=topic, text="Text", consent_version="1"
    )


def test_ten_working_days_across_easter():
    with at(2026, 4, 2):  # Thursday before Karfreitag
        case = open_case().case
    assert case.due_date == date(2026, 4, 20)


def test_ten_working_days_across_christmas():
    with at(2026, 12, 23):
        case = open_case().case
    assert case.due_date == date(2027, 1, 8)


def test_a_barrier_report_is_due_in_one_month_fronleichnam_moves_it():
    barrier = TopicFactory(
        name="Barriere melden", answer_target=1, answer_target_unit=AnswerTargetUnit.MONTHS
    )
    with at(2026, 5, 4):
        case = open_case(topic=barrier).case
    assert case.due_date == date(2026, 6, 5)  # 4 June is Fronleichnam in NRW


def test_comments_have_a_moderation_target(page, settings):
    settings.COMMENT_MODERATION_TARGET_DAYS = 2
    with at(2027, 5, 26):  # Wednesday; Thursday is Fronleichnam
        comment = comment_services.comment_submit(target=page, author_name="A", text="Eins")
    assert comment.case.due_date == date(2027, 5, 31)


def test_the_clock_pauses_while_the_citizen_is_asked_and_resumes_on_reply(moderator):
    with at(2026, 6, 1):  # Monday
        conversation = open_case()
    assert conversation.case.due_date == date(2026, 6, 16)
    with at(2026, 6, 2):
        conversation_answer(
            conversation=conversation, author=moderator, text="Welche Straße?", asks_citizen=True
        )
    conversation.case.refresh_from_db()
    assert conversation.case.status == CaseStatus.WAITING
    assert conversation not in cases_overdue(today=date(2026, 12, 1))
    # The citizen replies a week later (five working days minus Fronleichnam: four).
    answer = conversation.messages.get(direction="out")
    raw = (
        f"From: erika@example.org\r\nTo: digital@verl.de\r\nSubject: Re: Frage\r\n"
        f"Message-ID: <antwort@example.org>\r\nIn-Reply-To: <{answer.message_id}>\r\n\r\n"
        "Die Hauptstraße.\r\n"
    ).encode()
    with at(2026, 6, 9):
        result = message_ingest(raw=raw)
    assert result.conversation == conversation
    case = conversation.case
    case.refresh_from_db()
    assert case.status == CaseStatus.RECEIVED
    assert case.paused_days == 4  # 3, 5, 8, 9 June; 4 June is Fronleichnam
    assert case.due_date == date(2026, 6, 22)


def test_a_topic_change_moves_the_due_date():
    with at(2026, 6, 1):
        conversation = open_case()
        barrier = TopicFactory(answer_target=1, answer_target_unit=AnswerTargetUnit.MONTHS)
        conversation_edit(
            conversation=conversation,
            status=ConversationStatus.IN_PROGRESS,
            topic=barrier,
            assignee=None,
            notes="",
            actor=None,
        )
    conversation.case.refresh_from_db()
    assert conversation.case.due_date == date(2026, 7, 1)
    assert conversation.case.status == CaseStatus.IN_PROGRESS


def test_selectors_overdue_and_due_soon():
    with at(2026, 6, 1):
        first = open_case(email="a@example.org").case  # due 16 June
    with at(2026, 6, 10):
        second = open_case(email="b@example.org").case  # due 24 June
    assert list(cases_overdue(today=date(2026, 6, 17))) == [first]
    assert set(cases_due_soon(today=date(2026, 6, 12))) == {first}  # 12, 15, 16 June
    assert set(cases_due_soon(today=date(2026, 6, 22))) == {second}
    assert list(cases_overdue(today=date(2026, 6, 16))) == []


def test_closing_needs_an_outcome_and_the_outcome_is_checked(moderator):
    conversation = open_case()
    with pytest.raises(ValidationError, match="Ergebnis des Falls"):
        conversation_edit(
            conversation=conversation,
            status=ConversationStatus.CLOSED,
            topic=None,
            assignee=None,
            notes="",
            actor=None,
        )
    measure = MeasureFactory()
    conversation_edit(
        conversation=conversation,
        status=ConversationStatus.CLOSED,
        topic=None,
        assignee=None,
        notes="",
        actor=None,
        outcome=CaseOutcome.ADOPTED,
        outcome_details={"measure": measure},
    )
    case = conversation.case
    case.refresh_from_db()
    assert (case.status, case.outcome, case.outcome_measure) == (
        CaseStatus.CLOSED,
        CaseOutcome.ADOPTED,
        measure,
    )
    with pytest.raises(ValidationError) as refused:
        services.case_outcome_record(case=case, outcome=CaseOutcome.NOT_ADOPTED)
    assert "Grund" in str(refused.value)


def test_a_status_change_cannot_close_a_case_without_its_outcome():
    conversation = open_case()
    with pytest.raises(ValidationError, match="Ergebnis des Falls"):
        conversation_set_status(conversation=conversation, status=ConversationStatus.CLOSED)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.NEW
    services.case_outcome_record(case=conversation.case, outcome=CaseOutcome.INFORMATION)
    closed = conversation_set_status(conversation=conversation, status=ConversationStatus.CLOSED)
    assert closed.status == ConversationStatus.CLOSED


def test_answering_and_closing_records_that_information_was_given(moderator):
    conversation = open_case()
    conversation_answer(conversation=conversation, author=moderator, text="Antwort", close=True)
    case = conversation.case
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, CaseOutcome.INFORMATION)


@pytest.mark.parametrize("step", ["comment_reject", "comment_mark_spam"])
def test_an_unpublished_comment_closes_its_case_with_no_answer_as_outcome(
    page, moderator, decision_reason, step
):
    comment = comment_services.comment_submit(target=page, author_name="A", text="Werbung")
    getattr(comment_services, step)(comment=comment, moderator=moderator, reason=decision_reason)
    comment.case.refresh_from_db()
    assert (comment.case.status, comment.case.outcome) == (CaseStatus.CLOSED, CaseOutcome.SPAM)


def test_a_duplicate_stays_one():
    first, second = open_case(email="a@example.org"), open_case(email="b@example.org")
    services.case_merge(duplicate=second.case, into=first.case)
    with pytest.raises(TransitionNotAllowed, match="kann „Auskunft gegeben“ nicht festgehalten"):
        services.case_outcome_record(case=second.case, outcome=CaseOutcome.INFORMATION)
    with pytest.raises(ValidationError, match="mit sich selbst"):
        services.case_merge(duplicate=first.case, into=second.case)


def test_merged_duplicates_share_the_page_and_each_citizen_gets_the_answer(
    client, moderator, django_capture_on_commit_callbacks, run_tasks
):
    first = open_case(email="a@example.org")
    second = open_case(email="b@example.org")
    services.case_merge(duplicate=second.case, into=first.case)
    second.refresh_from_db()
    assert second.status == ConversationStatus.CLOSED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        conversation_answer(conversation=first, author=moderator, text="Eine Antwort für beide.")
    run_tasks()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"a@example.org", "b@example.org"}
    assert "Eine Antwort für beide." in by_address["b@example.org"].body
    assert second.case.reference in by_address["b@example.org"].body
    assert case_url(second.case) in by_address["b@example.org"].body
    body = client.get(case_url(second.case)).content.decode()
    assert first.case.reference in body
    assert "beantwortet" in body
    assert client.post(case_url(second.case), {"helpful": "nein"}).status_code == 302


def test_status_changes_keep_the_case_in_step():
    conversation = open_case()
    conversation_set_status(conversation=conversation, status=ConversationStatus.IN_PROGRESS)
    conversation.case.refresh_from_db()
    assert conversation.case.status == CaseStatus.IN_PROGRESS


def _adopted_by_a_comment_and_a_message(page, moderator, measure):
    """One public comment and one private message taken up in `measure`."""
    comment = comment_services.comment_submit(target=page, author_name="A", text="Gute Idee")
    comment = comment_services.comment_approve(comment=comment, moderator=moderator)
    comment_services.comment_answer(
        comment=comment,
        staff=moderator,
        text="Nehmen wir auf.",
        outcome=CaseOutcome.ADOPTED,
        outcome_details={"measure": measure},
    )
    private = open_case()
    services.case_outcome_record(case=private.case, outcome=CaseOutcome.ADOPTED, measure=measure)
    return comment


def test_the_measure_counts_cases_and_links_only_public_comments(page, moderator):
    measure = MeasureFactory()
    comment = _adopted_by_a_comment_and_a_message(page, moderator, measure)
    count, public = measure_contributions(measure)
    assert count == 2
    assert list(public) == [comment]


def test_the_measure_page_says_how_many_contributions_flowed_in(client, page, moderator):
    measure = MeasureFactory()
    comment = _adopted_by_a_comment_and_a_message(page, moderator, measure)
    body = client.get(measure.get_absolute_url()).content.decode()
    assert "2 Beiträge sind in diese Maßnahme eingeflossen." in body
    assert comment.get_absolute_url() in body
    assert "erika@example.org" not in body


def test_authors_of_merged_comments_get_the_answer_only_where_they_asked_for_updates(
    page, moderator, django_capture_on_commit_callbacks, run_tasks
):
    from tests.feedback.factories import ConfirmedAddressFactory

    ConfirmedAddressFactory(email="anna@example.org")

    def submitted(email, notify):
        comment = comment_services.comment_submit(
            target=page, author_name="A", author_email=email, text="WLAN bitte", notify=notify
        )
        return comment_services.comment_approve(comment=comment, moderator=moderator)

    first = submitted("", notify=False)
    asked = submitted("Anna@Example.org", notify=True)
    silent = submitted("bernd@example.org", notify=False)
    for duplicate in (asked, silent):
        services.case_merge(duplicate=duplicate.case, into=first.case)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_answer(comment=first, staff=moderator, text="Kommt im Mai.")
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Kommt im Mai." in message.body
    assert asked.case.reference in message.body
    assert first.case.reference in message.body
    assert case_url(asked.case) in message.body
    assert "List-Unsubscribe" in message.extra_headers
    for comment in (asked, silent):
        comment.case.refresh_from_db()
        assert comment.case.answered_at is not None


def test_a_comment_published_after_all_loses_the_no_answer_outcome(
    client, page, moderator, second_moderator, decision_reason
):
    from feedback.appeals.services import appeal_decide, appeal_submit

    comment = comment_services.comment_submit(target=page, author_name="A", text="Zu Unrecht")
    comment_services.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
    comment.case.refresh_from_db()
    assert (comment.case.status, comment.case.outcome) == (CaseStatus.CLOSED, CaseOutcome.SPAM)
    appeal = appeal_submit(decision=comment.actions.get(action="reject"), text="Bitte prüfen.")
    appeal_decide(appeal=appeal, reviewer=second_moderator, overturn=True, reason="Zulässig")
    comment.case.refresh_from_db()
    assert (comment.case.status, comment.case.outcome) == (CaseStatus.IN_PROGRESS, "")
    body = client.get(case_url(comment.case)).content.decode()
    assert "Zu Unrecht" in body
    assert str(CaseOutcome.SPAM.label) not in body
