"""Cases in the admin, as a moderator: due dates, the deadline filters, outcomes, merging."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from feedback.comments import services as comment_services
from feedback.inbox.services import conversation_open_from_form
from feedback.models import Case, CaseOutcome, ConversationStatus
from tests.feedback.factories import signed_in

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
CONVERSATIONS = reverse("admin:feedback_conversation_changelist")
COMMENTS = reverse("admin:feedback_comment_changelist")
CASES = reverse("admin:feedback_case_changelist")


def open_case(subject, email):
    return conversation_open_from_form(
        name="E", email=email, subject=subject, topic=None, text="T", consent_version="1"
    )


@pytest.fixture
def cases(page):
    with time_machine.travel(datetime(2027, 6, 1, 10, tzinfo=BERLIN), tick=False):
        late = open_case("Alte Frage", "a@example.org")  # due 15 June
        comment = comment_services.comment_submit(target=page, author_name="A", text="Alt")
    with time_machine.travel(datetime(2027, 6, 14, 10, tzinfo=BERLIN), tick=False):
        fresh = open_case("Neue Frage", "b@example.org")  # due 28 June
    return late, fresh, comment


def on(day, moderator):
    """The clock at 9:00 on `day` of June 2027, with a moderator signed in then."""
    travel = time_machine.travel(datetime(2027, 6, day, 9, tzinfo=BERLIN), tick=False)
    travel.start()
    return travel, signed_in(moderator)


def test_deadline_filters_on_the_inbox(moderator, cases):
    travel, moderator_client = on(16, moderator)
    try:
        overdue = moderator_client.get(f"{CONVERSATIONS}?frist=ueberfaellig")
        soon = moderator_client.get(f"{CONVERSATIONS}?frist=bald")
    finally:
        travel.stop()
    assert overdue.status_code == 200
    assert "Alte Frage" in overdue.content.decode()
    assert "Neue Frage" not in overdue.content.decode()
    assert "überfällig" in overdue.content.decode()
    assert "15.06.2027" in overdue.content.decode()
    assert "Neue Frage" not in soon.content.decode()
    assert "Alte Frage" not in soon.content.decode()
    travel, moderator_client = on(24, moderator)
    try:
        soon = moderator_client.get(f"{CONVERSATIONS}?frist=bald")
    finally:
        travel.stop()
    assert "Neue Frage" in soon.content.decode()


def test_deadline_filter_on_the_moderation_queue(moderator, cases):
    travel, moderator_client = on(16, moderator)
    try:
        response = moderator_client.get(f"{COMMENTS}?frist=ueberfaellig")
    finally:
        travel.stop()
    assert response.status_code == 200
    assert "Alt" in response.content.decode()
    assert "03.06.2027" in response.content.decode()


def test_closing_without_outcome_is_a_german_form_error(moderator_client, cases):
    late, _fresh, _comment = cases
    url = reverse("admin:feedback_conversation_change", args=[late.pk])
    data = {
        "status": ConversationStatus.CLOSED,
        "topic": "",
        "assignee": "",
        "notes": "",
        "outcome": "",
        "measure_links-TOTAL_FORMS": "0",
        "measure_links-INITIAL_FORMS": "0",
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
    }
    response = moderator_client.post(url, data)
    assert response.status_code == 200
    assert "Bitte halten Sie beim Abschließen das Ergebnis des Falls fest." in (
        response.content.decode()
    )
    data["outcome"] = CaseOutcome.FORWARDED
    data["outcome_organisation"] = "Kreis Gütersloh"
    response = moderator_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(conversation=late)
    assert (case.outcome, case.outcome_organisation) == (CaseOutcome.FORWARDED, "Kreis Gütersloh")


def test_merge_action(moderator_client, cases):
    late, fresh, _comment = cases
    response = moderator_client.post(
        CASES,
        {
            "action": "merge_into",
            "_selected_action": [fresh.case.pk],
            "into": late.case.reference.lower(),
        },
    )
    assert response.status_code == 302
    fresh.case.refresh_from_db()
    assert fresh.case.duplicate_of == late.case
    assert fresh.case.outcome == CaseOutcome.DUPLICATE


def test_case_list_and_detail_open_for_moderators(moderator_client, cases):
    late, _fresh, _comment = cases
    assert moderator_client.get(CASES).status_code == 200
    response = moderator_client.get(reverse("admin:feedback_case_change", args=[late.case.pk]))
    assert response.status_code == 200
    assert late.case.reference in response.content.decode()


def test_the_bulk_close_action_leaves_cases_without_an_outcome_open(moderator):
    conversation = open_case("Ohne Ergebnis", "c@example.org")
    response = signed_in(moderator).post(
        CONVERSATIONS,
        {"action": "mark_closed", "_selected_action": [conversation.pk]},
        follow=True,
    )
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.NEW
    assert "ließ sich nicht umstellen" in response.content.decode()


def test_alle_rueckmeldungen_is_the_working_list_across_channels(moderator, cases):
    """Comments and messages in one list; each row opens its conversation or comment."""
    late, fresh, comment = cases
    travel, moderator_client = on(16, moderator)
    try:
        response = moderator_client.get(CASES)
        overdue = moderator_client.get(f"{CASES}?frist=ueberfaellig&channel__exact=form")
        comments = moderator_client.get(f"{CASES}?channel__exact=comment")
        found = moderator_client.get(f"{CASES}?q=Neue+Frage")
    finally:
        travel.stop()
    html = response.content.decode()
    assert "<h1>Alle Rückmeldungen</h1>" in html
    for conversation in (late, fresh):
        url = reverse("admin:feedback_conversation_change", args=[conversation.pk])
        assert f'href="{url}"' in html
    assert f'href="{reverse("admin:feedback_comment_change", args=[comment.pk])}"' in html

    def listed(response):
        return {case.pk for case in response.context["cl"].result_list}

    assert listed(overdue) == {Case.objects.get(conversation=late).pk}
    assert listed(comments) == {Case.objects.get(comment=comment).pk}
    assert listed(found) == {Case.objects.get(conversation=fresh).pk}


def test_the_working_list_filters_by_assignee(moderator, cases):
    from feedback.inbox.services import conversation_assign

    late, fresh, _comment = cases
    conversation_assign(conversation=late, assignee=moderator, actor=moderator)
    client = signed_in(moderator)
    mine = client.get(f"{CASES}?zustaendig=mir").context["cl"].result_list
    nobody = client.get(f"{CASES}?zustaendig=niemand").context["cl"].result_list
    assert [case.conversation for case in mine] == [late]
    assert [case.conversation for case in nobody] == [fresh]


def test_the_inbox_button_leads_to_the_working_list(moderator_client):
    response = moderator_client.get(CONVERSATIONS)
    assert f'href="{CASES}"' in response.content.decode()
