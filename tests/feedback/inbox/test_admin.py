import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Attachment, Channel, Conversation, ConversationStatus, Direction
from tests.feedback.factories import (
    AnswerTemplateFactory,
    ConversationFactory,
    MessageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:feedback_conversation_changelist")


def change_url(conversation: Conversation) -> str:
    return reverse("admin:feedback_conversation_change", args=[conversation.pk])


def answer_url(conversation: Conversation) -> str:
    return reverse("admin:feedback_conversation_answer", args=[conversation.pk])


def test_inbox_lists_conversations_of_both_channels(admin_client):
    ConversationFactory(channel=Channel.FORM, subject="Vom Formular")
    ConversationFactory(channel=Channel.EMAIL, subject="Per E-Mail")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Vom Formular" in html
    assert "Per E-Mail" in html
    assert "Kontaktformular" in html
    assert "E-Mail" in html


def test_changelist_queries_do_not_grow_with_the_rows(admin_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(captured)

    topic = TopicFactory()
    ConversationFactory(topic=topic)
    few = queries()
    ConversationFactory.create_batch(20, topic=TopicFactory(), assignee=None)
    assert queries() == few


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=new", {"Neu"}),
        ("channel__exact=form", {"Formular"}),
        ("q=Laterne", {"Neu"}),  # text of a message
        ("q=VERL-2026-900", {"Neu", "Formular", "Erledigt"}),
    ],
)
def test_filters_and_search(admin_client, query, expected):
    new = ConversationFactory(subject="Neu", status=ConversationStatus.NEW)
    MessageFactory(conversation=new, text="Die Laterne ist aus.")
    ConversationFactory(
        subject="Formular", channel=Channel.FORM, status=ConversationStatus.ANSWERED
    )
    ConversationFactory(subject="Erledigt", status=ConversationStatus.CLOSED)
    html = admin_client.get(f"{CHANGELIST}?{query}").content.decode()
    shown = {s for s in ("Neu", "Formular", "Erledigt") if f">{s}</a>" in html}
    assert shown == expected


def test_conversation_shows_messages_in_order_escaped_with_attachments(admin_client):
    conversation = ConversationFactory()
    first = MessageFactory(conversation=conversation, text="<script>alert(1)</script>Erste")
    MessageFactory(conversation=conversation, direction=Direction.OUT, text="Zweite")
    attachment = Attachment(
        message=first, filename="Plan.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    first.dropped_attachments = ["virus.exe: Dateityp nicht erlaubt"]
    first.save()

    html = admin_client.get(change_url(conversation)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Erste" in html
    assert html.index("Erste") < html.index("Zweite")
    assert "Plan.pdf" in html
    assert "virus.exe: Dateityp nicht erlaubt" in unescape(html)
    assert answer_url(conversation) in html  # the "Antworten" button

    download = admin_client.get(
        reverse("admin:feedback_conversation_attachment", args=[attachment.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n"


def test_attachments_are_for_staff_only(client):
    response = client.get(reverse("admin:feedback_conversation_attachment", args=[1]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_edit_assignee_notes_and_status(admin_client, superuser):
    conversation = ConversationFactory()
    topic = TopicFactory()
    response = admin_client.post(
        change_url(conversation),
        {
            "status": ConversationStatus.IN_PROGRESS,
            "topic": topic.pk,
            "assignee": superuser.pk,
            "notes": "Rückruf am Montag",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
            "measure_links-TOTAL_FORMS": "0",
            "measure_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.IN_PROGRESS
    assert (conversation.topic, conversation.assignee) == (topic, superuser)
    assert conversation.notes == "Rückruf am Montag"


def test_a_forbidden_status_change_is_a_form_error(admin_client):
    conversation = ConversationFactory(status=ConversationStatus.CLOSED)
    response = admin_client.post(
        change_url(conversation),
        {
            "status": ConversationStatus.ANSWERED,
            "notes": "",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
            "measure_links-TOTAL_FORMS": "0",
            "measure_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "kann nicht auf „beantwortet“ gesetzt werden" in response.content.decode()
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED


def test_bulk_status_change_skips_what_is_not_allowed(admin_client):
    new = ConversationFactory(status=ConversationStatus.NEW)
    closed = ConversationFactory(status=ConversationStatus.CLOSED)
    response = admin_client.post(
        CHANGELIST,
        {"action": "mark_answered", "_selected_action": [new.pk, closed.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 Vorgang auf „beantwortet“ gesetzt." in html
    assert "1 Vorgang ließ sich nicht umstellen" in html
    new.refresh_from_db()
    closed.refresh_from_db()
    assert (new.status, closed.status) == (ConversationStatus.ANSWERED, ConversationStatus.CLOSED)


def test_assign_to_me(admin_client, superuser):
    conversation = ConversationFactory()
    admin_client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [conversation.pk]})
    conversation.refresh_from_db()
    assert conversation.assignee == superuser


def test_conversations_are_not_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:feedback_conversation_add")).status_code == 403


def test_answer_from_a_template_then_send(
    admin_client, superuser, smtp_server, django_capture_on_commit_callbacks, run_tasks
):
    conversation = ConversationFactory(contact_name="Erika Mustermann", subject="WLAN")
    MessageFactory(conversation=conversation, message_id="frage@example.org")
    template = AnswerTemplateFactory(name="Dank")

    page = admin_client.get(answer_url(conversation))
    assert page.status_code == 200
    assert f"AW: WLAN [{conversation.reference}]" in page.content.decode()

    loaded = admin_client.post(
        answer_url(conversation),
        {"template": template.pk, "text": "", "load_template": "1"},
        follow=True,
    )
    text_area = re.search(
        r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', loaded.content.decode(), re.S
    )
    assert (
        f"Guten Tag Erika Mustermann,\n\nvielen Dank für Ihre Nachricht ({conversation.reference})."
        in unescape(text_area.group(1))
    )

    with django_capture_on_commit_callbacks(execute=True):
        sent = admin_client.post(
            answer_url(conversation),
            {"template": "", "text": "Das WLAN kommt im Mai.", "send": "1"},
        )
    assert sent.status_code == 302
    assert sent["Location"] == change_url(conversation)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ANSWERED
    answer = conversation.messages.get(direction=Direction.OUT)
    assert answer.author == superuser

    run_tasks()
    [mail] = smtp_server.messages
    assert mail["To"] == conversation.contact_email
    assert mail["In-Reply-To"] == "<frage@example.org>"
    assert mail["Message-ID"] == f"<{answer.message_id}>"
    assert "Das WLAN kommt im Mai." in mail.get_content()


def test_an_empty_answer_is_refused(admin_client):
    conversation = ConversationFactory()
    response = admin_client.post(answer_url(conversation), {"text": "  ", "send": "1"})
    assert response.status_code == 400
    assert "Bitte schreiben Sie eine Antwort." in response.content.decode()
    assert not conversation.messages.exists()


def test_the_inbox_links_to_alle_rueckmeldungen(admin_client):
    """The button above the inbox leads to the working list of cases (tests/feedback/test_overview.py)."""
    html = admin_client.get(CHANGELIST).content.decode()
    assert f'href="{reverse("admin:feedback_case_changelist")}"' in html


def test_only_staff_can_be_assigned(admin_client, django_user_model):
    django_user_model.objects.create_user("buerger", "b@example.org", "pw", is_staff=False)
    django_user_model.objects.create_user("sachbearbeiterin", "s@verl.de", "pw", is_staff=True)
    html = admin_client.get(change_url(ConversationFactory())).content.decode()
    assignee = re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)
    assert "sachbearbeiterin" in assignee
    assert "buerger" not in assignee


def test_an_attachment_whose_file_is_gone_is_404(admin_client):
    attachment = Attachment(
        message=MessageFactory(), filename="weg.pdf", content_type="application/pdf", size=1
    )
    attachment.file.save("x", ContentFile(b"%"), save=False)
    attachment.save()
    attachment.file.storage.delete(attachment.file.name)
    url = reverse("admin:feedback_conversation_attachment", args=[attachment.pk])
    assert admin_client.get(url).status_code == 404


def test_staff_are_shown_by_name_and_chosen_without_related_widgets(
    admin_client, django_user_model
):
    named = django_user_model.objects.create_user(
        "sb1", "s@verl.de", "pw", is_staff=True, first_name="Sabine", last_name="Becker"
    )
    django_user_model.objects.create_user("ohne.namen", "o@verl.de", "pw", is_staff=True)
    conversation = ConversationFactory(assignee=named)
    html = admin_client.get(change_url(conversation)).content.decode()
    assignee = re.search(r'<select name="assignee".*?</select>', html, re.S).group(0)
    assert "Sabine Becker" in assignee
    assert ">sb1<" not in assignee
    assert "ohne.namen" in assignee  # the user name only where there is no name
    wrapper = re.search(r'<div class="related-widget-wrapper"[^>]*>\s*<select name="(\w+)"', html)
    assert wrapper is None or wrapper.group(1) != "assignee"
    assert 'data-model-ref="user"' not in html

    listing = admin_client.get(CHANGELIST).content.decode()
    assert "Sabine Becker" in listing  # column and filter
    assert ">sb1<" not in listing


def test_the_conversation_reads_like_a_mail_client(admin_client):
    conversation = ConversationFactory()
    MessageFactory(conversation=conversation, text="Erste Nachricht")
    MessageFactory(conversation=conversation, direction=Direction.OUT, text="Zweite Nachricht")
    AnswerTemplateFactory(name="Dankesvorlage")
    html = admin_client.get(change_url(conversation)).content.decode()
    positions = [
        html.index("Erste Nachricht"),
        html.index("Zweite Nachricht"),
        html.index("Dankesvorlage"),  # the answer box with its templates
        html.index('name="text"'),
        html.index('name="status"'),
        html.index('name="assignee"'),
        html.index('name="notes"'),
    ]
    assert positions == sorted(positions)


def test_answer_and_close_from_the_conversation_page(
    admin_client, django_capture_on_commit_callbacks
):
    conversation = ConversationFactory(subject="WLAN")
    MessageFactory(conversation=conversation)
    template = AnswerTemplateFactory()
    html = admin_client.get(change_url(conversation)).content.decode()
    assert f'action="{answer_url(conversation)}"' in html

    loaded = admin_client.post(
        answer_url(conversation), {"template": template.pk, "load_template": "1"}, follow=True
    )
    assert loaded.redirect_chain[-1][0].startswith(change_url(conversation))
    text_area = re.search(
        r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', loaded.content.decode(), re.S
    )
    assert conversation.reference in unescape(text_area.group(1))

    with django_capture_on_commit_callbacks(execute=True):
        sent = admin_client.post(
            answer_url(conversation), {"text": "Erledigt, danke.", "close": "on", "send": "1"}
        )
    assert sent.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    assert conversation.messages.filter(direction=Direction.OUT, text="Erledigt, danke.").exists()
