"""Approved comments in the site search; nothing unmoderated is ever found."""

import pytest
from django.utils import timezone

from feedback.models import CommentStatus
from strategy.search import registered_providers, search
from tests.feedback.factories import ApprovedCommentFactory, CommentFactory
from tests.strategy.factories import MeasureFactory, NewsPostFactory, PageFactory

pytestmark = pytest.mark.django_db


def comment_hits(query: str) -> list:
    return [result for result in search(query) if result.label == "Kommentar"]


def test_an_approved_comment_is_found_and_links_to_its_permalink():
    page = PageFactory(title="Smarte Verwaltung")
    comment = ApprovedCommentFactory(
        target=page, author_name="Anna", text="Ich wünsche mir digitalisierte Bauanträge."
    )
    [hit] = comment_hits("Digitalisierung Bauantrag")
    assert hit.url == f"/kommentare/{comment.pk}/"
    assert hit.title == "Kommentar von Anna zu „Smarte Verwaltung“"
    assert "<mark>digitalisierte</mark>" in hit.snippet
    assert hit.date == comment.created_at


def test_the_towns_answer_is_found_too():
    question = ApprovedCommentFactory(target=PageFactory(title="Glasfaser"))
    ApprovedCommentFactory(
        target=question.target,
        parent=question,
        is_official=True,
        author_name="Stadt Verl",
        text="Der Glasfaserausbau beginnt im Frühjahr.",
    )
    assert [hit.title for hit in comment_hits("Glasfaserausbau")] == [
        "Antwort der Stadt Verl zu „Glasfaser“"
    ]


@pytest.mark.parametrize(
    "hidden_how",
    ["pending", "rejected", "spam", "hidden by reports", "draft page", "parent never public"],
)
def test_unmoderated_or_hidden_comments_are_never_found(hidden_how):
    text = "Vertrauliche Anmerkung zum Bauantrag"
    page = PageFactory(status="draft" if hidden_how == "draft page" else "published")
    if hidden_how in {"pending", "rejected", "spam"}:
        status = {
            "pending": CommentStatus.PENDING,
            "rejected": CommentStatus.REJECTED,
            "spam": CommentStatus.SPAM,
        }[hidden_how]
        CommentFactory(target=page, text=text, status=status)
    elif hidden_how == "hidden by reports":
        ApprovedCommentFactory(target=page, text=text, hidden_at=timezone.now())
    elif hidden_how == "parent never public":
        # (A reply under the trace of a comment removed after publication is found:
        # tests/feedback/comments/test_traces.py.)
        parent = CommentFactory(target=page, status=CommentStatus.REJECTED)
        ApprovedCommentFactory(target=page, parent=parent, text=text)
    else:
        ApprovedCommentFactory(target=page, text=text)
    assert comment_hits("Bauantrag") == []
    assert comment_hits("Vertrauliche Anmerkung") == []


def test_content_ranks_above_a_comment_with_the_same_words():
    NewsPostFactory(title="Neue Radwege", body="Radwege werden ausgebaut.")
    ApprovedCommentFactory(target=PageFactory(), text="Radwege, Radwege, Radwege!")
    assert [hit.label for hit in search("Radwege")] == ["Neuigkeit", "Kommentar"]


def test_the_search_page_shows_comment_hits(client):
    ApprovedCommentFactory(target=MeasureFactory(title="E-Akte"), text="Endlich papierlos!")
    html = client.get("/suche/", {"q": "papierlos"}).content.decode()
    assert "Kommentar von" in html
    assert "zu „E-Akte“" in html


def test_queries_do_not_grow_with_the_comment_hits(django_assert_max_num_queries):
    search("warm")  # content types are cached per process
    for page in PageFactory.create_batch(3):
        ApprovedCommentFactory.create_batch(5, target=page, text="Sitzbänke am Marktplatz")
    for measure in MeasureFactory.create_batch(2):
        ApprovedCommentFactory.create_batch(5, target=measure, text="Sitzbänke am Rathaus")
    providers = len(registered_providers())
    # A query per provider, the shown hits of comments, and their pages: one per type.
    with django_assert_max_num_queries(providers + 1 + 2):
        assert len(search("Sitzbank")[:10]) == 10
