"""XSS payloads in every text field, approved and shown, stay inert in a real browser.

The pages are opened with the Content-Security-Policy bypassed: the CSP would stop inline
scripts anyway, so this proves the escaping on its own. A payload that ran would set
`window.__xss` or open a dialog; both are watched on every page.
"""

from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from feedback.comments import services
from feedback.models import Comment, Conversation, Topic
from strategy.models import Page
from tests.feedback.factories import signed_in, solved_captcha

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    "<svg onload=alert(3)>",
    '"><script>alert(4)</script>',
    "'><img src=x onerror=window.__xss=5>",
    "javascript:alert(6)",
    '<a href="javascript:window.__xss=7">klick</a>',
    '<iframe src="javascript:alert(8)"></iframe>',
    "<details open ontoggle=window.__xss=9>",
    "[klick](javascript:alert(10))",
    'https://example.org/"onmouseover="window.__xss=11"x=',
    "www.example.org/?q=<img src=x onerror=window.__xss=12>",
    '<math><a xlink:href="javascript:alert(13)">m</a></math>',
    "<scr<script>ipt>window.__xss=14</script>",
    "</textarea><script>window.__xss=15</script>",
    "</title><script>alert(16)</script>",
    "{{ request }} {% debug %} ${alert(17)}",
    "<body onload=window.__xss=18>",
    '<input autofocus onfocus="window.__xss=19">',
    "&lt;script&gt;window.__xss=20&lt;/script&gt;",
]


@pytest.fixture
def hostile_site(live_server, superuser):
    """Every payload submitted through the real forms, then approved and answered."""
    call_command("load_verl_content", verbosity=0)
    call_command("load_rejection_reasons", verbosity=0)
    home = Page.objects.get(slug=Page.HOME)
    topic = Topic.objects.create(name="<b onmouseover=window.__xss=21>Thema</b>")
    content_type = ContentType.objects.get_for_model(home)
    comment_url = reverse("feedback:comment_create", args=[content_type.pk, home.pk])
    for number, payload in enumerate(PAYLOADS):
        citizen = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")  # one rate limit each
        citizen.post(
            comment_url,
            {
                "author_name": payload[:100],
                "text": f"Kommentar {number}: {payload}",
                "privacy_consent": "on",
                **solved_captcha(),
            },
        )
        citizen.post(
            reverse("feedback:contact"),
            {
                "name": payload[:200],
                "email": f"person{number}@example.org",
                "topic": topic.pk,
                "subject": payload[:200],
                "text": f"Nachricht {number}: {payload}",
                "consent": "on",
                **solved_captcha(),
            },
        )
    comments = list(Comment.objects.order_by("pk"))
    assert len(comments) == len(PAYLOADS)
    assert Conversation.objects.count() == len(PAYLOADS)
    for comment in comments:
        services.comment_approve(comment=comment, moderator=superuser)
    services.comment_answer(comment=comments[0], staff=superuser, text=PAYLOADS[1])
    services.comment_report(comment=comments[1], reason="other", note=PAYLOADS[0])
    staff = signed_in(superuser)
    return live_server, staff.cookies["sessionid"].value, comments


def watch(page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def assert_inert(page, dialogs: list[str], url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    page.mouse.move(5, 5)
    page.keyboard.press("Tab")
    assert page.evaluate("window.__xss") is None, url
    assert dialogs == [], url


def test_payloads_in_comments_and_the_inbox_stay_inert(hostile_site, new_page):
    live_server, session, comments = hostile_site
    citizen = new_page(bypass_csp=True)
    dialogs = watch(citizen)
    assert_inert(citizen, dialogs, live_server.url + "/")
    shown = citizen.locator("#kommentare")
    for payload in PAYLOADS[:3]:
        expect(shown).to_contain_text(payload)  # shown as text, exactly as typed
    assert_inert(citizen, dialogs, f"{live_server.url}/kommentare/{comments[5].pk}/")
    assert_inert(citizen, dialogs, f"{live_server.url}/suche/?q={quote(PAYLOADS[0])}")
    assert_inert(citizen, dialogs, f"{live_server.url}/kommentare/{comments[1].pk}/melden/")

    # Forms shown again with what was typed: the payload sits in value and textarea.
    citizen.goto(live_server.url + "/")
    citizen.get_by_label("Name").fill(PAYLOADS[14])
    citizen.get_by_label("Ihr Kommentar").fill(PAYLOADS[14])
    citizen.get_by_role("button", name="Kommentar senden").click()
    expect(citizen.locator("#fehler")).to_be_visible()
    assert citizen.evaluate("window.__xss") is None
    citizen.goto(live_server.url + "/kontakt/")
    citizen.get_by_label("Betreff").fill(PAYLOADS[1])
    citizen.get_by_label("Ihre Nachricht").fill(PAYLOADS[15])
    citizen.get_by_role("button", name="Nachricht senden").click()
    expect(citizen.locator("#fehler")).to_be_visible()
    assert citizen.evaluate("window.__xss") is None
    assert dialogs == []

    staff = new_page(bypass_csp=True)
    staff.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    dialogs = watch(staff)
    conversation = Conversation.objects.order_by("pk").first()
    for path in [
        reverse("admin:feedback_comment_changelist"),
        reverse("admin:feedback_comment_change", args=[comments[0].pk]),
        reverse("admin:feedback_comment_change", args=[comments[1].pk]),
        reverse("admin:feedback_commentreport_changelist"),
        reverse("admin:feedback_conversation_changelist"),
        reverse("admin:feedback_conversation_change", args=[conversation.pk]),
        reverse("admin:feedback_conversation_answer", args=[conversation.pk]),
        reverse("admin:feedback_case_changelist"),
        reverse("admin:feedback_topic_changelist"),
    ]:
        assert_inert(staff, dialogs, live_server.url + path)
    staff.goto(
        live_server.url + reverse("admin:feedback_conversation_change", args=[conversation.pk])
    )
    expect(staff.locator(".inbox-text")).to_contain_text(f"Nachricht 0: {PAYLOADS[0]}")
