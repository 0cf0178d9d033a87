"""What citizens see of comments: each comment once, counts of citizens' comments, the words
after sending one, quoted comments without their links (issue 18, point 7 a–d)."""

import re

import pytest
from django.urls import reverse

from feedback.comments import services
from feedback.models import MeasureLink
from strategy.models import Page
from tests.feedback.factories import ApprovedCommentFactory
from tests.feedback.test_views import comments_section, form_url, guest_data
from tests.strategy.factories import MeasureFactory, NewsPostFactory

pytestmark = pytest.mark.django_db


def feedback_section(html: str) -> str:
    return re.search(r'<section [^>]*id="ihr-feedback".*?</section>', html, re.S).group(0)


def test_a_linked_comment_in_the_measures_own_discussion_is_shown_once(client):
    measure = MeasureFactory(title="Einführung der E-Akte", slug="e-akte")
    here = ApprovedCommentFactory(target=measure, text="Hier auf der Maßnahmenseite")
    elsewhere = ApprovedCommentFactory(target=NewsPostFactory(), text="Unter einer Neuigkeit")
    for comment in (here, elsewhere):
        MeasureLink.objects.create(measure=measure, comment=comment)

    html = client.get(measure.get_absolute_url()).content.decode()

    assert html.count("Hier auf der Maßnahmenseite") == 1
    assert "Hier auf der Maßnahmenseite" in comments_section(html)
    linked = feedback_section(html)
    assert "Unter einer Neuigkeit" in linked
    text = " ".join(re.sub(r"<[^>]+>", " ", linked).split())
    assert "2 Kommentare, davon 2 öffentlich" in text
    assert "1 öffentlicher Kommentar steht unten in der Diskussion zu dieser Maßnahme" in text
    assert '<a href="#kommentare">Diskussion zu dieser Maßnahme</a>' in linked


def test_the_count_is_of_citizens_comments_not_the_towns_answers(client, moderator):
    page = Page.objects.create(title="Smarte Verwaltung", slug="smart", status="published")
    question = ApprovedCommentFactory(target=page, text="Frage")
    ApprovedCommentFactory(target=page, parent=question, text="Antwort einer Bürgerin")
    services.comment_answer(comment=question, staff=moderator, text="Antwort der Stadt")

    section = comments_section(client.get(page.get_absolute_url()).content.decode())

    assert "Antwort der Stadt" in section
    assert re.search(r"<h2[^>]*>\s*2 Kommentare\s*</h2>", section), section[:300]


def test_after_sending_the_first_comment_nobody_is_asked_to_write_the_first(client, verl_content):
    home = Page.objects.get(slug=Page.HOME)
    before = comments_section(client.get("/").content.decode())
    assert "Schreiben Sie den ersten!" in before

    response = client.post(form_url(home), guest_data(), follow=True)

    section = comments_section(response.content.decode())
    assert "Ihr Kommentar ist eingegangen" in section
    assert "Schreiben Sie den ersten!" not in section
    assert "Noch keine freigegebenen Kommentare." in section
    # The next visitor still gets the invitation (the fragments are cached apart).
    assert "Schreiben Sie den ersten!" in comments_section(client.get("/").content.decode())


@pytest.mark.parametrize("name", ["feedback:comment_reply", "feedback:comment_report"])
def test_the_quoted_comment_comes_without_its_own_links(client, name):
    measure = MeasureFactory()
    comment = ApprovedCommentFactory(target=measure, text="Der zitierte Kommentar")

    html = client.get(reverse(name, args=[comment.pk])).content.decode()

    quote = re.search(r'<blockquote class="comment-quote">.*?</blockquote>', html, re.S).group(0)
    assert "Der zitierte Kommentar" in quote
    assert reverse("feedback:comment_reply", args=[comment.pk]) not in quote
    assert reverse("feedback:comment_report", args=[comment.pk]) not in quote
    assert "comment-actions" not in quote
