"""Alle Rückmeldungen: comments, contact-form messages and e-mails in one list, the case list
(`feedback.cases.admin`); its old address leads there."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from feedback.comments import services as comment_services
from feedback.inbox.services import conversation_open_from_form
from feedback.models import Case
from tests.feedback.factories import UserFactory, signed_in, staff_ready

pytestmark = pytest.mark.django_db

CASES = reverse("admin:feedback_case_changelist")
OLD = reverse("admin:feedback_overview")


@pytest.fixture
def feedback(page, moderator):
    comment = comment_services.comment_submit(
        target=page, author_name="Anna", text="Mehr WLAN im Rathaus, bitte!"
    )
    comment_services.comment_approve(comment=comment, moderator=moderator)
    comment_services.comment_answer(comment=comment, staff=moderator, text="Antwort der Stadt")
    form = conversation_open_from_form(
        name="Bert",
        email="bert@example.org",
        subject="Vom Formular",
        topic=None,
        text="T",
        consent_version="1",
    )
    # Oldest to newest: comment, form message.
    Case.objects.filter(comment=comment).update(received_at=timezone.now() - timedelta(hours=1))
    return {"comment": comment, "form": form}


def listed(response):
    return [case.comment or case.conversation for case in response.context["cl"].result_list]


def test_comments_and_messages_in_one_list_newest_first(moderator, feedback):
    response = signed_in(moderator).get(CASES)
    assert listed(response) == [feedback["form"], feedback["comment"]]
    html = response.content.decode()
    assert "Anna" in html
    assert "Bert" in html
    assert "Antwort der Stadt" not in html  # the town's answer is not feedback
    comment_admin = reverse("admin:feedback_comment_change", args=[feedback["comment"].pk])
    assert f'href="{comment_admin}"' in html


@pytest.mark.parametrize(("channel", "expected"), [("comment", "comment"), ("form", "form")])
def test_the_old_address_leads_to_the_list_of_its_channel(moderator, feedback, channel, expected):
    client = signed_in(moderator)
    response = client.get(OLD, {"kanal": channel})
    assert response.status_code == 302
    assert response["Location"] == f"{CASES}?channel__exact={channel}"
    assert listed(client.get(response["Location"])) == [feedback[expected]]
    assert client.get(OLD, {"kanal": "unbekannt"})["Location"] == CASES


def test_only_staff_who_may_see_cases_see_the_list(feedback):
    inbox_only = UserFactory(is_staff=True)
    staff_ready(inbox_only)
    inbox_only.user_permissions.add(Permission.objects.get(codename="view_conversation"))
    assert signed_in(inbox_only).get(CASES).status_code == 403
