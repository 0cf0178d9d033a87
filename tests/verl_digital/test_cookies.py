"""No cookies for anonymous readers; the CSRF cookie only where a form is shown; the session
only for signed-in users."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from feedback.models import Comment, Conversation, Topic
from strategy.models import Page
from tests.feedback.factories import PASSWORD, ApprovedCommentFactory, UserFactory, solved_captcha
from tests.pages import form_pages, reading_pages, transparency_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verl_demo_content")]


@pytest.fixture(autouse=True)
def _a_public_comment(verl_demo_content):
    """So that the reply and report forms are among the pages checked."""
    ApprovedCommentFactory(target=Page.objects.get(slug=Page.HOME))


def test_pages_without_a_form_set_no_cookie(client):
    for name, path in reading_pages().items():
        response = client.get(path)
        assert response.status_code in {200, 404}, name
        assert dict(response.cookies) == {}, name
    for name, path in transparency_page().items():
        assert set(client.get(path).cookies) <= {"csrftoken"}, name


def test_pages_with_a_form_set_only_the_csrf_cookie(client):
    for name, path in form_pages().items():
        response = client.get(path)
        assert response.status_code == 200, name
        assert set(response.cookies) == {"csrftoken"}, name
        assert response.cookies["csrftoken"]["httponly"], name
        assert response.cookies["csrftoken"]["samesite"] == "Lax", name
        client.cookies.clear()


def test_sending_a_comment_a_report_and_a_message_starts_no_session(client):
    home = Page.objects.get(slug=Page.HOME)
    comment_url = reverse(
        "feedback:comment_create",
        kwargs={
            "content_type_id": ContentType.objects.get_for_model(Page).pk,
            "object_id": home.pk,
        },
    )
    comment = {
        "author_name": "Anna",
        "author_email": "anna@example.org",
        "notify": "on",
        "text": "Mehr Online-Termine, bitte.",
        "privacy_consent": "on",
        **solved_captcha(),
    }
    response = client.post(comment_url, comment, follow=True)
    assert "Ihr Kommentar ist eingegangen" in response.content.decode()
    assert Comment.objects.filter(author_name="Anna").exists()

    reported = ApprovedCommentFactory(target=home)
    report_url = reverse("feedback:comment_report", args=[reported.pk])
    response = client.post(report_url, {"reason": "spam", **solved_captcha()}, follow=True)
    assert "Danke für Ihre Meldung" in response.content.decode()

    message = {
        "name": "Erika",
        "email": "erika@example.org",
        "topic": Topic.objects.get_or_create(name="Allgemein")[0].pk,
        "subject": "Frage",
        "text": "Wann kommt das WLAN?",
        "consent": "on",
        **solved_captcha(),
    }
    response = client.post(reverse("feedback:contact"), message, follow=True)
    reference = Conversation.objects.get().reference
    assert reference in response.content.decode()

    # Only the CSRF cookie of the forms shown; no session, no messages cookie.
    assert set(client.cookies) == {"csrftoken"}


def test_the_session_cookie_comes_with_signing_in(client):
    user = UserFactory(email="karl@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    response = client.get(reverse("account_login"))
    assert "sessionid" not in response.cookies
    response = client.post(
        reverse("account_login"), {"login": "karl@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
