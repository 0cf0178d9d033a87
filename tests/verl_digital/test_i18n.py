"""German at the root, English under /en/: URLs, switcher, alternates, formats, mails."""

import json
import re
from datetime import UTC, datetime

import lxml.html
import polib
import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from feedback.models import Comment
from strategy.models import ActionField, BestPractice, Event, Measure, Network, NewsPost, Project
from tests.feedback.factories import (
    PASSWORD,
    ApprovedCommentFactory,
    ConfirmedAddressFactory,
    TopicFactory,
    UserFactory,
    solved_captcha,
)
from tests.strategy.factories import EventFactory, NewsPostFactory
from tests.verl_digital.catalogue import ROOT

pytestmark = pytest.mark.django_db


def parse(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


# --- URLs and the active language -----------------------------------------------------------


@pytest.mark.usefixtures("verl_content")
def test_german_at_the_root_and_english_under_en(client):
    german = client.get("/aufgaben/")
    english = client.get("/en/aufgaben/")
    assert (german.status_code, english.status_code) == (200, 200)
    assert parse(german).get("lang") == "de"
    assert parse(english).get("lang") == "en"
    assert german["Content-Language"] == "de"
    assert english["Content-Language"] == "en"
    assert "Zum Inhalt springen" in german.content.decode()
    assert "Skip to content" in english.content.decode()


@pytest.mark.usefixtures("verl_content")
def test_a_browser_asking_for_english_still_gets_german_at_the_root(client):
    # German is the site's language; English is chosen by the link, never guessed.
    client.cookies["django_language"] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert parse(response).get("lang") == "de"
    english = client.get("/en/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert parse(english).get("lang") == "en"


@pytest.mark.usefixtures("verl_content")
def test_machine_and_staff_urls_have_no_language_prefix(client, admin_client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/en/healthz").status_code == 404
    assert client.get("/en/admin/").status_code == 404
    assert client.get("/en/captcha/refresh/").status_code == 404
    admin = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="de"' in admin.content.decode()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_signing_in_and_out_returns_to_the_home_page_in_the_same_language(client, prefix):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.post(f"{prefix}/konto/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == f"{prefix}/"
    response = client.post(f"{prefix}/konto/logout/")
    assert response["Location"] == f"{prefix}/"


def test_english_urls_keep_the_german_paths():
    with translation.override("en"):
        assert reverse("strategy:tasks") == "/en/aufgaben/"
        assert reverse("feedback:contact") == "/en/kontakt/"
        assert reverse("account_login") == "/en/konto/login/"
    assert reverse("strategy:tasks") == "/aufgaben/"
    assert reverse("healthz") == "/healthz"


# --- Language switch and alternates ---------------------------------------------------------


@pytest.mark.usefixtures("verl_content")
@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/", "/en/"),
        ("/en/", "/"),
        ("/aufgaben/", "/en/aufgaben/"),
        ("/en/strategie/", "/strategie/"),
        ("/suche/?q=Verwaltung", "/en/suche/?q=Verwaltung"),
        ("/kontakt/", "/en/kontakt/"),
        ("/en/konto/login/", "/konto/login/"),
    ],
)
def test_the_switch_links_to_the_same_page_in_the_other_language(client, path, other):
    html = parse(client.get(path))
    [link] = html.xpath('//header//p[@class="language-switch"]/a')
    assert link.get("href") == other
    language = "en" if other.startswith("/en/") else "de"
    assert link.get("hreflang") == language
    assert link.get("lang") == language
    assert link.text_content() == {"en": "English", "de": "Deutsch"}[language]


@pytest.mark.usefixtures("verl_content")
def test_the_switch_comes_first_in_the_header_and_works_without_javascript(client):
    html = parse(client.get("/"))
    header = html.xpath('//header[@class="site-header"]')[0]
    first_link = header.xpath(".//a")[0]
    assert first_link.text_content() == "English"
    assert not html.xpath("//script")


@pytest.mark.usefixtures("verl_content")
def test_alternates_name_both_versions_with_absolute_urls(client):
    for path in ("/aufgaben/", "/en/aufgaben/"):
        html = parse(client.get(path))
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in html.xpath('//head/link[@rel="alternate"][@hreflang]')
        }
        assert alternates == {
            "de": "http://testserver/aufgaben/",
            "en": "http://testserver/en/aufgaben/",
            "x-default": "http://testserver/aufgaben/",
        }


@pytest.mark.usefixtures("verl_content")
def test_an_unknown_page_switches_to_the_other_home_page_and_has_no_alternates(client):
    response = client.get("/en/gibt-es-nicht/")
    assert response.status_code == 404
    html = parse(response)
    assert html.get("lang") == "en"
    assert html.xpath('//p[@class="language-switch"]/a')[0].get("href") == "/"
    assert not html.xpath('//link[@rel="alternate"][@hreflang]')
    assert "Page not found" in response.content.decode()


@pytest.mark.usefixtures("verl_content")
def test_the_navigation_marks_the_current_page_in_both_languages(client):
    for prefix in ("", "/en"):
        html = parse(client.get(f"{prefix}/aufgaben/"))
        current = {
            link.get("href"): link.get("aria-current")
            for link in html.xpath('//nav[@class="main-nav"]//a')
            if link.get("aria-current")
        }
        assert current == {f"{prefix}/aufgaben/": "page"}  # the home link stays unmarked


# --- Every public page in English -----------------------------------------------------------

# Catalogue entries shown only to staff or in mails (always German) are not page text.
STAFF_OR_MAIL = re.compile(r"(^|/)(admin\.py|admin/|email/|.*\.txt$)")


def german_ui_strings() -> list[str]:
    """Every German UI string as it would appear if untranslated. Left out: strings that
    read the same in English ("Online") or occur in some English translation ("Start" is
    also the English of "Beginn"), which an English page may rightly show."""
    po = polib.pofile(str(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    english = " ".join(
        text for entry in po for text in [entry.msgstr, *entry.msgstr_plural.values()]
    )
    strings = []
    for entry in po:
        places = [path for path, _line in entry.occurrences]
        if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or "<" in entry.msgid:
            continue
        if all(STAFF_OR_MAIL.search(path) for path in places):
            continue
        if re.search(rf"(?<!\w){re.escape(entry.msgid)}(?!\w)", english):
            continue
        strings.append(entry.msgid)
    return strings


def page_text_outside_german_parts(html: str) -> str:
    """Visible text and accessible names of the body, without passages marked lang="de"
    (German content shown where no English exists, the link to the German version)."""
    body = lxml.html.fromstring(html).find("body")
    for element in body.xpath('.//*[@lang="de"]'):
        element.drop_tree()
    names = body.xpath(".//@aria-label | .//@alt | .//@title | .//@placeholder")
    return " ".join([body.text_content(), *names])


@pytest.fixture
def english_pages(verl_demo_content, client) -> list[str]:
    """One URL of every public page type, under /en/."""
    measure = Measure.objects.published().first()
    # Citizens' comments are content in whatever language they wrote; these are English.
    comment = ApprovedCommentFactory(target=measure, author_name="Jane", text="Good plan.")
    ApprovedCommentFactory(target=measure, parent=comment, author_name="Tom", text="Agreed.")
    content_type = ContentType.objects.get_for_model(Measure)
    address = ConfirmedAddressFactory()
    # The pack's topics have English names ("Allgemein": "General"); this one has none.
    TopicFactory(name="Nur deutsch")
    paths = [
        "/",
        "/aufgaben/",
        "/strategie/",
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
        "/strategie/massnahmen/",
        "/strategie/massnahmen/?stand=kaputt",
        "/projekte/",
        "/best-practice/",
        "/dialog/",
        "/dialog/archiv/",
        "/neuigkeiten/",
        "/netzwerke/",
        "/suche/",
        "/suche/?q=Verl",
        "/suche/?q=xyzzy",
        "/kontakt/",
        "/transparenz/",
        f"/kommentare/neu/{content_type.pk}/{measure.pk}/",
        f"/kommentare/{comment.pk}/antworten/",
        f"/kommentare/{comment.pk}/melden/",
        "/kommentare/adresse-bestaetigen/ungueltig/",
        f"/kommentare/abmelden/{address.unsubscribe_token}/",
        "/konto/login/",
        "/konto/signup/",
        "/konto/password/reset/",
        "/gibt-es-nicht/",
    ]
    for model in (ActionField, Measure, Project, BestPractice, Event, NewsPost, Network):
        paths.append(model.objects.published().first().get_absolute_url())
    return ["/en" + path for path in paths]


def test_every_public_page_type_is_english(client, english_pages):
    german = german_ui_strings()
    assert "Hauptnavigation" in german
    assert "Zum Inhalt springen" in german
    left = {}
    for url in english_pages:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        text = " ".join(page_text_outside_german_parts(html).split())
        found = [s for s in german if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)]
        if found:
            left[url] = found
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())


def test_signed_in_account_pages_are_english(client):
    client.force_login(UserFactory())
    german = german_ui_strings()
    for url in ("/en/konto/email/", "/en/konto/password/change/", "/en/konto/loeschen/"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = " ".join(page_text_outside_german_parts(response.content.decode()).split())
        assert [s for s in german if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", text)] == []
        assert "My account" in text


def test_contact_topics_are_offered_in_english_where_named(client):
    TopicFactory(name="Allgemein", name_en="General", position=1)
    TopicFactory(name="Barriere melden", position=2)
    html = parse(client.get("/en/kontakt/"))
    options = [
        (o.text_content(), o.get("lang")) for o in html.xpath("//select[@name='topic']/option")
    ]
    assert options == [("Please choose", None), ("General", None), ("Barriere melden", "de")]


# --- Dates and numbers ----------------------------------------------------------------------


def test_dates_are_written_the_way_each_language_writes_them(client):
    post = NewsPostFactory(slug="termin", publish_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    event = EventFactory(
        starts_at=datetime(2030, 7, 1, 16, 0, tzinfo=UTC),
        ends_at=datetime(2030, 7, 1, 18, 30, tzinfo=UTC),
    )
    comment = ApprovedCommentFactory(target=post)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=datetime(2025, 3, 5, 13, 30, tzinfo=UTC)
    )
    post_url, event_url = post.get_absolute_url(), event.get_absolute_url()
    german = client.get(post_url).content.decode()
    english = client.get("/en" + post_url).content.decode()
    assert ">25. November 2026<" in german
    assert ">25 November 2026<" in english
    assert "am 5. März 2025 um 14:30 Uhr" in german
    assert "on 5 March 2025 at 14:30<" in english
    german_event = parse(client.get(event_url)).xpath("//dl[@class='facts']//dd")[0]
    english_event = parse(client.get("/en" + event_url)).xpath("//dl[@class='facts']//dd")[0]
    assert german_event.text_content().strip() == "Montag, 1. Juli 2030, 18:00–20:30 Uhr"
    assert english_event.text_content().strip() == "Monday, 1 July 2030, 18:00–20:30"
    assert [time.get("datetime") for time in english_event.xpath(".//time")] == [
        "2030-07-01T18:00:00+02:00",
        "2030-07-01T20:30:00+02:00",
    ]


def test_counts_group_digits_the_way_each_language_does(rf):
    paginator = Paginator(range(1234), 30)
    context = {"paginator": paginator, "page_obj": paginator.page(1), "object_list": []}
    request = rf.get("/")
    with translation.override("de"):
        german = render_to_string("strategy/measure_list.html", context, request=request)
    with translation.override("en"):
        english = render_to_string("strategy/measure_list.html", context, request=request)
    assert "1.234 Maßnahmen" in german
    assert "1,234 measures" in english


# --- What stays German ----------------------------------------------------------------------


def test_mails_stay_german_when_the_visitor_used_the_english_pages(
    client, django_capture_on_commit_callbacks, run_tasks
):
    topic = TopicFactory(name="Allgemein")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/kontakt/",
            {
                "name": "Jane Doe",
                "email": "jane@example.org",
                "topic": str(topic.pk),
                "subject": "Question",
                "text": "Is there an English version of the strategy?",
                "consent": "on",
                **solved_captcha(),
            },
        )
    assert response.status_code == 302
    assert response["Location"].startswith("/en/kontakt/gesendet/")
    assert "reference number" in client.get(response["Location"]).content.decode()
    run_tasks()
    [receipt] = mail.outbox
    assert receipt.subject.startswith("Ihre Nachricht an die Stadt Verl")
    assert "Guten Tag," in receipt.body
    assert "Mit freundlichen Grüßen" in receipt.body


@pytest.mark.usefixtures("verl_demo_content")
def test_open_data_is_one_german_dataset_under_both_prefixes(client):
    german = json.loads(client.get("/strategie/daten.json").content)
    english = json.loads(client.get("/en/strategie/daten.json").content)
    german.pop("stand_der_daten"), english.pop("stand_der_daten")
    assert english == german
    assert german["status_werte"][0]["bezeichnung"] == "geplant"
    assert "/en/" not in json.dumps(german)
    assert (
        client.get("/en/strategie/daten.csv").content == client.get("/strategie/daten.csv").content
    )


def test_feeds_and_calendars_follow_the_page_language(client):
    NewsPostFactory(title="Es geht los", title_en="Off we go", slug="los")
    event = EventFactory(title="Werkstatt", title_en="Workshop", slug="werkstatt")
    ics_url = event.get_ics_url()
    german = client.get("/neuigkeiten/feed/").content.decode()
    english = client.get("/en/neuigkeiten/feed/").content.decode()
    assert 'xml:lang="de"' in german
    assert "<title>Es geht los</title>" in german
    assert 'xml:lang="en"' in english
    assert "<title>Off we go</title>" in english
    assert "News – Digitalisation in Verl" in english
    assert 'href="http://testserver/en/neuigkeiten/los/"' in english
    assert "SUMMARY:Workshop" in client.get("/en" + ics_url).content.decode()
    assert "SUMMARY:Werkstatt" in client.get(ics_url).content.decode()
