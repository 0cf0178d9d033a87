import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from feedback.models import AccountConsent, Comment, Conversation
from strategy.models import Page
from tests.feedback.factories import TopicFactory, solved_captcha

pytestmark = pytest.mark.django_db


def test_every_consent_records_the_policy_version_in_force(client, settings, verl_content):
    settings.PRIVACY_POLICY_VERSION = "2027-02"
    assert "Fassung 2027-02." in client.get(reverse("strategy:privacy")).content.decode()

    home = Page.objects.get(slug=Page.HOME)
    client.post(
        reverse(
            "feedback:comment_create",
            args=[ContentType.objects.get_for_model(Page).pk, home.pk],
        ),
        {"author_name": "Kai", "text": "Gut so.", "privacy_consent": "on", **solved_captcha()},
    )
    client.post(
        reverse("feedback:contact"),
        {
            "name": "Kai",
            "email": "kai@example.org",
            "topic": TopicFactory().pk,
            "subject": "Frage",
            "text": "Text",
            "consent": "on",
            **solved_captcha(),
        },
    )
    client.post(
        reverse("account_signup"),
        {
            "email": "kai@example.org",
            "username": "kai",
            "password1": "ein-langes-Passwort-42",
            "password2": "ein-langes-Passwort-42",
            "privacy_consent": "on",
        },
    )
    assert Comment.objects.get(author_name="Kai").consent_version == "2027-02"
    assert Conversation.objects.get(contact_email="kai@example.org").consent_version == "2027-02"
    assert AccountConsent.objects.get(user__username="kai").version == "2027-02"
