"""Alle Rückmeldungen: comments, contact-form messages and e-mails in one list."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from feedback.models import Channel, CommentStatus, ConversationStatus
from feedback.overview import feedback_overview
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConversationFactory,
    UserFactory,
    signed_in,
    staff_ready,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:feedback_overview")


def rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>.*?</tr>", html, re.S)


@pytest.fixture
def feedback():
    now = timezone.now()
    comment = CommentFactory(text="Mehr WLAN im Rathaus, bitte!", author_name="Anna")
    answered = ApprovedCommentFactory(text="Schon gelesen", author_name="Ben")
    official = ApprovedCommentFactory(
        text="Antwort der Stadt", parent=answered, is_official=True, author_name="Stadt Verl"
    )
    form = ConversationFactory(channel=Channel.FORM, subject="Vom Formular")
    mail = ConversationFactory(
        channel=Channel.EMAIL, subject="Per E-Mail", status=ConversationStatus.ANSWERED
    )
    # Oldest to newest: answered comment, form, comment, mail.
    for minutes, item in [(40, answered), (30, form), (20, comment), (10, mail)]:
        item.created_at = now - timedelta(minutes=minutes)
        item.save()
    official.created_at = now - timedelta(minutes=35)
    official.save()
    return {"comment": comment, "answered": answered, "form": form, "mail": mail}


def test_the_overview_lists_comments_and_conversations_newest_first(admin_client, feedback):
    html = admin_client.get(URL).content.decode()
    listed = rows(html)
    assert len(listed) == 4  # the official answer is the town's, not feedback
    assert "Per E-Mail" in listed[0]
    assert "Mehr WLAN im Rathaus, bitte!" in listed[1]
    assert ">Kommentar<" in listed[1]
    assert "Anna" in listed[1]
    assert "Wartet auf Prüfung" in listed[1]
    comment_admin = reverse("admin:feedback_comment_change", args=[feedback["comment"].pk])
    assert f'href="{comment_admin}"' in listed[1]
    assert "Kontaktformular" in listed[2]
    assert "Freigegeben" in listed[3]
    assert "Antwort der Stadt" not in html
    assert 'href="?kanal=comment">Kommentar</a>' in html  # a channel to filter by


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("comment", ["Mehr WLAN", "Schon gelesen"]),
        ("form", ["Vom Formular"]),
        ("email", ["Per E-Mail"]),
        ("unbekannt", ["Per E-Mail", "Mehr WLAN", "Vom Formular", "Schon gelesen"]),
    ],
)
def test_one_channel_at_a_time(admin_client, feedback, channel, expected):
    listed = rows(admin_client.get(URL, {"kanal": channel}).content.decode())
    assert len(listed) == len(expected)
    for row, text in zip(listed, expected, strict=True):
        assert text in row


def test_staff_see_only_the_kinds_they_may_see(feedback):
    inbox_only = UserFactory(is_staff=True)
    staff_ready(inbox_only)
    inbox_only.user_permissions.add(Permission.objects.get(codename="view_conversation"))
    client = signed_in(inbox_only)
    html = client.get(URL).content.decode()
    assert len(rows(html)) == 2
    assert "Mehr WLAN" not in html


def test_one_query_per_page_for_both_kinds(django_assert_num_queries, feedback):
    CommentFactory.create_batch(5, status=CommentStatus.REJECTED)
    with django_assert_num_queries(1):
        items = list(feedback_overview()[:50])
    assert len(items) == 9
