"""A moderator's day in Chromium: the start page says what needs attention, each count leads
to its items, and once the work is done every count is zero. axe checks the start page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import axe_violations, describe, in_thread
from tests.feedback.factories import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def one_of_each(page_target, moderator):
    from feedback.comments import services as comments
    from feedback.inbox.services import conversation_assign, conversation_open_from_form
    from feedback.models import ReportReason

    def message(subject):
        return conversation_open_from_form(
            name="E",
            email="e@example.org",
            subject=subject,
            topic=None,
            text="Guten Tag.",
            consent_version="1",
        )

    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        late = message("Alte Frage zur E-Akte")
        conversation_assign(conversation=late, assignee=moderator, actor=moderator)
    reported = comments.comment_submit(target=page_target, author_name="B", text="Gemeldet")
    comments.comment_approve(comment=reported, moderator=moderator)
    comments.comment_report(comment=reported, reason=ReportReason.values[0])
    waiting = comments.comment_submit(target=page_target, author_name="A", text="Wartet hier")
    new = message("Neue Frage zum Servicekonto")
    return {"late": late, "new": new, "reported": reported, "waiting": waiting}


def do_the_work(work, moderator):
    from feedback.comments import services as comments
    from feedback.inbox.services import conversation_answer, conversation_assign
    from tests.feedback.factories import RejectionReasonFactory

    comments.comment_approve(comment=work["waiting"], moderator=moderator)
    comments.comment_mark_spam(
        comment=work["reported"], moderator=moderator, reason=RejectionReasonFactory()
    )
    conversation_assign(conversation=work["new"], assignee=moderator, actor=moderator)
    for conversation in (work["late"], work["new"]):
        conversation_answer(conversation=conversation, author=moderator, text="Antwort.")


def count_of(browser_page, label):
    link = browser_page.get_by_role("link", name=label)
    return int(link.locator("strong").inner_text())


LABELS = [
    "Kommentare warten auf Prüfung",
    "Kommentare mit offenen Meldungen",
    "neue Nachrichten, niemandem zugewiesen",
    "offene Nachrichten, mir zugewiesen",
    "Fälle überfällig",
]


def moderator_and_target():
    from django.core.management import call_command

    from tests.feedback.factories import UserFactory
    from tests.strategy.factories import PageFactory

    call_command("setup_roles", verbosity=0)
    moderator = UserFactory(username="moderatorin", groups=["Moderation"])
    return moderator, PageFactory(title="Dialog", slug="dialog-tag")


def test_a_moderators_day(live_server, page):
    moderator, target = in_thread(moderator_and_target)
    work = in_thread(one_of_each, target, moderator)
    session = in_thread(lambda: signed_in(moderator).cookies["sessionid"].value)
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    start = live_server.url + reverse("admin:index")

    page.goto(start)
    assert page.get_by_role("heading", name="Was braucht meine Aufmerksamkeit?").is_visible()
    assert {label: count_of(page, label) for label in LABELS} == dict.fromkeys(LABELS, 1)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_role("link", name="Kommentare warten auf Prüfung").click()
    assert "Wartet hier" in page.locator("#result_list").inner_text()
    page.goto(start)
    page.get_by_role("link", name="neue Nachrichten, niemandem zugewiesen").click()
    listed = page.locator("#result_list").inner_text()
    assert "Neue Frage zum Servicekonto" in listed
    assert "Alte Frage" not in listed
    page.goto(start)
    page.get_by_role("link", name="Fälle überfällig").click()
    assert "Alte Frage zur E-Akte" in page.locator("#result_list").inner_text()

    in_thread(do_the_work, work, moderator)
    page.goto(start)
    assert {label: count_of(page, label) for label in LABELS} == dict.fromkeys(LABELS, 0)
