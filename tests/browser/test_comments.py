"""The issue's definition of done, in a real browser (Debian's Chromium through Playwright)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from feedback.captcha import challenge_read
from feedback.models import Comment, CommentStatus
from tests.browser.conftest import in_thread
from tests.feedback.factories import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    """Content and a moderator, written before the browser's event loop starts."""
    call_command("load_verl_content", verbosity=0)
    call_command("setup_roles", verbosity=0)
    UserFactory(username="moderatorin", email="moderatorin@verl.example", groups=["Moderation"])
    return live_server


def test_a_citizen_comments_without_javascript_and_a_moderator_approves(site, new_page):
    live_server = site
    citizen = new_page(java_script_enabled=False)
    citizen.goto(f"{live_server.url}/")
    citizen.get_by_label("Name").fill("Clara Bürgerin")
    citizen.get_by_label("Ihr Kommentar").fill("Bitte mehr Online-Formulare im Bürgerbüro.")
    citizen.get_by_label("Datenschutzerklärung").check()
    key = citizen.locator('input[name="captcha_0"]').get_attribute("value")
    citizen.get_by_label("Sicherheitsabfrage").fill(challenge_read(key).answer)
    citizen.get_by_role("button", name="Kommentar senden").click()
    expect(citizen.locator("#kommentare")).to_contain_text("Ihr Kommentar ist eingegangen")
    assert "Online-Formulare" not in citizen.content()

    moderator = new_page()
    moderator.goto(f"{live_server.url}/admin/feedback/comment/?status__exact=pending")
    # Staff sign in through allauth: password, then the code of their authenticator app.
    moderator.locator("#id_login").fill("moderatorin@verl.example")
    moderator.locator("#id_password").fill(PASSWORD)
    moderator.locator("#id_password").press("Enter")
    moderator.locator("#id_code").fill(totp_code())
    moderator.locator("#id_code").press("Enter")
    moderator.locator('input[name="_selected_action"]').first.check()
    moderator.locator('select[name="action"]').select_option("approve")
    moderator.locator('button[name="index"]').first.click()
    expect(moderator.locator(".messagelist")).to_contain_text("1 Kommentar freigegeben.")
    assert in_thread(lambda: Comment.objects.get().status) == CommentStatus.APPROVED

    citizen.goto(f"{live_server.url}/")
    comments = citizen.locator("#kommentare")
    expect(comments.locator("h2")).to_have_text("1 Kommentar")
    expect(comments).to_contain_text("Bitte mehr Online-Formulare im Bürgerbüro.")
    expect(comments).to_contain_text("Clara Bürgerin")
