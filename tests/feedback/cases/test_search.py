"""The search of *Alle Rückmeldungen* (`feedback.cases.selectors.cases_search`): what it
finds, the same whether a word is looked up through the indexes or by walking the list."""

import pytest
from django.urls import reverse

from feedback.admin_tools import estimated_rows
from feedback.cases.selectors import cases_search
from feedback.comments import services as comment_services
from feedback.inbox.services import conversation_open_from_form
from feedback.models import Case
from tests.feedback.factories import signed_in

pytestmark = pytest.mark.django_db

CASES = reverse("admin:feedback_case_changelist")


@pytest.fixture
def feedback(page):
    """A form message, an e-mail-like second message and a comment with a reply."""
    glasfaser = conversation_open_from_form(
        name="Nora Becker",
        email="nora@example.org",
        subject="Glasfaser in Kaunitz",
        topic=None,
        text="Wann?",
        consent_version="1",
    )
    wlan = conversation_open_from_form(
        name="",
        email="paul@example.org",
        subject="WLAN im Rathaus",
        topic=None,
        text="Bitte.",
        consent_version="1",
    )
    comment = comment_services.comment_submit(
        target=page, author_name="Greta", text="Mehr Glasfaser für Sürenheide"
    )
    return {
        "glasfaser": Case.objects.get(conversation=glasfaser),
        "wlan": Case.objects.get(conversation=wlan),
        "comment": Case.objects.get(comment=comment),
    }


def found(term, **options):
    return set(cases_search(Case.objects.all(), term, **options))


# Through the indexes (the default), and walking the list as for a word found everywhere.
WAYS = [{}, {"estimate": lambda matches: 1_000_000}]


@pytest.mark.parametrize("options", WAYS)
def test_each_field_is_searched(feedback, options):
    assert found("kaunitz", **options) == {feedback["glasfaser"]}  # subject, any case
    assert found("Becker", **options) == {feedback["glasfaser"]}  # sender's name
    assert found("Sürenheide", **options) == {feedback["comment"]}  # comment text
    assert found("greta", **options) == {feedback["comment"]}  # comment's author
    assert found("Glasfaser", **options) == {feedback["glasfaser"], feedback["comment"]}
    reference = feedback["wlan"].reference
    assert found(reference[-6:], **options) == {feedback["wlan"]}  # part of a reference


@pytest.mark.parametrize("options", WAYS)
def test_every_word_must_match(feedback, options):
    assert found("Glasfaser Greta", **options) == {feedback["comment"]}
    assert found('"Glasfaser in"', **options) == {feedback["glasfaser"]}
    assert found("Glasfaser Rathaus", **options) == set()
    assert found("", **options) == set(Case.objects.all())


def test_a_reference_is_found_by_its_beginning_in_any_case(feedback):
    reference = feedback["wlan"].reference  # VERL-2027-000002, say
    assert found(reference) == {feedback["wlan"]}
    assert found(reference.lower()) == {feedback["wlan"]}
    assert found(reference[:-1]) == set(feedback.values())  # all are numbered alike
    assert found(f"{reference} WLAN") == {feedback["wlan"]}
    assert found("Verl Rathaus") == {feedback["wlan"]}  # the prefix alone is a word


def test_the_admin_searches_through_the_selector(feedback, moderator):
    client = signed_in(moderator)
    response = client.get(f"{CASES}?q=Glasfaser+Greta")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [feedback["comment"]]
    assert "Glasfaser" in response.content.decode()


def test_the_estimate_decides_the_way(feedback):
    """`estimated_rows` is PostgreSQL's guess; a tiny table is guessed small."""
    from feedback.cases.selectors import _indexed_matches

    assert estimated_rows(_indexed_matches("Glasfaser")) < 20_000
    plan = str(cases_search(Case.objects.all(), "Glasfaser", estimate=estimated_rows).query)
    assert " UNION " in plan
    walked = cases_search(Case.objects.all(), "Glasfaser", estimate=lambda m: 20_001).query
    assert " UNION " not in str(walked)


def test_search_and_deadline_filter_together(feedback, moderator):
    """The deadline filter adds the selector's conditions to the list's query (`&`), so it
    must combine with a search's union and with the other filters."""
    import time_machine

    with time_machine.travel("2099-01-01 09:00+01:00", tick=False):
        client = signed_in(moderator)
        response = client.get(f"{CASES}?frist=ueberfaellig&channel__exact=form&q=Glasfaser")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [feedback["glasfaser"]]
