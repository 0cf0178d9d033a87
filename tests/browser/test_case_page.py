"""The case page in a real browser: axe finds nothing, and rating works without JavaScript."""

import pytest

from feedback.cases.links import case_url
from feedback.inbox.services import conversation_answer, conversation_open_from_form
from tests.browser.conftest import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def answered_case():
    conversation = conversation_open_from_form(
        name="Erika",
        email="erika@example.org",
        subject="Frage",
        topic=None,
        text="Text",
        consent_version="1",
    )
    conversation_answer(conversation=conversation, author=None, text="Antwort")
    return conversation.case


def test_axe_finds_no_violations_and_the_rating_works(page, live_server, answered_case):
    page.goto(live_server.url + case_url(answered_case))
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.get_by_label("Ja").check()
    page.get_by_role("button", name="Bewertung senden").click()
    page.get_by_text("Vielen Dank für Ihre Bewertung!").wait_for()
    assert axe_violations(page) == []
