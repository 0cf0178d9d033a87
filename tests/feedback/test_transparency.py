"""Transparenz: numbers computed from known data (exact medians), chart and table, the stored
figures behind the page."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from feedback.models import (
    Channel,
    Comment,
    CommentStatus,
    Direction,
    ModerationAction,
    ModerationStep,
)
from feedback.templatetags.feedback_tags import duration, percent
from feedback.transparency import bar_chart, period_start, transparency_compute
from feedback.transparency_stats import response_stats_compute
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConversationFactory,
    MessageFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=BERLIN)
H = timedelta(hours=1)
GERMAN_MONTHS = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def comment(created: datetime, factory=CommentFactory, **kwargs) -> Comment:
    made = factory(**kwargs)
    Comment.objects.filter(pk=made.pk).update(created_at=created)  # auto_now_add otherwise
    made.refresh_from_db()
    return made


def decided(item: Comment, step: str, after: timedelta) -> None:
    action = ModerationAction.objects.create(comment=item, action=step, actor_name="Mod")
    ModerationAction.objects.filter(pk=action.pk).update(created_at=item.created_at + after)


def answer_comment(item: Comment, after: timedelta) -> None:
    comment(
        item.created_at + after,
        ApprovedCommentFactory,
        target=item.target,
        parent=item,
        is_official=True,
        author_name="Stadt Verl",
    )


def conversation(created: datetime, channel: str, *answers: timedelta):
    made = ConversationFactory(channel=channel, created_at=created)
    MessageFactory(conversation=made, created_at=created)
    for after in answers:
        MessageFactory(conversation=made, direction=Direction.OUT, created_at=created + after)
    return made


@pytest.fixture
def known_data():
    # 00:30 on 1 March in Berlin is still February in UTC: months are counted in Berlin.
    c1 = comment(at(2026, 3, 1, 0, 30), ApprovedCommentFactory)
    decided(c1, ModerationStep.APPROVE, 1 * H)
    answer_comment(c1, 4 * H)
    c2 = comment(at(2026, 2, 10, 10), status=CommentStatus.REJECTED)
    decided(c2, ModerationStep.REJECT, 3 * H)
    decided(c2, ModerationStep.APPROVE, 30 * H)  # a later decision does not count
    comment(at(2026, 2, 11, 10))  # pending: a contribution, answerable, not yet moderated
    c4 = comment(at(2026, 1, 5, 10), status=CommentStatus.SPAM)
    decided(c4, ModerationStep.SPAM, 2 * H)  # moderation work, but not a contribution
    # A citizen's reply, approved without a log entry: its moderated_at counts.
    comment(
        at(2026, 3, 2, 10),
        ApprovedCommentFactory,
        target=c1.target,
        parent=c1,
        moderated_at=at(2026, 3, 2, 15),
    )
    comment(at(2025, 3, 20, 10), ApprovedCommentFactory)  # before the period
    comment(at(2026, 3, 3, 10), ApprovedCommentFactory, is_demo=True)  # demo content

    conversation(at(2026, 3, 10, 9), Channel.FORM, 24 * H, 48 * H)
    conversation(at(2026, 2, 20, 9), Channel.EMAIL, 2 * H)
    conversation(at(2025, 12, 31, 23, 30), Channel.EMAIL)  # no answer yet
    conversation(at(2025, 4, 1, 0, 10), Channel.FORM)  # the period's first day
    conversation(at(2025, 3, 31, 23, 50), Channel.EMAIL)  # just before it


def test_the_period_is_twelve_calendar_months_in_berlin():
    assert period_start(NOW) == at(2025, 4, 1)
    assert period_start(at(2026, 1, 1, 0, 5)) == at(2025, 2, 1)


def test_contributions_by_channel_and_month(known_data):
    report = transparency_compute(now=NOW)
    months = {month.month.isoformat(): month.counts for month in report.months}
    assert len(months) == 12
    assert next(iter(months)) == "2025-04-01"
    assert list(months)[-1] == "2026-03-01"
    # (comments, contact form, e-mail)
    assert months["2025-04-01"] == (0, 1, 0)
    assert months["2025-12-01"] == (0, 0, 1)
    assert months["2026-01-01"] == (0, 0, 0)  # only spam
    assert months["2026-02-01"] == (2, 0, 1)
    assert months["2026-03-01"] == (2, 1, 0)
    assert sum(month.total for month in report.months) == report.total == 8
    assert report.channel_totals == (4, 2, 2)


def test_share_answered(known_data):
    report = transparency_compute(now=NOW)
    comments, form, email = report.channels
    # Comments: c1 and the pending one are answerable (replies and rejected ones are not).
    assert (comments.answerable, comments.answered) == (2, 1)
    assert (form.answerable, form.answered) == (2, 1)
    assert (email.answerable, email.answered) == (2, 1)
    assert (report.answerable, report.answered, report.share_answered) == (6, 3, 0.5)
    # Two answerable each: too few for a share (the small-cell rule of the statistics).
    assert [channel.share_answered for channel in report.channels] == [None, None, None]


def test_times_from_fewer_than_five_values_are_not_given(known_data):
    stats = response_stats_compute(start=period_start(NOW), now=NOW)
    # Moderation: 1 h, 2 h (spam), 3 h (first decision only), 5 h: four values, no median.
    assert (stats.moderation.n, stats.moderation.median, stats.moderation.p90) == (4, None, None)
    assert stats.moderation.too_few
    # First answers: comment 4 h, form 24 h (the first of two), e-mail 2 h: one each.
    assert [channel.first_answer.n for channel in stats.channels] == [1, 1, 1]
    assert stats.total.first_answer.n == 3
    assert stats.total.first_answer.median is None


def test_no_data_gives_zeros_and_no_medians():
    report = transparency_compute(now=NOW)
    assert report.total == 0
    assert report.share_answered is None
    assert [channel.share_answered for channel in report.channels] == [None, None, None]
    stats = response_stats_compute(start=period_start(NOW), now=NOW)
    assert stats.moderation.median is None
    assert stats.total.first_answer.median is None
    assert not stats.too_few  # nothing at all is no small number


def test_the_computation_is_a_fixed_number_of_queries(known_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        transparency_compute(now=NOW)


def test_the_chart_stacks_each_months_channels_to_scale(known_data):
    chart = bar_chart(transparency_compute(now=NOW))
    march = chart.months[-1]
    assert [bar.channel for bar in march.bars] == ["comment", "form"]
    assert [bar.count for bar in march.bars] == [2, 1]
    # Stacked: each bar sits on the one below, the lowest on the axis.
    assert march.bars[0].y + march.bars[0].height == pytest.approx(chart.bottom, abs=0.01)
    assert march.bars[1].y + march.bars[1].height == pytest.approx(march.bars[0].y, abs=0.01)
    per_item = march.bars[0].height / 2
    assert march.bars[1].height == pytest.approx(per_item, abs=0.01)
    assert chart.months[9].bars == []  # January: nothing to draw
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3]
    assert [month.show_year for month in chart.months].count(True) == 2  # April and January


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "–"),
        (timedelta(seconds=20), "unter einer Minute"),
        (timedelta(minutes=1), "1 Minute"),
        (timedelta(minutes=45), "45 Minuten"),
        (timedelta(hours=1), "1 Stunde"),
        (timedelta(hours=2, minutes=30), "2,5 Stunden"),
        (timedelta(hours=47), "47 Stunden"),
        (timedelta(days=3, hours=12), "3,5 Tage"),
    ],
)
def test_durations_read_naturally_in_german(value, text):
    assert duration(value) == text


def test_percentages_are_german():
    assert percent(0.5) == "50\u00a0%"
    assert percent(2 / 3) == "67\u00a0%"
    assert percent(None) == "–"


# --- The page -------------------------------------------------------------------------------


def test_the_page_shows_the_chart_and_the_same_numbers_as_a_table(client):
    now = datetime.now(tz=BERLIN)
    first = comment(now - 3 * H, ApprovedCommentFactory)
    decided(first, ModerationStep.APPROVE, 1 * H)
    answer_comment(first, 2 * H)
    conversation(now - 5 * H, Channel.EMAIL, 3 * H)
    conversation(now - 4 * H, Channel.FORM)

    response = client.get("/transparenz/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    svg = re.search(r"<svg [^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert 'aria-labelledby="diagramm-titel diagramm-beschreibung"' in svg
    assert '<title id="diagramm-titel">' in svg
    desc = re.search(r"<desc [^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert "gingen 3 Rückmeldungen ein" in desc
    assert "Kommentar: 1, Kontaktformular: 1, E-Mail: 1." in desc
    assert svg.count("<rect ") == 3
    assert 'fill="#1f5fa8"' in svg  # colours as attributes, which the CSP allows
    assert "style=" not in html  # the CSP forbids inline styles

    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert f'<th scope="row">{GERMAN_MONTHS[now.month - 1]} {now.year}</th>' in table
    assert table.count('<th scope="row">') == 13  # twelve months and the total
    assert re.search(r"<tfoot>.*?>1<.*?>1<.*?>1<.*?>3<", table, re.S)
    figures = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Anteil beantwortet – (2 von 3)" in figures  # fewer than five: no share
    # One or two values: no median (fewer than five), and the page says why.
    assert "Zeit bis zur Moderation (Median) –" in figures
    assert "Zeit bis zur ersten Antwort (Median) –" in figures
    assert "„–“ heißt: keine oder weniger als 5 Werte." in figures
    assert 'href="/transparenz/"' in html  # linked from the footer


def test_the_page_without_any_feedback(client):
    response = client.get("/transparenz/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Im Zeitraum sind noch keine Rückmeldungen eingegangen." in html
    assert 'role="img"' not in html
    assert "<table" in html


def test_the_page_shows_the_stored_numbers_until_the_worker_stores_new_ones(
    client, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.TRANSPARENCY_CACHE_SECONDS = 600
    client.get("/transparenz/")  # no numbers stored yet: the first reader computes them
    ConversationFactory()
    with django_assert_num_queries(0):  # the page is shared until new numbers are stored
        html = Client().get("/transparenz/").content.decode()
    assert "Im Zeitraum sind noch keine Rückmeldungen eingegangen." in html
    assert "höchstens alle 10 Minuten" in html
    call_command("compute_transparency", verbosity=0)  # young numbers are kept
    assert 'role="img"' not in Client().get("/transparenz/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the version bump
        call_command("compute_transparency", "--force", verbosity=0)
    assert 'role="img"' in Client().get("/transparenz/").content.decode()
