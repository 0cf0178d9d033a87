"""Admin: staff link comments and conversations to measures, and see the links in both lists."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from feedback.models import CommentStatus, MeasureLink
from tests.feedback.comments.test_admin import form_data
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    ConversationFactory,
    signed_in,
)
from tests.strategy.factories import ActionFieldFactory, MeasureFactory
from tests.strategy.test_admin import form_data as strategy_form_data

pytestmark = pytest.mark.django_db

COMMENTS = reverse("admin:feedback_comment_changelist")
CONVERSATIONS = reverse("admin:feedback_conversation_changelist")


def comment_url(comment) -> str:
    return reverse("admin:feedback_comment_change", args=[comment.pk])


def conversation_url(conversation) -> str:
    return reverse("admin:feedback_conversation_change", args=[conversation.pk])


@pytest.fixture
def measure():
    field = ActionFieldFactory(title="Digitale Verwaltung")
    return MeasureFactory(title="Einführung der E-Akte", slug="e-akte", action_field=field)


def test_a_moderator_links_a_comment_on_its_page_and_removes_it_again(
    moderator_client, moderator, measure
):
    comment = ApprovedCommentFactory(text="Bitte die Akten digital führen.")
    html = moderator_client.get(comment_url(comment)).content.decode()
    # Moderation may view measures (read only), so the field searches as you type.
    empty_row = re.search(
        r'<select name="measure_links-__prefix__-measure".*?</select>', html, re.S
    )
    assert "admin-autocomplete" in empty_row.group(0)
    autocomplete = moderator_client.get(
        "/admin/autocomplete/",
        {
            "term": "E-Akte",
            "app_label": "feedback",
            "model_name": "measurelink",
            "field_name": "measure",
        },
    )
    assert [r["text"] for r in autocomplete.json()["results"]] == ["Einführung der E-Akte"]
    data = form_data(html)
    assert data["measure_links-TOTAL_FORMS"] == "0"
    data |= {"measure_links-TOTAL_FORMS": "1", "measure_links-0-measure": str(measure.pk)}
    response = moderator_client.post(comment_url(comment), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    link = MeasureLink.objects.get()
    assert (link.measure, link.comment, link.linked_by) == (measure, comment, moderator)

    html = moderator_client.get(comment_url(comment)).content.decode()
    assert "Ihr Feedback – unsere Maßnahmen" in html
    assert "Einführung der E-Akte" in html
    data = form_data(html)
    assert data["measure_links-INITIAL_FORMS"] == "1"
    data["measure_links-0-DELETE"] = "on"
    assert moderator_client.post(comment_url(comment), data).status_code == 302
    assert not MeasureLink.objects.exists()


def test_spam_is_not_linked_on_its_page(moderator_client, measure):
    comment = CommentFactory(status=CommentStatus.SPAM)
    data = form_data(moderator_client.get(comment_url(comment)).content.decode())
    data |= {"measure_links-TOTAL_FORMS": "1", "measure_links-0-measure": str(measure.pk)}
    response = moderator_client.post(comment_url(comment), data)
    assert response.status_code == 200
    assert "Spam und Antworten der Stadt werden keiner Maßnahme zugeordnet." in (
        response.content.decode()
    )
    assert not MeasureLink.objects.exists()


def test_comments_are_linked_in_bulk_and_filtered_by_measure(moderator_client, measure):
    wanted = ApprovedCommentFactory(text="Zur E-Akte passend")
    pending = CommentFactory(text="Auch passend, noch ungeprüft")
    spam = CommentFactory(text="Werbung für Uhren", status=CommentStatus.SPAM)
    other = ApprovedCommentFactory(text="Etwas ganz anderes")

    # Actions apply to the list as shown: here every status, not only the pending queue.
    everything = f"{COMMENTS}?status__exact=alle"
    response = moderator_client.post(
        everything, {"action": "link_to_measure", "_selected_action": [wanted.pk]}, follow=True
    )
    assert "Bitte wählen Sie eine Maßnahme." in response.content.decode()
    assert not MeasureLink.objects.exists()

    response = moderator_client.post(
        everything,
        {
            "action": "link_to_measure",
            "measure": measure.pk,
            "_selected_action": [wanted.pk, pending.pk, spam.pk],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "2 Rückmeldungen der Maßnahme „Einführung der E-Akte“ zugeordnet." in html
    assert "1 Rückmeldung wurde nicht zugeordnet" in html
    assert set(MeasureLink.objects.values_list("comment_id", flat=True)) == {wanted.pk, pending.pk}

    listed = moderator_client.get(COMMENTS, {"massnahme": measure.pk}).content.decode()
    assert "Zur E-Akte passend" in listed
    assert other.text not in listed
    # The action bar offers every measure with its action field, as a plain select.
    assert "Digitale Verwaltung › Einführung der E-Akte" in listed


def test_conversations_are_linked_in_bulk_and_on_their_page(admin_client, superuser, measure):
    first, second = ConversationFactory(subject="Akten"), ConversationFactory(subject="Anderes")
    admin_client.post(
        CONVERSATIONS,
        {"action": "link_to_measure", "measure": measure.pk, "_selected_action": [first.pk]},
    )
    link = MeasureLink.objects.get()
    assert (link.conversation, link.linked_by) == (first, superuser)
    assert "Einführung der E-Akte" in admin_client.get(conversation_url(first)).content.decode()

    response = admin_client.post(
        conversation_url(second),
        {
            "status": second.status,
            "notes": "",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
            "measure_links-TOTAL_FORMS": "1",
            "measure_links-INITIAL_FORMS": "0",
            "measure_links-0-measure": str(measure.pk),
        },
    )
    assert response.status_code == 302
    assert MeasureLink.objects.filter(conversation=second, measure=measure).exists()

    listed = admin_client.get(CONVERSATIONS, {"massnahme": measure.pk}).content.decode()
    assert ">Akten</a>" in listed
    assert ">Anderes</a>" in listed
    unlinked = ConversationFactory(subject="Ohne Bezug")
    listed = admin_client.get(CONVERSATIONS, {"massnahme": measure.pk}).content.decode()
    assert unlinked.subject not in listed
    response = admin_client.get(CONVERSATIONS, {"massnahme": "kaputt"})
    assert response.status_code == 200
    assert ">Akten</a>" not in response.content.decode()


def test_editors_see_links_but_cannot_add_any(editor, measure):
    comment = ApprovedCommentFactory()
    MeasureLink.objects.create(measure=measure, comment=comment)
    client = signed_in(editor)
    html = client.get(comment_url(comment)).content.decode()
    assert "Einführung der E-Akte" in html
    assert 'name="measure_links-0-DELETE"' not in html
    assert 'name="measure_links-__prefix__-measure"' not in html  # no row to add


def test_the_measure_field_searches_measures_as_you_type(admin_client, measure):
    MeasureFactory(title="Glasfaser für alle")
    html = admin_client.get(comment_url(ApprovedCommentFactory())).content.decode()
    empty_row = re.search(r'<select name="measure_links-__prefix__-measure".*?>', html, re.S)
    assert "admin-autocomplete" in empty_row.group(0)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "feedback",
            "model_name": "measurelink",
            "field_name": "measure",
            "term": "akte",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in json.loads(response.content)["results"]] == ["Einführung der E-Akte"]


def test_a_status_change_in_the_measure_admin_mails_who_asked(
    admin_client, measure, django_capture_on_commit_callbacks, run_tasks
):
    ConfirmedAddressFactory(email="anna@example.org")
    comment = ApprovedCommentFactory(author_email="anna@example.org", notify=True)
    MeasureLink.objects.create(measure=measure, comment=comment)
    change_url = reverse("admin:strategy_measure_change", args=[measure.pk])
    data = strategy_form_data(admin_client.get(change_url).context["adminform"].form) | {
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change_url, data | {"title": "E-Akte"}).status_code == 302
    run_tasks()
    assert mail.outbox == []  # another field changed, not the status

    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(change_url, data | {"progress": "in_progress"}).status_code == 302
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "jetzt: in Umsetzung" in message.body
