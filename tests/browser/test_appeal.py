"""An appeal from start to end in Chromium: a guest's comment is rejected, the author
objects through the link in the rejection mail (without JavaScript), a second moderator
overturns the decision from the start page, the comment is published and the author told."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, describe, in_thread
from tests.feedback.factories import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

AUTHOR = "clara@example.org"
TEXT = "Das Bürgerbüro sollte samstags öffnen."


def rejected_comment():
    """Two moderators, and a guest's comment (updates wanted, address confirmed) the first
    one rejected."""
    from django.core.management import call_command

    from feedback.comments import services as comments
    from tests.feedback.factories import (
        ConfirmedAddressFactory,
        RejectionReasonFactory,
        UserFactory,
    )
    from tests.strategy.factories import PageFactory

    call_command("setup_roles", verbosity=0)
    first = UserFactory(username="erste", groups=["Moderation"])
    second = UserFactory(username="zweite", groups=["Moderation"])
    ConfirmedAddressFactory(email=AUTHOR)
    target = PageFactory(title="Bürgerbüro", slug="buergerbuero")
    comment = comments.comment_submit(
        target=target, author_name="Clara", author_email=AUTHOR, notify=True, text=TEXT
    )
    reason = RejectionReasonFactory(title="Werbung", text="Ihr Beitrag wirkt wie Werbung.")
    comments.comment_reject(comment=comment, moderator=first, reason=reason)
    return comment, target, second


def test_an_author_appeals_and_a_second_moderator_overturns(live_server, new_page, run_tasks):
    comment, target, second = in_thread(rejected_comment)
    # The worker sets signal handlers, so it runs in this (the main) thread; the browser
    # fixture allows the ORM here (DJANGO_ALLOW_ASYNC_UNSAFE).
    run_tasks()
    (rejection,) = [
        m for m in mail.outbox if m.subject == "Ihr Kommentar wurde nicht veröffentlicht"
    ]
    assert "Ihr Beitrag wirkt wie Werbung." in rejection.body
    link = re.search(r"^(\S+/widerspruch/\S+/)$", rejection.body, re.M).group(1)
    link = link.replace(settings.SITE_URL, live_server.url)

    # axe (JavaScript) checks the case page with the decision and the appeal form; the
    # author then uses the form without JavaScript.
    case_link = re.search(r"^(\S+/vorgang/\S+/)$", rejection.body, re.M).group(1)
    checker = new_page(bypass_csp=True)
    checker.goto(case_link.replace(settings.SITE_URL, live_server.url))
    expect(checker.get_by_role("link", name="Widerspruch einlegen")).to_be_visible()
    violations = axe_violations(checker)
    assert violations == [], describe(violations)
    checker.goto(link)
    violations = axe_violations(checker)
    assert violations == [], describe(violations)
    citizen = new_page(java_script_enabled=False)
    citizen.goto(link)
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Widerspruch einlegen")
    expect(citizen.locator("main")).to_contain_text("Werbung")
    citizen.get_by_label("Warum halten Sie die Entscheidung für falsch?").fill(
        "Ich werbe für nichts; es geht um die Öffnungszeiten."
    )
    citizen.get_by_role("button", name="Widerspruch einlegen").click()
    expect(citizen.get_by_role("status")).to_contain_text("Ihr Widerspruch ist eingegangen.")

    session = in_thread(lambda: signed_in(second).cookies["sessionid"].value)
    moderator = new_page()
    moderator.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    moderator.goto(live_server.url + reverse("admin:index"))
    appeals = moderator.get_by_role(
        "link", name="offene Widersprüche gegen Moderationsentscheidungen"
    )
    expect(appeals.locator("strong")).to_have_text("1")
    appeals.click()
    moderator.locator("#result_list tbody a").first.click()
    expect(moderator.locator("main, #content").first).to_contain_text(
        "es geht um die Öffnungszeiten"
    )
    moderator.locator("#id_outcome").select_option("overturn")
    moderator.locator("#id_review").fill("Kein Werbebeitrag, sondern ein Wunsch.")
    moderator.locator('input[name="_save"]').click()
    expect(moderator.locator(".messagelist")).to_be_visible()

    def published():
        from feedback.models import Comment

        return Comment.objects.public().filter(pk=comment.pk).exists()

    assert in_thread(published)
    run_tasks()
    (told,) = [m for m in mail.outbox if m.subject == "Ihrem Widerspruch wurde stattgegeben"]
    assert told.to == [AUTHOR]
    assert "Kein Werbebeitrag, sondern ein Wunsch." in told.body

    citizen.goto(live_server.url + target.get_absolute_url())
    expect(citizen.locator("#kommentare")).to_contain_text(TEXT)
