"""The transparency page and a measure's feedback section in a real browser: axe, narrow
screens, and the chart's accessible name."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.cache import cache
from django.utils import timezone

from feedback.models import Channel, Direction, MeasureLink
from tests.browser.conftest import axe_violations, describe
from tests.feedback.factories import (
    ApprovedCommentFactory,
    ConversationFactory,
    MessageFactory,
)
from tests.strategy.factories import MeasureFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def feedback():
    cache.clear()  # the transparency numbers are cached
    measure = MeasureFactory(title="Einführung der E-Akte", slug="e-akte")
    for days in (1, 40, 70):
        comment = ApprovedCommentFactory(target=measure, text=f"Kommentar vor {days} Tagen")
        MeasureLink.objects.create(measure=measure, comment=comment)
    for channel, days in ((Channel.FORM, 3), (Channel.EMAIL, 35), (Channel.EMAIL, 100)):
        created = timezone.now() - timedelta(days=days)
        conversation = ConversationFactory(channel=channel, created_at=created)
        MessageFactory(
            conversation=conversation,
            direction=Direction.OUT,
            created_at=created + timedelta(hours=5),
        )
        MeasureLink.objects.create(measure=measure, conversation=conversation)
    yield measure
    cache.clear()


@pytest.mark.parametrize("path", ["/transparenz/", "/strategie/massnahmen/e-akte/"])
def test_axe_finds_no_wcag_violations(page, live_server, feedback, path):
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_chart_has_an_accessible_name_and_the_table_follows(page, live_server, feedback):
    page.goto(live_server.url + "/transparenz/")
    chart = page.get_by_role("img", name="Säulendiagramm: Rückmeldungen je Monat")
    assert chart.count() == 1
    assert page.get_by_role("table", name="Rückmeldungen je Monat und Kanal").count() == 1


@pytest.mark.parametrize("width", [320, 640])
def test_no_sideways_scrolling_on_a_narrow_screen(new_page, live_server, feedback, width):
    page = new_page(viewport={"width": width, "height": 800})
    for path in ("/transparenz/", "/strategie/massnahmen/e-akte/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


def test_the_chart_labels_are_readable_on_a_phone(new_page, live_server, feedback):
    """At 390 px every label of the chart renders at 12 px or more, and the month labels
    neither overlap each other nor the legend below the chart."""
    page = new_page(viewport={"width": 390, "height": 800})
    page.goto(live_server.url + "/transparenz/")
    labels = page.evaluate(
        """() => {
            const svg = document.querySelector('.chart-svg');
            const box = svg.getBoundingClientRect();
            const legend = document.querySelector('.chart-legend').getBoundingClientRect();
            const scale = box.width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map(text => {
                const r = text.getBoundingClientRect();
                return {
                    text: text.textContent,
                    px: parseFloat(getComputedStyle(text).fontSize) * scale,
                    left: r.left, right: r.right, bottom: r.bottom, legendTop: legend.top,
                };
            });
        }"""
    )
    small = {label["text"]: round(label["px"], 1) for label in labels if label["px"] < 12}
    assert small == {}
    months = [label for label in labels if label["text"].isalpha()]
    assert len(months) == 12
    for left, right in pairwise(months):
        assert left["right"] <= right["left"], (left["text"], right["text"])
    assert all(label["bottom"] <= label["legendTop"] for label in labels)
