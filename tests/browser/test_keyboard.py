"""Keyboard only: commenting and the contact form with Tab, Enter and Space (and typing),
with a visible focus at every stop; form errors announced and tied to their fields."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from feedback.captcha import NUMBER_WORDS
from feedback.models import Comment, Conversation
from tests.browser.conftest import axe_violations, in_thread

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {str(word): number for number, word in enumerate(NUMBER_WORDS)}

# The focused element is visibly marked: an outline or a focus shadow.
FOCUS_VISIBLE = """() => {
  const style = getComputedStyle(document.activeElement);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""


@pytest.fixture
def site(live_server):
    call_command("load_verl_content", verbosity=0)
    call_command("setup_inbox", verbosity=0)
    return live_server


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.outerHTML.slice(0, 100)")


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_VISIBLE), f"focus not visible on {focused(page)}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with Tab; focus is on {focused(page)}")


def answer(page: Page) -> str:
    """Read the captcha's question as a visitor does and work it out."""
    question = page.locator(".captcha-question").inner_text()
    first, operator, second = re.fullmatch(
        r"Wie viel ist (\S+) (plus|minus) (\S+)\?", question
    ).groups()
    result = WORDS[first] + WORDS[second] if operator == "plus" else WORDS[first] - WORDS[second]
    return str(result)


def assert_errors_are_announced(page: Page) -> int:
    """The error summary has the focus, links to each field, and each field names its error."""
    summary = page.locator(".error-summary")
    expect(summary).to_have_attribute("role", "alert")
    assert page.evaluate("document.activeElement.id") == "fehler"  # read out on arrival
    assert page.title().startswith("Fehler:") or page.url.split("?")[0].endswith("/signup/")
    links = summary.locator("a")
    for index in range(links.count()):
        link = links.nth(index)
        field_id = link.get_attribute("href").removeprefix("#")
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        described = [
            page.locator(f"#{part}").inner_text()
            for part in field.get_attribute("aria-describedby").split()
        ]
        message = link.inner_text()
        assert any(text.strip() and text.strip() in message for text in described), (
            field_id,
            described,
            message,
        )
    return links.count()


def test_a_citizen_comments_with_the_keyboard_alone(site, page):
    page.goto(site.url + "/")
    tab_to(page, ".skip-link")
    page.keyboard.press("Enter")
    tab_to(page, "#id_author_name")
    page.keyboard.type("Kai Tastatur")
    tab_to(page, "#id_text")
    page.keyboard.type("Ich bediene alles mit der Tastatur. Danke für die klare Seite!")
    tab_to(page, "#id_captcha_1")
    # The captcha is a question in text, which screen readers read with the field.
    captcha = page.locator("#id_captcha_1")
    expect(captcha).to_have_accessible_name(re.compile("^Sicherheitsabfrage"))
    expect(captcha).to_have_accessible_description(
        re.compile(r"^Wie viel ist \S+ (plus|minus) \S+\? Damit wir Menschen")
    )
    assert page.locator(".comment-form img").count() == 0
    page.keyboard.type(answer(page))
    tab_to(page, ".comment-form button[type=submit]")
    page.keyboard.press("Enter")

    # Consent forgotten: the summary takes the focus and leads to the checkbox.
    page.wait_for_url(re.compile(r"/kommentare/neu/"))
    assert assert_errors_are_announced(page) == 1
    tab_to(page, ".error-summary a[href='#id_privacy_consent']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_privacy_consent"
    page.keyboard.press("Space")
    expect(page.locator("#id_privacy_consent")).to_be_checked()
    expect(page.locator("#id_text")).to_have_value(re.compile("mit der Tastatur"))
    tab_to(page, "#id_captcha_1")  # each question counts once: a new one is asked
    page.keyboard.type(answer(page))
    tab_to(page, ".comment-form button[type=submit]")
    page.keyboard.press("Space")

    expect(page.locator("#kommentare")).to_contain_text("Ihr Kommentar ist eingegangen")
    assert page.evaluate("document.activeElement.id") == "eingang"  # read out on arrival
    assert axe_violations(page) == []
    comment = in_thread(lambda: Comment.objects.get())
    assert (comment.author_name, comment.status) == ("Kai Tastatur", "pending")


def test_a_barrier_is_reported_through_the_contact_form_with_the_keyboard_alone(site, page):
    page.goto(site.url + "/barrierefreiheit/")
    tab_to(page, "a[href='/kontakt/?thema=barriere-melden']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/kontakt/\?thema=barriere-melden"))
    expect(page.locator("#id_topic option:checked")).to_have_text("Barriere melden")

    tab_to(page, "#id_name")
    page.keyboard.type("Rita Screenreader")
    tab_to(page, "#id_email")
    page.keyboard.type("rita@example.org")
    tab_to(page, "#id_subject")
    page.keyboard.type("Tabelle ohne Überschriften")
    tab_to(page, "#id_text")
    page.keyboard.type("Auf der Seite Strategie fehlt einer Tabelle die Kopfzeile.")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    tab_to(page, "#id_captcha_1")
    page.keyboard.type(str(int(answer(page)) + 1))  # a slip of the finger
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")

    assert assert_errors_are_announced(page) == 1
    tab_to(page, ".error-summary a")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_captcha_1"
    page.keyboard.type(answer(page))
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Vielen Dank für Ihre Nachricht")
    assert axe_violations(page) == []
    conversation = in_thread(lambda: Conversation.objects.select_related("topic").get())
    assert conversation.topic.name == "Barriere melden"
    assert conversation.reference in page.locator(".reference").inner_text()


def test_errors_of_every_form_are_announced_and_tied_to_their_fields(site, page):
    page.goto(site.url + "/kontakt/")
    page.get_by_role("button", name="Nachricht senden").click()
    assert assert_errors_are_announced(page) == 7  # every field, the captcha included

    page.goto(site.url + "/")
    page.get_by_role("button", name="Kommentar senden").click()
    assert assert_errors_are_announced(page) == 4  # name, text, consent, captcha

    page.goto(site.url + "/konto/signup/")
    page.locator("form button[type=submit]").click()
    assert assert_errors_are_announced(page) >= 4
