"""The measure page's "Ihr Feedback – unsere Maßnahmen": counts, public comments only, cheap."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import CommentStatus, MeasureLink
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConversationFactory,
    MessageFactory,
)
from tests.strategy.factories import (
    EventFactory,
    MeasureFactory,
    NewsPostFactory,
    PageFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    return MeasureFactory(title="Einführung der E-Akte", slug="e-akte")


def section(client, measure) -> str:
    response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    return re.search(r'<section [^>]*id="ihr-feedback".*?</section>', html, re.S).group(0)


def test_without_links_the_section_invites_feedback(client, measure):
    html = section(client, measure)
    assert "Ihr Feedback – unsere Maßnahmen" in html
    assert "Dieser Maßnahme sind noch keine Rückmeldungen zugeordnet." in html
    assert 'href="/kontakt/"' in html


def test_counts_all_linked_feedback_but_shows_only_public_comments(client, measure):
    shown = ApprovedCommentFactory(text="Bitte die Bauanträge digital!", author_name="Anna")
    hidden = ApprovedCommentFactory(text="Von Lesern gemeldet", hidden_at=timezone.now())
    pending = CommentFactory(text="Noch nicht geprüft")
    rejected = CommentFactory(text="Abgelehnter Beitrag", status=CommentStatus.REJECTED)
    spam = CommentFactory(text="Billige Uhren", status=CommentStatus.SPAM)
    on_draft = ApprovedCommentFactory(
        text="Auf einer Entwurfsseite", target=PageFactory(status="draft")
    )
    for comment in (shown, hidden, pending, rejected, spam, on_draft):
        MeasureLink.objects.create(measure=measure, comment=comment)
    for subject in ("Private Anfrage", "Noch eine"):
        conversation = ConversationFactory(subject=subject)
        MessageFactory(conversation=conversation, text="Vertraulicher Text")
        MeasureLink.objects.create(measure=measure, conversation=conversation)
    # Feedback linked to another measure does not count here.
    MeasureLink.objects.create(measure=MeasureFactory(), comment=ApprovedCommentFactory())

    html = section(client, measure)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Dieser Maßnahme sind 7 Rückmeldungen aus der Bürgerschaft zugeordnet" in text
    assert "5 Kommentare, davon 1 öffentlich" in text  # spam is not counted
    assert "2 Nachrichten per Kontaktformular oder E-Mail (nicht öffentlich)" in text
    assert "Bitte die Bauanträge digital!" in html
    assert f'href="/kommentare/{shown.pk}/"' in html
    for private in (
        "Von Lesern gemeldet",
        "Noch nicht geprüft",
        "Abgelehnter Beitrag",
        "Billige Uhren",
        "Auf einer Entwurfsseite",
        "Private Anfrage",
        "Vertraulicher Text",
    ):
        assert private not in html, private


def test_the_newest_public_comments_are_listed_the_rest_counted(client, measure):
    now = timezone.now()
    for minutes in range(22):
        comment = ApprovedCommentFactory(text=f"Beitrag Nummer {minutes:02d}")
        comment.created_at = now - timedelta(minutes=minutes)
        comment.save()
        MeasureLink.objects.create(measure=measure, comment=comment)
    html = section(client, measure)
    assert html.count("<blockquote") == 20
    assert html.index("Beitrag Nummer 00") < html.index("Beitrag Nummer 01")
    assert "Beitrag Nummer 21" not in html
    assert "Dazu 2 weitere öffentliche Kommentare." in html


def page_queries(client, measure) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(measure.get_absolute_url()).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_links(client, measure, django_assert_max_num_queries):
    MeasureLink.objects.create(measure=measure, comment=ApprovedCommentFactory())
    page_queries(client, measure)  # warms the process-wide content-type cache
    few = page_queries(client, measure)
    targets = [
        PageFactory(),
        NewsPostFactory(),
        EventFactory(),
        ProjectFactory(),
        MeasureFactory(),
    ]
    for target in targets:
        for _ in range(4):
            comment = ApprovedCommentFactory(target=target)
            MeasureLink.objects.create(measure=measure, comment=comment)
            reply = ApprovedCommentFactory(target=target, parent=comment)
            MeasureLink.objects.create(measure=measure, comment=reply)
        MeasureLink.objects.create(measure=measure, conversation=ConversationFactory())
    assert page_queries(client, measure) == few
    # The measure (1), its notes and projects (2), this section (3), the comments block (2) and
    # the captcha's text question, created and read back (2): the budget a later issue pins.
    with django_assert_max_num_queries(10):
        client.get(measure.get_absolute_url())
