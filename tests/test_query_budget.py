"""Query budget of every public page: pinned, and the same with little or much content.

A page is counted twice: rendered afresh (empty cache), and served from the page cache to
the next anonymous visitor, which reads nothing from the database. The text captcha's
question on pages with a comment form is carried by its signed key (`feedback.captcha`), so
it costs no query either.
"""

import pytest
from django.core.cache import cache

from tests.feedback.factories import ApprovedCommentFactory, CommentFactory
from tests.strategy.factories import (
    ActionFieldFactory,
    BestPracticeFactory,
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NetworkFactory,
    NewsPostFactory,
    ProjectFactory,
)

# Queries of a fresh rendering for an anonymous visitor, with an empty cache: two for the
# content's schedule (`strategy.schedule`), the page's own, and the comment block's count.
BUDGET = {
    "/": 7,
    "/aufgaben/": 7,
    "/strategie/": 7,
    # The legal pages carry no comments: no comment block to count.
    "/impressum/": 4,
    "/strategie/massnahmen/": 5,
    "/strategie/handlungsfelder/verwaltung/": 6,
    # Plus "Ihr Feedback – unsere Maßnahmen": the linked feedback's counts, its public part.
    # One of them counts the cases that flowed into the measure (outcome "aufgenommen").
    "/strategie/massnahmen/e-akte/": 10,
    "/projekte/": 4,
    "/projekte/servicekonto/": 6,
    "/best-practice/": 4,
    "/best-practice/bielefeld-app/": 5,
    "/dialog/": 4,
    "/dialog/archiv/": 3,
    "/dialog/buergerdialog/": 5,
    "/neuigkeiten/": 4,
    "/neuigkeiten/start-cdo/": 5,
    "/netzwerke/": 4,
    "/netzwerke/kdn/": 5,
    # Ranking and snippets per search provider (public comments are one).
    "/suche/?q=digital": 18,
}
# Plus the town profile (header, footer, title): each process reads it once per content
# version (`strategy.town`), so a rendering on an emptied cache reads it again.
TOWN_PROFILE = 1
# Pages with comments read one page of them and its replies.
WITH_COMMENTS = {"/", "/aufgaben/", "/strategie/massnahmen/e-akte/", "/projekte/servicekonto/"}


@pytest.fixture
def content(verl_content):
    field = ActionFieldFactory(slug="verwaltung", title="Digitale Verwaltung")
    measure = MeasureFactory(slug="e-akte", title="E-Akte", action_field=field)
    MeasureUpdateFactory(measure=measure)
    project = ProjectFactory(slug="servicekonto", title="Servicekonto")
    project.measures.add(measure)
    BestPracticeFactory(slug="bielefeld-app", title="Bielefeld-App")
    EventFactory(slug="buergerdialog", title="Bürgerdialog Digitalisierung")
    NewsPostFactory(slug="start-cdo", title="Digitalisierung startet")
    NetworkFactory(slug="kdn", title="KDN Dachverband")
    return {"field": field, "measure": measure, "project": project}


def grow(content, *, times: int) -> None:
    """More of everything: measures, notes, projects, events, and comments with replies."""
    from strategy.models import Page

    targets = [Page.objects.get(slug="start"), Page.objects.get(slug="aufgaben")]
    targets += [content["measure"], content["project"]]
    for _ in range(times):
        measure = MeasureFactory(action_field=content["field"])
        MeasureUpdateFactory(measure=measure)
        MeasureUpdateFactory(measure=content["measure"])
        content["project"].measures.add(measure)
        ProjectFactory().measures.add(content["measure"])
        ActionFieldFactory()
        BestPracticeFactory(title="Digitale Bürgerdienste")
        EventFactory(title="Digitalisierung im Dialog")
        NewsPostFactory(title="Digitalisierung: Neues")
        NetworkFactory()
        for target in targets:
            comment = ApprovedCommentFactory(target=target, text="Mehr Digitalisierung bitte.")
            ApprovedCommentFactory(target=target, parent=comment)
            CommentFactory(target=target)  # pending: never shown


def fresh_and_cached(client, url, budget, django_assert_num_queries) -> None:
    client.get(url)  # once, so that per-process look-ups are warm
    cache.clear()
    with django_assert_num_queries(budget + TOWN_PROFILE):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("url", "budget"), BUDGET.items())
def test_public_page_queries_are_pinned_and_do_not_grow(
    client, content, url, budget, django_assert_num_queries
):
    fresh_and_cached(client, url, budget, django_assert_num_queries)
    with_comments = budget + (2 if url in WITH_COMMENTS else 0)
    grow(content, times=3)
    fresh_and_cached(client, url, with_comments, django_assert_num_queries)
    grow(content, times=10)
    fresh_and_cached(client, url, with_comments, django_assert_num_queries)
