"""The moderators' admin pages in Chromium: what fits at 1280 px and at 390 px, and axe.

Django's admin markup is not ours; where axe objects to it and our templates cannot change
it, the rule is listed in `DJANGO_ADMIN_EXCEPTIONS` with the reason.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from feedback.comments import services
from feedback.models import ReportReason
from tests.browser.conftest import axe_violations, describe
from tests.feedback.factories import (
    AnswerTemplateFactory,
    ApprovedCommentFactory,
    CommentFactory,
    ConversationFactory,
    MessageFactory,
    TopicFactory,
    UserFactory,
    signed_in,
)
from tests.strategy.factories import PageFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG = (
    "Ein sehr langer Betreff zur Digitalisierung der Verwaltung in Verl mit vielen Wörtern, "
    "damit er umbrechen muss: Donaudampfschifffahrtsgesellschaftskapitänsmütze"
)

# axe rules that fail only on markup of Django's admin that our templates cannot change.
DJANGO_ADMIN_EXCEPTIONS: dict[str, str] = {}


@pytest.fixture
def admin_site(live_server):
    """Comments, reports and conversations as a busy day leaves them; a signed-in moderator."""
    call_command("setup_roles", verbosity=0)
    moderator = UserFactory(
        username="moderatorin",
        first_name="Maria-Theresia",
        last_name="Moderatorin-Schulze",
        groups=["Moderation"],
    )
    page = PageFactory(title="Digitale Verwaltung: Online-Dienste für Bürgerinnen und Bürger")
    for number in range(12):
        CommentFactory(target=page, author_name=f"Bürgerin Nummer {number} aus Verl", text=LONG)
    reported = ApprovedCommentFactory(target=page, text=LONG)
    for key in "ab":
        services.comment_report(
            comment=reported, reason=ReportReason.ABUSE, note=LONG, client_keys=[key]
        )
    answered = ApprovedCommentFactory(target=page, text="Wann kommt das WLAN?")
    services.comment_answer(comment=answered, staff=moderator, text="Im Mai.")
    topic = TopicFactory(name="Digitale Verwaltung")
    AnswerTemplateFactory(name="Dank für Ihre Nachricht")
    for number in range(12):
        conversation = ConversationFactory(
            subject=LONG,
            topic=topic,
            assignee=moderator,
            contact_name="Maximiliane Mustermann-Lüdenscheidt",
            contact_email=f"maximiliane.mustermann-luedenscheidt{number}@example.org",
        )
        MessageFactory(conversation=conversation, text=LONG)
    session = signed_in(moderator).cookies[settings.SESSION_COOKIE_NAME].value
    return live_server, session, reported, conversation


def open_admin(new_page, admin_site, width: int):
    live_server, session, *_ = admin_site
    page = new_page(bypass_csp=True, viewport={"width": width, "height": 900})
    host = urlsplit(live_server.url).hostname
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}]
    )
    return page


LISTS = {
    "Kommentare": ("/admin/feedback/comment/?status__exact=alle", ["Auszug", "Seite", "Alter"]),
    "Warteschlange": ("/admin/feedback/comment/", ["Auszug", "Status", "Meldungen", "Alter"]),
    "Posteingang": (
        "/admin/feedback/conversation/",
        ["Nummer", "Betreff", "Absender", "Status", "zuständig", "letzte Nachricht"],
    ),
    "Meldungen": ("/admin/feedback/commentreport/", ["Grund", "Kommentar", "erledigt am"]),
}


def overflow(page, selector: str) -> dict[str, int]:
    return page.evaluate(
        """selector => {
            const element = selector ? document.querySelector(selector) : document.scrollingElement;
            return {scroll: element.scrollWidth, client: element.clientWidth};
        }""",
        selector,
    )


@pytest.mark.parametrize("name", LISTS)
def test_the_lists_show_their_essential_columns_at_1280_px(admin_site, new_page, name):
    path, columns = LISTS[name]
    page = open_admin(new_page, admin_site, 1280)
    assert page.goto(admin_site[0].url + path).status == 200
    for selector in ("", "#changelist .results"):
        sizes = overflow(page, selector)
        assert sizes["scroll"] <= sizes["client"], (name, selector, sizes)
    headers = [text.casefold() for text in page.locator("#result_list thead th").all_inner_texts()]
    for column in columns:
        assert any(column.casefold() in header for header in headers), (column, headers)
    for header in page.locator("#result_list thead th").all():
        box = header.bounding_box()
        assert box["x"] + box["width"] <= 1280, header.inner_text()


@pytest.mark.parametrize("name", LISTS)
def test_actions_and_filters_stay_usable_at_390_px(admin_site, new_page, name):
    path, _columns = LISTS[name]
    page = open_admin(new_page, admin_site, 390)
    assert page.goto(admin_site[0].url + path).status == 200
    sizes = overflow(page, "")
    assert sizes["scroll"] <= sizes["client"], sizes  # the page itself never scrolls sideways
    action = page.locator('select[name="action"]')
    action.scroll_into_view_if_needed()
    box = action.bounding_box()
    assert 0 <= box["x"] <= box["x"] + box["width"] <= 390, box
    page.locator('input[name="_selected_action"]').first.check()
    options = action.locator("option").all()
    action.select_option(options[-1].get_attribute("value"))
    run = page.locator('button[name="index"]')
    assert run.is_visible()
    filters = page.locator("#changelist-filter")
    filters.scroll_into_view_if_needed()
    assert filters.is_visible()
    first_choice = filters.locator("a").nth(1)
    box = first_choice.bounding_box()
    assert 0 <= box["x"] <= box["x"] + box["width"] <= 390, box
    first_choice.click()
    page.wait_for_load_state("load")
    assert page.locator("#result_list, .paginator").first.is_visible()


def test_the_admin_pages_pass_axe(admin_site, new_page):
    live_server, _session, reported, conversation = admin_site
    problems: dict[str, list[dict]] = {}
    for width in (1280, 390):
        page = open_admin(new_page, admin_site, width)
        pages = {
            **{name: path for name, (path, _columns) in LISTS.items()},
            "Kommentar": f"/admin/feedback/comment/{reported.pk}/change/",
            "Vorgang": f"/admin/feedback/conversation/{conversation.pk}/change/",
        }
        for name, path in pages.items():
            assert page.goto(live_server.url + path).status == 200, name
            found = [
                violation
                for violation in axe_violations(page)
                if violation["id"] not in DJANGO_ADMIN_EXCEPTIONS
            ]
            if found:
                problems[f"{name} @ {width}"] = found
    assert problems == {}, describe(problems)


def test_the_conversation_page_fits_at_390_px(admin_site, new_page):
    live_server, _session, _reported, conversation = admin_site
    page = open_admin(new_page, admin_site, 390)
    page.goto(f"{live_server.url}/admin/feedback/conversation/{conversation.pk}/change/")
    sizes = overflow(page, "")
    assert sizes["scroll"] <= sizes["client"], sizes
    assert page.get_by_role("button", name="Antwort senden").is_visible()
