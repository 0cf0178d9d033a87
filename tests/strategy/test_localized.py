"""English variants of content (German as fallback) and the Leichte Sprache summary."""

from datetime import UTC, datetime

import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from strategy.models import Event, Measure, Page, Task
from strategy.templatetags.strategy_tags import event_when
from tests.strategy.factories import (
    ActionFieldFactory,
    BestPracticeFactory,
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NewsPostFactory,
    PageFactory,
    ProjectFactory,
    SectionFactory,
)
from tests.strategy.test_admin import admin_url, form_data

pytestmark = pytest.mark.django_db


def parse(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_localized_uses_the_english_variant_only_on_english_pages_and_only_when_filled():
    measure = MeasureFactory(title="Digitale Akte", title_en="Digital files", summary="Kurz")
    assert measure.localized("title") == "Digitale Akte"
    assert measure.localized_language("title") == "de"
    with translation.override("en"):
        assert measure.localized("title") == "Digital files"
        assert measure.localized_language("title") == "en"
        assert measure.localized("summary") == "Kurz"  # no English: the German
        assert measure.localized_language("summary") == "de"
        assert measure.localized("department") == measure.department  # German-only field
        assert measure.localized_language("department") == "de"


def test_the_teaser_prefers_any_english_text_to_the_german_summary():
    post = NewsPostFactory(summary="Kurzfassung", body="Langer Text", body_en="Long text")
    assert post.teaser == "Kurzfassung"
    with translation.override("en"):
        assert (post.teaser, post.teaser_language) == ("Long text", "en")
        post.summary_en = "Short version"
        assert (post.teaser, post.teaser_language) == ("Short version", "en")
        post.summary_en = post.body_en = ""
        assert (post.teaser, post.teaser_language) == ("Kurzfassung", "de")


def test_english_fields_are_shown_under_en_and_german_stays_at_the_root(client):
    measure = MeasureFactory(
        title="Digitale Akte",
        title_en="Digital files",
        summary="Alle Akten digital.",
        summary_en="All files digital.",
        body="Der **Text**.",
        body_en="The **text**.",
    )
    MeasureUpdateFactory(measure=measure, text="Start erfolgt.", text_en="Started.")
    url = measure.get_absolute_url()
    english = parse(client.get("/en" + url))
    assert english.xpath("//h1")[0].text_content() == "Digital files"
    assert english.xpath("//h1")[0].get("lang") is None
    assert english.xpath("//p[@class='lead']")[0].text_content() == "All files digital."
    assert "The text." in english.xpath("//article")[0].text_content()
    assert "Started." in english.xpath("//ol[@class='timeline']")[0].text_content()
    assert english.xpath("//title")[0].text_content().startswith("Digital files – ")
    german = parse(client.get(url))
    assert german.xpath("//h1")[0].text_content() == "Digitale Akte"
    assert "Start erfolgt." in german.xpath("//ol[@class='timeline']")[0].text_content()


def test_untranslated_content_falls_back_to_german_marked_as_german(client):
    measure = MeasureFactory(title="Digitale Akte", summary="Alle Akten digital.", body="Text.")
    url = measure.get_absolute_url()
    english = parse(client.get("/en" + url))
    assert english.get("lang") == "en"
    heading = english.xpath("//h1")[0]
    assert (heading.text_content(), heading.get("lang")) == ("Digitale Akte", "de")
    lead = english.xpath("//p[@class='lead']")[0]
    assert (lead.text_content(), lead.get("lang")) == ("Alle Akten digital.", "de")
    assert english.xpath("//div[@class='prose']")[0].get("lang") == "de"
    # On German pages nothing needs marking.
    german = parse(client.get(url))
    assert german.xpath("//article//*[@lang]") == []


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("/en/strategie/massnahmen/", MeasureFactory),
        ("/en/projekte/", ProjectFactory),
        ("/en/neuigkeiten/", NewsPostFactory),
        ("/en/best-practice/", BestPracticeFactory),
    ],
)
def test_lists_show_english_titles_and_mark_german_ones(client, path, factory):
    factory(title="Auf Deutsch", summary="Nur deutsch.")
    factory(title="Übersetzt", title_en="Translated", summary="Kurz", summary_en="Short")
    html = parse(client.get(path))
    links = {a.text_content(): a.get("lang") for a in html.xpath("//*[@class='item-title']/a")}
    assert links == {"Auf Deutsch": "de", "Translated": None}


def test_pages_sections_and_tasks_have_english_variants(client, verl_content):
    page = Page.objects.get(slug=Page.HOME)
    page.title_en = "The Chief Digital Officer"
    page.body_en = "An English introduction."
    page.save()
    section = page.sections.get(slug="ziel")
    section.title_en = "Our goal"
    section.save()
    Task.objects.update(title_en="")  # the pack's English aside: German is the fallback
    Task.objects.filter(pk=Task.objects.first().pk).update(title_en="First task")
    html = parse(client.get("/en/"))
    assert html.xpath("//h1")[0].text_content() == "The Chief Digital Officer"
    assert "An English introduction." in html.xpath("//article")[0].text_content()
    assert "Our goal" in [h.text_content() for h in html.xpath("//h2")]
    tasks = [li.text_content() for li in html.xpath("//ul[@class='task-list']/li")]
    assert tasks[0] == "First task"
    assert html.xpath("//ul[@class='task-list']/li[2]/span")[0].get("lang") == "de"


def test_the_action_field_filter_offers_english_names(client):
    ActionFieldFactory(title="Verwaltung", title_en="Administration", slug="verwaltung")
    ActionFieldFactory(title="Bildung", slug="bildung")
    html = parse(client.get("/en/strategie/massnahmen/"))
    options = {
        o.text_content(): o.get("lang")
        for o in html.xpath("//select[@name='handlungsfeld']/option")
    }
    assert options == {"all": None, "Administration": None, "Bildung": "de"}


# --- Leichte Sprache ------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [PageFactory, MeasureFactory, EventFactory])
def test_the_leichte_sprache_summary_is_a_labelled_section_when_filled(client, factory):
    item = factory(easy_language="Das ist **wichtig**.\n\nEin Satz.")
    url = item.get_absolute_url() if factory is not PageFactory else f"/seite/{item.slug}/"
    html = parse(client.get(url))
    [section] = html.xpath("//details[@class='easy-language']")
    assert section.xpath("summary")[0].text_content() == "Diese Seite in Leichter Sprache"
    assert section.get("open") is None  # folded, opens without JavaScript
    text = section.xpath("div[@class='prose']")[0]
    assert text.get("lang") == "de"
    assert "<strong>wichtig</strong>" in lxml.html.tostring(text, encoding="unicode")
    english = parse(client.get("/en" + url))
    summary = english.xpath("//details[@class='easy-language']/summary")[0].text_content()
    assert summary == "This page in easy-to-read German (Leichte Sprache)"


@pytest.mark.parametrize("factory", [PageFactory, MeasureFactory])
def test_no_leichte_sprache_section_without_a_summary(client, factory):
    item = factory()
    url = item.get_absolute_url() if factory is not PageFactory else f"/seite/{item.slug}/"
    assert parse(client.get(url)).xpath("//details") == []


def test_leichte_sprache_is_sanitized_like_every_markdown_field(client):
    page = PageFactory(easy_language="<script>alert(1)</script> [x](javascript:alert(1))")
    html = client.get(f"/seite/{page.slug}/").content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html


# --- Events, search -------------------------------------------------------------------------


def test_an_event_over_several_days_names_both_days():
    event = Event(
        starts_at=datetime(2030, 7, 1, 16, 0, tzinfo=UTC),
        ends_at=datetime(2030, 7, 2, 10, 0, tzinfo=UTC),
    )
    german = lxml.html.fromstring(f"<p>{event_when(event)}</p>").text_content()
    with translation.override("en"):
        english = lxml.html.fromstring(f"<p>{event_when(event)}</p>").text_content()
    assert german == "Montag, 1. Juli 2030, 18:00 bis Dienstag, 2. Juli 2030, 12:00 Uhr"
    assert english == "Monday, 1 July 2030, 18:00 to Tuesday, 2 July 2030, 12:00"


def test_english_search_finds_german_text_and_shows_english_titles(client):
    MeasureFactory(title="Digitale Akte", title_en="Digital files", body="Aktenführung digital.")
    SectionFactory(title="Abschnitt Akte", body="Aktenführung im Rathaus.")
    html = parse(client.get("/en/suche/", {"q": "Aktenführung"}))
    titles = {a.text_content(): a.get("lang") for a in html.xpath("//h2[@class='item-title']/a")}
    assert titles["Digital files"] is None
    assert any(
        title.endswith(": Abschnitt Akte") and lang == "de" for title, lang in titles.items()
    )
    assert {p.get("lang") for p in html.xpath("//p[@class='snippet']")} == {"de"}
    assert "The search looks through the German texts" in html.text_content()


# --- Admin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "english_fields"),
    [
        (Page, ["title_en", "intro_en", "body_en"]),
        (Measure, ["title_en", "summary_en", "body_en"]),
        (Event, ["title_en", "summary_en", "body_en", "registration_en"]),
    ],
)
def test_the_admin_folds_the_english_fields_into_one_section(admin_client, model, english_fields):
    opts = model._meta
    response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    fieldsets = dict(response.context["adminform"].model_admin.get_fieldsets(response.wsgi_request))
    assert fieldsets["Englisch"]["fields"] == english_fields
    assert fieldsets["Englisch"]["classes"] == ["collapse"]
    assert fieldsets["Leichte Sprache"]["fields"] == ["easy_language"]
    html = lxml.html.fromstring(response.content.decode())
    for name in english_fields:
        [field] = html.xpath(f"//*[@name='{name}']")
        assert field.xpath("ancestor::details"), name  # collapsed, opens on click


def test_english_changes_are_recorded_in_the_history(admin_client):
    measure = MeasureFactory(title="E-Akte", slug="e-akte")
    change_url = admin_url(Measure, "change", measure.pk)
    data = form_data(admin_client.get(change_url).context["adminform"].form) | {
        "title_en": "Digital files",
        "easy_language": "Alle Akten sind im Computer.",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    assert admin_client.post(change_url, data).status_code == 302
    latest = measure.history.first()
    assert set(latest.diff_against(latest.prev_record).changed_fields) == {
        "title_en",
        "easy_language",
    }


def test_comments_name_the_page_in_its_language(client):
    measure = MeasureFactory(title="Digitale Akte", title_en="Digital files")
    content_type = ContentType.objects.get_for_model(Measure)
    html = parse(client.get(f"/en/kommentare/neu/{content_type.pk}/{measure.pk}/"))
    assert html.xpath("//h1")[0].text_content() == "Comment on “Digital files”"


NOTE = "Translation – the German text is authoritative."


@pytest.mark.parametrize("path", ["/en/", "/en/aufgaben/", "/en/impressum/", "/en/datenschutz/"])
def test_the_english_site_reads_english_marked_as_a_translation(client, verl_content, path):
    html = parse(client.get(path))
    heading = html.xpath("//h1")[0]
    assert heading.get("lang") is None
    assert heading.text_content() in {
        "The Chief Digital Officer (CDO) of the Town of Verl",
        "Tasks of the Chief Digital Officer",
        "Legal notice",
        "Privacy policy",
    }
    assert [p.text_content() for p in html.xpath("//p[@class='translation-note']")] == [NOTE]


def test_the_german_site_and_untranslated_items_carry_no_translation_note(client, verl_content):
    assert not parse(client.get("/")).xpath("//p[@class='translation-note']")
    post = NewsPostFactory(title="Nur auf Deutsch", body="Ein deutscher Text.")
    html = parse(client.get(f"/en{post.get_absolute_url()}"))
    assert html.xpath("//h1")[0].get("lang") == "de"
    assert not html.xpath("//p[@class='translation-note']")
