"""Least privilege: each group can do its job in the admin, and nothing more."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from feedback.models import Attachment, Comment, CommentStatus
from strategy.models import Measure, Page
from tests.feedback.factories import (
    AnswerTemplateFactory,
    CommentFactory,
    ConversationFactory,
    MessageFactory,
    UserFactory,
    signed_in,
)
from tests.strategy.factories import MeasureFactory
from tests.strategy.test_admin import form_data
from verl_digital.accounts.roles import ADMINISTRATION, EDITORS, MODERATION

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles", "verl_content")]


def staff_client(group: str) -> Client:
    client = signed_in(UserFactory(groups=[group]))
    return client


def status(client: Client, name: str, *args, method: str = "get", data=None) -> int:
    url = reverse(name, args=args)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


@pytest.fixture
def inbox():
    conversation = ConversationFactory(contact_email="erika@example.org")
    message = MessageFactory(conversation=conversation, text="Bitte um Rückruf.")
    attachment = Attachment(message=message, filename="a.pdf", content_type="application/pdf")
    attachment.file.save("a", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.size = 9
    attachment.save()
    return conversation, attachment


# Admin pages each role must not open: (url name, args) — shared by the tests below.
USER_ADMIN = [
    ("admin:auth_user_changelist", ()),
    ("admin:auth_user_add", ()),
    ("admin:auth_group_changelist", ()),
    ("admin:mfa_authenticator_changelist", ()),
    ("admin:account_emailaddress_changelist", ()),
]


def test_moderation_moderates_comments_and_answers_the_inbox(inbox):
    conversation, attachment = inbox
    client = staff_client(MODERATION)
    comment = CommentFactory(author_email="buerger@example.org")
    assert (
        "buerger@example.org"
        in client.get(reverse("admin:feedback_comment_change", args=[comment.pk])).content.decode()
    )
    client.post(
        reverse("admin:feedback_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.APPROVED

    for name, args in [
        ("admin:feedback_conversation_changelist", ()),
        ("admin:feedback_conversation_change", (conversation.pk,)),
        ("admin:feedback_case_changelist", ()),
        ("admin:feedback_conversation_attachment", (attachment.pk,)),
        ("admin:feedback_answertemplate_add", ()),
        ("admin:feedback_topic_add", ()),
        ("admin:feedback_rejectionreason_add", ()),
        ("admin:feedback_commentreport_changelist", ()),
        ("admin:feedback_moderationaction_changelist", ()),
    ]:
        assert status(client, name, *args) == 200, name
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:feedback_conversation_changelist") in index
    page = client.get(reverse("admin:feedback_conversation_change", args=[conversation.pk]))
    assert "Bitte um Rückruf." in page.content.decode()  # the messages are readable

    template = AnswerTemplateFactory()
    response = client.post(
        reverse("admin:feedback_conversation_answer", args=[conversation.pk]),
        {"template": template.pk, "text": "Guten Tag, wir rufen Sie an."},
    )
    assert response.status_code == 302
    assert conversation.messages.filter(text__startswith="Guten Tag, wir").exists()


def test_moderation_edits_no_content_and_manages_no_users(inbox):
    conversation, _attachment = inbox
    client = staff_client(MODERATION)
    home = Page.objects.get(slug=Page.HOME)
    forbidden = [
        ("admin:strategy_page_change", (home.pk,)),
        ("admin:strategy_page_add", ()),
        ("admin:strategy_measure_add", ()),
        ("admin:strategy_newspost_changelist", ()),
        ("admin:feedback_conversation_delete", (conversation.pk,)),
        ("admin:feedback_confirmedaddress_changelist", ()),
        *USER_ADMIN,
    ]
    for name, args in forbidden:
        assert status(client, name, *args) == 403, name
    assert status(client, "admin:strategy_page_change", home.pk, method="post") == 403
    assert Page.objects.get(pk=home.pk).title == home.title


def test_redaktion_edits_content_but_never_sees_the_inbox_or_addresses(inbox):
    conversation, attachment = inbox
    client = staff_client(EDITORS)
    home = Page.objects.get(slug=Page.HOME)
    for name, args in [
        ("admin:strategy_page_change", (home.pk,)),
        ("admin:strategy_measure_add", ()),
        ("admin:strategy_newspost_add", ()),
        ("admin:feedback_comment_changelist", ()),
    ]:
        assert status(client, name, *args) == 200, name
    measure = MeasureFactory(title="E-Akte", slug="e-akte")
    change_url = reverse("admin:strategy_measure_change", args=[measure.pk])
    data = form_data(client.get(change_url).context["adminform"].form) | {
        "title": "E-Akte für alle",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    assert client.post(change_url, data).status_code == 302
    assert Measure.objects.get(pk=measure.pk).title == "E-Akte für alle"

    forbidden = [
        ("admin:feedback_conversation_changelist", ()),
        ("admin:feedback_conversation_change", (conversation.pk,)),
        ("admin:feedback_conversation_answer", (conversation.pk,)),
        ("admin:feedback_case_changelist", ()),
        ("admin:feedback_conversation_attachment", (attachment.pk,)),
        ("admin:feedback_answertemplate_changelist", ()),
        ("admin:feedback_topic_changelist", ()),
        ("admin:feedback_confirmedaddress_changelist", ()),
        ("admin:feedback_rejectionreason_changelist", ()),
        *USER_ADMIN,
    ]
    for name, args in forbidden:
        assert status(client, name, *args) in {403, 404}, name
    # The admin index lists nothing of the inbox either.
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:feedback_conversation_changelist") not in index

    comment = CommentFactory(author_email="buerger@example.org")
    listing = client.get(reverse("admin:feedback_comment_changelist")).content.decode()
    detail = client.get(reverse("admin:feedback_comment_change", args=[comment.pk]))
    assert "buerger@example.org" not in listing + detail.content.decode()


def test_only_administration_manages_users_and_groups():
    client = staff_client(ADMINISTRATION)
    for name, args in USER_ADMIN:
        assert status(client, name, *args) == 200, name
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "neue.kollegin",
            "password1": "ein-sehr-langes-Passwort-17",
            "password2": "ein-sehr-langes-Passwort-17",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="neue.kollegin").exists()

    for group in (MODERATION, EDITORS):
        user = UserFactory(groups=[group])
        for action in ("add", "change", "delete", "view"):
            assert not user.has_perm(f"auth.{action}_user"), (group, action)
            assert not user.has_perm(f"auth.{action}_group"), (group, action)
        assert not user.has_perm("mfa.delete_authenticator")


def test_administration_has_every_permission_and_every_admin_page_opens(inbox):
    group = Group.objects.get(name=ADMINISTRATION)
    assert set(group.permissions.all()) == set(Permission.objects.all())
    client = staff_client(ADMINISTRATION)
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    assert status(client, "admin:feedback_case_changelist") == 200
