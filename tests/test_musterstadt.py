"""Any German town can run the site: with the fictional Musterstadt's content pack loaded,
no page, mail, feed, calendar, open-data file or admin title names the first town.

The pack lives in tests/content_packs/musterstadt/. Every public page type is read in German
and English, the forms are sent (contact, comment), the mails they cause are read with their
headers, and the admin's index is opened. A failure lists every place still naming it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse

from feedback.cases.links import case_url
from feedback.comments.services import comment_answer, comment_approve
from feedback.models import Case, Comment, Topic
from strategy.models import Event, Page, TownProfile
from tests.feedback.factories import solved_captcha
from tests.pages import comment_form_url, public_pages

pytestmark = pytest.mark.django_db

PACK = Path(__file__).resolve().parent / "content_packs" / "musterstadt"
# "Verl" as a word (German words such as "verlinkt" contain "verl"), and its domain.
FIRST_TOWN = [re.compile(r"\bVerl\b"), re.compile(r"verl\.de", re.IGNORECASE)]


def naming_the_first_town(text: str) -> list[str]:
    return [
        text[max(0, found.start() - 60) : found.end() + 60].replace("\n", " ")
        for pattern in FIRST_TOWN
        for found in pattern.finditer(text)
    ]


def test_the_check_finds_the_first_town():
    assert naming_the_first_town("Die Stadt Verl lädt ein")
    assert naming_the_first_town("an digital@VERL.DE")
    assert not naming_the_first_town("Der Text ist verlinkt und verlässlich.")


def test_the_pack_itself_names_no_other_town():
    for path in PACK.rglob("*"):
        if path.is_file():
            assert not naming_the_first_town(path.read_text(encoding="utf-8")), path


@pytest.fixture
def musterstadt(db, django_capture_on_commit_callbacks) -> None:
    # Committed, as `prepare` commits it: what reads the profile then sees the new town.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_content", str(PACK), "--demo", verbosity=0)


def _optional(*paths: str) -> dict[str, str]:
    """Pages built on other branches, read as soon as they exist."""
    found = {}
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            continue
        found[path] = path
    return found


def feeds_and_data() -> dict[str, str]:
    event = Event.objects.published().first()
    return {
        name: reverse(f"{app}:{name}", kwargs=kwargs)
        for app, name, kwargs in [
            ("strategy", "measure_feed", {}),
            ("strategy", "news_feed", {}),
            ("strategy", "event_feed", {}),
            ("strategy", "event_calendar", {}),
            ("strategy", "event_ics", {"slug": event.slug}),
            ("strategy", "data_json", {}),
            ("strategy", "data_csv", {}),
            ("strategy", "data_schema", {}),
            ("feedback", "moderation_json", {}),
            ("feedback", "moderation_csv", {}),
            ("feedback", "moderation_schema", {}),
            ("feedback", "moderation_table_schema", {}),
        ]
    }


def mail_text(message) -> str:
    headers = "\n".join(f"{name}: {value}" for name, value in message.message().items())
    bodies = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join([headers, *map(str, bodies)])


def test_the_pack_sets_the_town(musterstadt):
    town = TownProfile.get_solo()
    assert (town.name, town.reference_prefix, town.federal_state) == (
        "Stadt Musterstadt",
        "MUST",
        "BY",
    )
    assert Topic.objects.count() == 3
    assert "Musterstadt" in Page.objects.get(slug="leichte-sprache").body


def test_no_page_mail_feed_or_file_names_the_first_town(
    client, musterstadt, django_capture_on_commit_callbacks, run_tasks, superuser
):
    left: dict[str, list[str]] = {}

    def check(name: str, text: str) -> None:
        if found := naming_the_first_town(text):
            left[name] = found

    # Forms: a message through the contact form and a comment with an address, each
    # with the page that follows and the mails they cause.
    topic = Topic.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("feedback:contact"),
            {
                "name": "Erika Beispiel",
                "email": "erika@example.org",
                "topic": str(topic.pk),
                "subject": "Eine Frage",
                "text": "Wann kommt der Onlinedienst?",
                "consent": "on",
                "notify_progress": "on",
                "homepage": "",
                **solved_captcha(),
            },
        )
    assert sent.status_code == 302
    check(f"thank-you page {sent['Location']}", client.get(sent["Location"]).content.decode())
    comment_form = comment_form_url(Page.objects.get(slug=Page.HOME))
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            comment_form,
            {
                "author_name": "Karla Beispiel",
                "author_email": "karla@example.org",
                "notify": "on",
                "text": "Eine gute Idee für unsere Stadt.",
                "privacy_consent": "on",
                **solved_captcha(),
            },
        )
    assert posted.status_code == 302
    check(
        f"after the comment {posted['Location']}", client.get(posted["Location"]).content.decode()
    )
    comment = Comment.objects.get(author_name="Karla Beispiel")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_approve(comment=comment, moderator=superuser)
        comment_answer(comment=comment, staff=superuser, text="Danke, wir kümmern uns darum.")
    case = Case.objects.get(comment=comment)
    check("case page", client.get(case_url(case)).content.decode())
    # Account mails: sign-up and a password reset.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "neu@example.org",
                "username": "neu",
                "password1": "ein-langes-Passwort-2026",
                "password2": "ein-langes-Passwort-2026",
                "privacy_consent": "on",
            },
        )
        client.post(reverse("account_reset_password"), {"email": superuser.email})
    run_tasks()

    # Every public page type, in German and in English.
    pages = {
        **public_pages(),
        **_optional("/leichte-sprache/", "/gebaerdensprache/"),
        "leichte-sprache (as a page)": Page.objects.get(slug="leichte-sprache").get_absolute_url(),
        "search with a hit": reverse("strategy:search") + "?q=Onlinedienste",
    }
    for name, url in pages.items():
        for prefix in ("", "/en"):
            response = client.get(prefix + url)
            assert response.status_code in (200, 404), (prefix + url, response.status_code)
            check(f"{name} {prefix}{url}", response.content.decode())
    assert (
        "Wohnsitz online ummelden"
        in client.get(
            pages["search with a hit"].replace("Onlinedienste", "Wohnsitz")
        ).content.decode()
    )
    for name, url in feeds_and_data().items():
        response = client.get(url)
        assert response.status_code == 200, url
        check(
            f"{name} {url}",
            b"".join(response).decode() if response.streaming else response.content.decode(),
        )

    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        check(f"mail {message.subject!r}", mail_text(message))

    admin = client
    admin.force_login(get_user_model().objects.get(pk=superuser.pk))
    from tests.feedback.factories import signed_in

    staff = signed_in(superuser)
    index = staff.get(reverse("admin:index"))
    assert index.status_code == 200
    check("admin index", index.content.decode())

    assert left == {}, "\n".join(f"{name}: {found}" for name, found in sorted(left.items()))
