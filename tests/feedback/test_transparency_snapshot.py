"""The stored figures behind /transparenz/: JSON round trip, the command, the page's query
budget and what the page says about period, method and small numbers."""

import json
import re
import threading
import time
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from feedback.cases.services import case_open_for_conversation
from feedback.comments import services
from feedback.models import Channel, Direction, ModerationStep, TransparencySnapshot
from feedback.transparency_record import RECORD_COLUMNS
from feedback.transparency_snapshot import (
    Figures,
    figures_compute,
    figures_decode,
    figures_encode,
    transparency_snapshot_update,
)
from tests.feedback.factories import (
    ApprovedCommentFactory,
    ConversationFactory,
    MessageFactory,
    RejectionReasonFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
GERMAN_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
GERMAN_MONTHS = GERMAN_MONTHS.split()


@pytest.fixture
def feedback():
    """Six answered contact-form messages on one topic (1 … 6 hours), moderated comments."""
    now = datetime.now(tz=BERLIN)
    topic = TopicFactory(name="Barriere melden")
    for hours in range(1, 7):
        created = now - timedelta(days=2, hours=hours)
        conversation = ConversationFactory(channel=Channel.FORM, created_at=created, topic=topic)
        MessageFactory(
            conversation=conversation, direction=Direction.OUT, created_at=created + hours * H
        )
        case_open_for_conversation(conversation=conversation)
    moderator = UserFactory()
    reason = RejectionReasonFactory(title="Werbung")
    for index in range(3):
        comment = ApprovedCommentFactory()
        comment.actions.create(action=ModerationStep.APPROVE, actor_name="x")
        if index == 0:
            services.comment_reject(comment=comment, moderator=moderator, reason=reason)


def test_the_figures_survive_the_json_round_trip(feedback):
    figures = figures_compute()
    stored = json.loads(json.dumps(figures_encode(figures)))
    assert figures_decode(Figures, stored) == figures
    assert figures.stats.channels[1].first_answer.median == 3.5 * H


def test_the_command_stores_once_and_keeps_young_numbers(feedback, settings):
    settings.TRANSPARENCY_CACHE_SECONDS = 600
    out = StringIO()
    call_command("compute_transparency", "--dry-run", stdout=out)
    assert "(dry run)" in out.getvalue()
    assert not TransparencySnapshot.objects.exists()

    call_command("compute_transparency", stdout=StringIO())
    first = TransparencySnapshot.objects.get()
    out = StringIO()
    call_command("compute_transparency", stdout=out)  # young: kept
    assert "Kept" in out.getvalue()
    assert list(TransparencySnapshot.objects.all()) == [first]

    call_command("compute_transparency", "--force", stdout=StringIO())
    assert TransparencySnapshot.objects.get().pk != first.pk  # replaced, still one row

    later = first.computed_at + timedelta(seconds=601)
    assert transparency_snapshot_update(now=later).written


def test_the_page_reads_the_stored_figures_in_one_query(feedback, django_assert_num_queries):
    transparency_snapshot_update(force=True)
    with django_assert_num_queries(1):
        response = Client().get("/transparenz/")
    assert response.status_code == 200
    with django_assert_num_queries(0):  # then it is shared
        Client().get("/transparenz/")
    with django_assert_num_queries(1):
        assert Client().get("/transparenz/moderation.json").status_code == 200


def test_the_page_states_period_method_time_and_small_numbers(feedback, client):
    figures = transparency_snapshot_update(force=True).figures
    html = client.get("/transparenz/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("\u00a0", " ")
    start, end = figures.report.start, figures.end
    assert f"vom 1. {GERMAN_MONTHS[start.month - 1]} {start.year} bis zum {end.day}." in text
    assert "Stand:" in text
    assert "percentile_cont" in text  # the method
    assert "der Median 5,5 Stunden und der 90-%-Wert 9,1 Stunden" in text
    assert "„–“: Die Zahl beruht auf weniger als 5 Werten" in text
    assert html.count("<h1") == 1

    # The channel table: the contact form with six answers gives median 3.5 h and p90 5.5 h.
    channels = re.search(r'<caption id="zeiten-kanal">.*?</table>', html, re.S).group(0)
    form = re.search(r"<th scope=\"row\">Kontaktformular</th>(.*?)</tr>", channels, re.S).group(1)
    assert re.findall(r'<td class="number">([^<]*)', form)[:3] == [
        "6",
        "3,5 Stunden",
        "5,5 Stunden",
    ]
    comments = re.search(r"<th scope=\"row\">Kommentar</th>(.*?)</tr>", channels, re.S).group(1)
    assert re.findall(r'<td class="number">([^<]*)', comments)[1:3] == ["–", "–"]
    topics = re.search(r'<caption id="zeiten-thema">.*?</table>', html, re.S).group(0)
    assert '<th scope="row">Barriere melden</th>' in topics

    record = re.search(r'<caption id="moderation-tabelle">.*?</table>', html, re.S).group(0)
    assert re.search(r"<tfoot>.*?>3<.*?>3<.*?>1<", record, re.S)  # received, approved, rejected
    reasons = re.search(r'<caption id="gruende-tabelle">.*?</table>', html, re.S).group(0)
    assert '<th scope="col" class="number">Werbung</th>' in reasons


def test_the_page_in_english(feedback, client):
    transparency_snapshot_update(force=True)
    html = client.get("/en/transparenz/").content.decode()
    assert "Moderation of comments" in html
    assert "Contact form" in html


def test_the_last_day_is_local_even_across_a_change_of_daylight_saving_time():
    # Computed at 22:30 UTC on 20 October: 21 October in Berlin (summer time, +2), whereas
    # the offset of the stored start (1 November last year, winter time, +1) says 20 October.
    now = datetime(2026, 10, 20, 22, 30, tzinfo=ZoneInfo("UTC"))
    stored = json.loads(json.dumps(figures_encode(figures_compute(now=now))))
    assert stored["report"]["start"] == "2025-11-01T00:00:00+01:00"
    assert figures_decode(Figures, stored).end.isoformat() == "2026-10-21"


@pytest.mark.django_db(transaction=True)
def test_first_readers_at_once_compute_once(monkeypatch):
    from django.db import connection

    from feedback import transparency_snapshot

    computed = []
    real = transparency_snapshot.figures_compute

    def slow_compute(**kwargs):
        computed.append(1)
        time.sleep(0.5)  # the others arrive meanwhile
        return real(**kwargs)

    monkeypatch.setattr(transparency_snapshot, "figures_compute", slow_compute)
    results = []

    def read():
        try:
            results.append(transparency_snapshot.transparency_figures().computed_at)
        finally:
            connection.close()

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(computed) == 1
    assert len(results) == 3
    assert len(set(results)) == 1  # all read the same numbers
    assert TransparencySnapshot.objects.count() == 1


def test_numbers_stored_in_an_earlier_format_are_computed_again(client):
    # A deploy that changed the figures' dataclasses finds a row it cannot read.
    old = transparency_snapshot_update(force=True).figures
    TransparencySnapshot.objects.update(figures={"report": {"start": "2026-01-01"}})
    response = client.get("/transparenz/")
    assert response.status_code == 200
    stored = TransparencySnapshot.objects.get()
    assert figures_decode(Figures, stored.figures).report.start == old.report.start


def test_numbers_stored_with_other_record_columns_are_computed_again(client):
    transparency_snapshot_update(force=True)
    stored = TransparencySnapshot.objects.get()
    stored.figures["record"]["columns"] = stored.figures["record"]["columns"][:-1]
    stored.save()
    assert client.get("/transparenz/moderation.json").status_code == 200
    columns = TransparencySnapshot.objects.get().figures["record"]["columns"]
    assert columns == [column.key for column in RECORD_COLUMNS]
