"""Every public page type in Chromium: axe-core finds no WCAG 2.1 A/AA violation, every request
stays on the site's own origin, nothing scrolls sideways at 320 px or at 200 % zoom, and
anonymous readers get no cookie except the CSRF token where a form is shown.

One page load per page type serves all checks, so the suite stays fast.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page

from strategy.models import Page as ContentPage
from tests.browser.conftest import axe_violations, describe
from tests.feedback.factories import ApprovedCommentFactory, UserFactory, signed_in
from tests.pages import TRANSPARENCY, form_pages, reading_pages, transparency_page

pytestmark = pytest.mark.django_db(transaction=True)

# A browser zoomed to 200 % lays a 1280 px window out like a 640 px one.
WIDTHS = {"200 % Zoom": 640, "320 px": 320}


@pytest.fixture
def site(live_server):
    """The demo content, loaded before the browser's event loop starts."""
    call_command("load_verl_content", "--demo", verbosity=0)
    call_command("setup_inbox", verbosity=0)
    home = ContentPage.objects.get(slug=ContentPage.HOME)
    comment = ApprovedCommentFactory(target=home, author_name="Clara", text="Weiter so!")
    ApprovedCommentFactory(target=home, parent=comment, author_name="Ben", text="Finde ich auch.")
    return live_server


def sideways_scroll(page: Page) -> dict[str, int]:
    """How far the page scrolls sideways at each width (0 everywhere is right)."""
    overflow = {}
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 800})
        overflow[label] = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    page.set_viewport_size({"width": 1280, "height": 800})
    return {label: px for label, px in overflow.items() if px > 0}


def check(page: Page, name: str, problems: dict[str, object]) -> None:
    """Run axe and the reflow check on the loaded page; note what fails under `name`."""
    found: dict[str, object] = {}
    if violations := axe_violations(page):
        found["axe"] = violations
    if overflow := sideways_scroll(page):
        found["scrolls sideways"] = overflow
    if page.locator("h1").count() != 1:
        found["h1"] = page.locator("h1").count()
    if found:
        problems[name] = found


def test_every_page_type_is_accessible_stays_on_its_origin_and_sets_no_needless_cookie(site, page):
    reading, forms, transparency = reading_pages(), form_pages(), transparency_page()
    origin = urlsplit(site.url).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: urlsplit(request.url).netloc != origin and foreign.append(request.url),
    )
    problems: dict[str, object] = {}

    for name, path in reading.items():
        response = page.goto(site.url + path)
        assert response.status == (404 if name == "404" else 200), name
        check(page, name, problems)
    assert page.context.cookies() == [], "a page without a form set a cookie"

    for name, path in {**forms, **transparency}.items():
        response = page.goto(site.url + path)
        assert response.status == 200, name
        check(page, name, problems)

    # The forms after a submission with errors: an error summary on top of each.
    page.goto(site.url + forms["Kontakt"])
    page.get_by_role("button", name="Nachricht senden").click()
    check(page, "Kontakt mit Fehlern", problems)
    page.goto(site.url + "/")
    page.get_by_role("button", name="Kommentar senden").click()
    check(page, "Kommentar mit Fehlern", problems)
    page.goto(site.url + forms["Anmelden"])
    page.locator("form button[type=submit]").click()
    check(page, "Anmelden mit Fehlern", problems)
    page.goto(site.url + forms["Registrieren"])
    page.locator("form button[type=submit]").click()
    check(page, "Registrieren mit Fehlern", problems)

    assert problems == {}, describe(problems)
    assert foreign == []
    assert {cookie["name"] for cookie in page.context.cookies()} == {"csrftoken"}


def test_transparency_page(site, page):
    if not transparency_page():
        pytest.skip(f"{TRANSPARENCY} is built on another branch; checked once it exists")
    response = page.goto(site.url + TRANSPARENCY)
    assert response.status == 200
    problems: dict[str, object] = {}
    check(page, "Transparenz", problems)
    assert problems == {}, describe(problems)


def test_the_account_pages_of_a_signed_in_citizen(site, new_page):
    user = UserFactory(username="karla")
    client = signed_in(user)
    page = new_page(bypass_csp=True)
    host = urlsplit(site.url).hostname
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
    )
    problems: dict[str, object] = {}
    for name, path in {
        "E-Mail-Adressen": "/konto/email/",
        "Passwort ändern": "/konto/password/change/",
        "Konto löschen": "/konto/loeschen/",
        "Abmelden": "/konto/logout/",
        "Startseite angemeldet": "/",
    }.items():
        assert page.goto(site.url + path).status == 200, name
        check(page, name, problems)
    assert problems == {}, describe(problems)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(site, page):
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-160px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_pages_work_without_javascript(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(site.url + "/")
    assert page.locator("h1").inner_text().startswith("Der Digitalisierungsbeauftragte")
    page.get_by_role("link", name="Aufgaben").first.click()
    assert page.url.endswith("/aufgaben/")


def test_long_german_words_are_hyphenated_on_a_phone(site, new_page):
    """At 390 px German headings and text hyphenate (where the browser has German hyphenation
    data; Debian's Chromium has none, so the computed style is what is checked), addresses
    never do, and nothing scrolls sideways."""
    page = new_page(viewport={"width": 390, "height": 800})
    page.goto(site.url + "/")
    hyphens = page.evaluate(
        """selectors => Object.fromEntries(selectors.map(s => {
            const element = document.querySelector(s);
            return [s, element && getComputedStyle(element).hyphens];
        }))""",
        ["h1", ".prose p", "#kommentare p", ".site-footer p", "a[href^='mailto:']"],
    )
    assert hyphens == {
        "h1": "auto",
        ".prose p": "auto",
        "#kommentare p": "auto",
        ".site-footer p": "auto",
        "a[href^='mailto:']": "manual",
    }
    scroll = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(scroll) <= 0
