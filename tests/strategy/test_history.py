"""The history of content as editors read it, and reverts that restore text exactly."""

from datetime import UTC, datetime

import lxml.html
import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from strategy.base import now_to_the_minute, text_normalize
from strategy.history import word_diff
from strategy.models import Measure
from tests.strategy.factories import MeasureFactory
from tests.strategy.test_admin import admin_url

pytestmark = pytest.mark.django_db

LONG_TEXT = "\n".join(
    f"Absatz {n}: Die Stadt Verl digitalisiert ihre Verwaltung Schritt für Schritt."
    for n in range(8)
)


def browser_data(form) -> dict:
    """What a browser posts back for an admin form as rendered: times to the second, and
    every textarea's lines ended with CR LF (HTML's form submission does that)."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if isinstance(field, forms.SplitDateTimeField):
            value = timezone.localtime(value)
            data[f"{name}_0"] = value.strftime("%Y-%m-%d")
            data[f"{name}_1"] = value.strftime("%H:%M:%S")
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [obj.pk for obj in value or []]
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(field.widget, forms.Textarea):
            data[name] = (value or "").replace("\n", "\r\n")
        elif value is not None:
            data[name] = value
    return data | {"updates-TOTAL_FORMS": "0", "updates-INITIAL_FORMS": "0"}


def post_change(admin_client, measure, **changes) -> None:
    url = admin_url(Measure, "change", measure.pk)
    form = admin_client.get(url).context["adminform"].form
    response = admin_client.post(url, browser_data(form) | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors


def history_changes(admin_client, measure) -> list[str]:
    html = admin_client.get(admin_url(Measure, "history", measure.pk)).content.decode()
    return [
        " ".join(item.text_content().split())
        for item in lxml.html.fromstring(html).xpath("//ul[@class='history-changes']/li")
    ]


# --- Values ---------------------------------------------------------------------------------


def test_a_word_diff_marks_removed_and_added_words_and_escapes_them():
    diff = word_diff("Die <b>alte</b> Fassung bleibt.", "Die <b>neue</b> Fassung bleibt.")
    assert diff == (
        "Die <del>&lt;b&gt;alte&lt;/b&gt;</del><ins>&lt;b&gt;neue&lt;/b&gt;</ins> Fassung bleibt."
    )
    assert word_diff("eins zwei", "eins zwei drei") == "eins zwei<ins> drei</ins>"


def test_publish_at_defaults_to_the_minute():
    assert now_to_the_minute().second == now_to_the_minute().microsecond == 0
    measure = Measure(title="E-Akte")
    assert measure.publish_at == measure.publish_at.replace(second=0, microsecond=0)


def test_text_is_stored_with_unix_line_endings():
    measure = MeasureFactory.build(body="eins\r\nzwei\rdrei\n", title="Titel")
    text_normalize(measure)
    assert measure.body == "eins\nzwei\ndrei\n"


# --- The history view -----------------------------------------------------------------------


def test_history_shows_times_in_berlin_to_the_minute(admin_client):
    measure = MeasureFactory(title="E-Akte", publish_at=datetime(2026, 3, 1, 11, 26, tzinfo=UTC))
    post_change(
        admin_client, measure, publish_at_0="2026-07-01", publish_at_1="09:05:00", title="E-Akte"
    )
    assert history_changes(admin_client, measure) == [
        "Veröffentlichen ab: 1. März 2026 12:26 → 1. Juli 2026 09:05"
    ]


def test_a_change_of_precision_only_is_not_listed(admin_client):
    # Stored with microseconds (as before publish_at defaulted to the minute); the form sends
    # the same time to the second.
    measure = MeasureFactory(
        title="E-Akte", publish_at=datetime(2026, 3, 1, 12, 26, 24, 376377, tzinfo=UTC)
    )
    post_change(admin_client, measure, title="E-Akte für alle")
    assert history_changes(admin_client, measure) == ["Titel: E-Akte → E-Akte für alle"]


def test_a_new_item_saved_unchanged_records_no_change(admin_client):
    measure = MeasureFactory(title="E-Akte")
    post_change(admin_client, measure)
    assert measure.history.count() == 2
    assert history_changes(admin_client, measure) == []


def test_long_texts_are_shown_whole_as_a_word_diff(admin_client):
    measure = MeasureFactory(title="E-Akte", body=LONG_TEXT)
    new_text = LONG_TEXT.replace("Absatz 7: Die Stadt", "Absatz 7: Die <Stadt>")
    post_change(admin_client, measure, body=new_text.replace("\n", "\r\n"))
    html = admin_client.get(admin_url(Measure, "history", measure.pk)).content.decode()
    [diff] = lxml.html.fromstring(html).xpath("//div[@class='history-diff']")
    assert [d.text_content() for d in diff.xpath("./del")] == ["Stadt"]
    assert [i.text_content() for i in diff.xpath("./ins")] == ["<Stadt>"]
    assert diff.text_content().startswith("Absatz 0:")
    assert "chars]" not in html
    assert "&lt;Stadt&gt;" in html


# --- Revert ---------------------------------------------------------------------------------


def test_a_revert_restores_the_exact_text(admin_client):
    measure = MeasureFactory(title="E-Akte", body=LONG_TEXT)
    original = measure.history.get()
    post_change(admin_client, measure, body="Kurz.")
    revert_url = reverse(
        "admin:strategy_measure_simple_history", args=[measure.pk, original.history_id]
    )
    form = admin_client.get(revert_url).context["adminform"].form
    response = admin_client.post(revert_url, browser_data(form))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.body == LONG_TEXT
    assert len(measure.body) == len(LONG_TEXT)
    assert "\r" not in measure.history.first().body
    # The revert is listed as the change back, without a change of line endings.
    assert history_changes(admin_client, measure)[0].startswith("Text:")
