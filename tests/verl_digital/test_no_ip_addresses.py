"""No IP address is stored anywhere: not in a model, not in the database, not in the cache."""

import pickle
import re

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from feedback.models import Comment, Conversation, Topic
from strategy.models import Page
from tests.feedback.factories import ApprovedCommentFactory, solved_captcha

# Documentation addresses (RFC 5737): the client and a proxy in front of the site.
CLIENT_IP = "203.0.113.77"
PROXY_IP = "198.51.100.23"
IP_NAME = re.compile(r"(^|_)(ip|ips|ip_address|ipaddress|remote_addr|forwarded_for)(_|$)", re.I)


def test_no_model_has_a_field_for_an_ip_address():
    offenders = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            column = getattr(field, "column", None) or ""
            if isinstance(field, models.GenericIPAddressField) or any(
                IP_NAME.search(name) for name in (field.name, column)
            ):
                offenders.append(f"{model._meta.label}.{field.name}")
    assert offenders == []


def stored_texts() -> list[str]:
    """Every row of every table as text, sessions decoded, and the whole cache unpickled."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")  # noqa: S608
            texts += [row[0] for row in cursor.fetchall()]
    texts += [repr(session.get_decoded()) for session in Session.objects.all()]
    cache = caches["default"]
    for key, value in list(cache._cache.items()):  # local-memory cache in the tests
        texts += [key, repr(pickle.loads(value))]  # noqa: S301
    return texts


@pytest.mark.django_db
def test_after_comments_reports_messages_and_accounts_no_ip_address_is_stored(
    settings, verl_content, run_tasks, django_capture_on_commit_callbacks
):
    settings.NUM_PROXIES = 1
    settings.TRUSTED_PROXIES = [PROXY_IP]
    caches["default"].clear()
    client = Client(REMOTE_ADDR=PROXY_IP, HTTP_X_FORWARDED_FOR=CLIENT_IP)
    home = Page.objects.get(slug=Page.HOME)
    comment_url = reverse(
        "feedback:comment_create",
        kwargs={
            "content_type_id": ContentType.objects.get_for_model(Page).pk,
            "object_id": home.pk,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            comment_url,
            {
                "author_name": "Anna",
                "author_email": "anna@example.org",
                "notify": "on",
                "text": "Mehr Online-Termine, bitte.",
                "privacy_consent": "on",
                **solved_captcha(),
            },
        )
        reported = ApprovedCommentFactory(target=home)
        client.post(
            reverse("feedback:comment_report", args=[reported.pk]),
            {"reason": "spam", **solved_captcha()},
        )
        client.post(
            reverse("feedback:contact"),
            {
                "name": "Erika",
                "email": "erika@example.org",
                "topic": Topic.objects.get_or_create(name="Allgemein")[0].pk,
                "subject": "Frage",
                "text": "Wann kommt das WLAN?",
                "consent": "on",
                **solved_captcha(),
            },
        )
        client.post(
            reverse("account_signup"),
            {
                "email": "neu@example.org",
                "username": "neu",
                "password1": "ein-langes-Passwort-42",
                "password2": "ein-langes-Passwort-42",
                "privacy_consent": "on",
            },
        )
    run_tasks()
    [signup_mail] = [m for m in mail.outbox if m.to == ["neu@example.org"]]
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/\S+/)", signup_mail.body)
    client.post(link.group(1))
    assert EmailAddress.objects.get(email="neu@example.org").verified
    client.post(reverse("account_login"), {"login": "neu@example.org", "password": "falsch"})
    response = client.post(
        reverse("account_login"), {"login": "neu@example.org", "password": "ein-langes-Passwort-42"}
    )
    assert response["Location"] == "/"
    assert Comment.objects.filter(author_name="Anna").exists()
    assert Conversation.objects.exists()
    assert Session.objects.exists()

    texts = stored_texts()
    assert any("anna@example.org" in text for text in texts)  # the scan does see the data
    assert [text for text in texts if CLIENT_IP in text or PROXY_IP in text] == []
