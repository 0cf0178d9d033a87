"""The English pages and the Leichte Sprache section in a real browser."""

import pytest

from strategy.models import Page
from tests.browser.conftest import axe_violations, describe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("verl_content")]

ENGLISH_PAGES = ["/en/", "/en/aufgaben/", "/en/strategie/", "/en/kontakt/", "/en/gibt-es-nicht/"]


@pytest.mark.parametrize("path", ENGLISH_PAGES)
def test_axe_finds_no_wcag_violations_on_english_pages(page, live_server, path):
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.lang") == "en"
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_switch_leads_to_the_other_language_and_back_without_javascript(new_page, live_server):
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/aufgaben/")
    page.get_by_role("link", name="English").click()
    # page.url changes when the navigation starts; read the page once it has loaded.
    page.wait_for_url(live_server.url + "/en/aufgaben/", wait_until="load")
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(live_server.url + "/aufgaben/", wait_until="load")
    assert page.evaluate("document.documentElement.lang") == "de"


def test_leichte_sprache_opens_by_keyboard_without_javascript(new_page, live_server):
    Page.objects.filter(slug=Page.HOME).update(easy_language="Hier steht das **Wichtigste**.")
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/")
    text = page.get_by_text("Hier steht das")
    assert not text.is_visible()
    page.get_by_text("Diese Seite in Leichter Sprache").focus()
    page.keyboard.press("Enter")
    assert text.is_visible()
