"""The issue's definition of done, end to end with real servers: the contact form and an
e-mail become conversations in the admin, staff answer, the answer reaches the citizen's
mailbox (aiosmtpd → Dovecot), and the citizen's reply joins the same conversation."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from feedback.models import Channel, Conversation, ConversationStatus, Direction
from tests.feedback import mailcorpus
from tests.feedback.factories import TopicFactory, solved_captcha
from tests.strategy.factories import TownProfileFactory

pytestmark = pytest.mark.django_db


def deliver(smtp_server, imap_server, users: dict[str, str]) -> None:
    """The mail server's last hop: put what SMTP accepted into each recipient's mailbox."""
    for message in smtp_server.messages:
        with imap_server.connect(users[message["To"]]) as box:
            box.append(message.as_bytes(), "INBOX")
    smtp_server.messages.clear()


def read_mailbox(imap_server, user: str) -> list[EmailMessage]:
    with imap_server.connect(user) as box:
        return [
            message_from_bytes(
                next(
                    i[1]
                    for i in box.client.uid("FETCH", uid, "(BODY[])")[1]
                    if isinstance(i, tuple)
                ),
                policy=policy.default,
            )
            for uid in box.uids()
        ]


def reply_to(received: EmailMessage, *, sender: str, text: str) -> bytes:
    """What a mail program makes of "Reply": Re: subject, In-Reply-To and References."""
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = sender
    reply["To"] = received["Reply-To"] or received["From"]
    reply["Subject"] = f"Re: {received['Subject']}"
    reply["Message-ID"] = make_msgid(domain="example.org")
    reply["In-Reply-To"] = received["Message-ID"]
    reply["References"] = f"{received.get('References', '')} {received['Message-ID']}".strip()
    reply.set_content(f"{text}\n\n> {received.get_content().splitlines()[0]}")
    return reply.as_bytes()


def fetch() -> None:
    call_command("fetch_email", verbosity=0, stdout=StringIO())


def test_form_and_email_are_answered_and_replies_thread(
    client,
    admin_client,
    imap_server,
    imap_account,
    smtp_server,
    run_tasks,
    django_capture_on_commit_callbacks,
    settings,
):
    cache.clear()
    cdo_email = f"{imap_account.user}@verl.example"
    TownProfileFactory(cdo_email=cdo_email)
    users = {"erika@example.org": "erika", "max@example.org": "max"}
    topic = TopicFactory(name="Smart City")

    # 1. Erika uses the contact form, Max writes an e-mail to the CDO's mailbox.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kontakt/",
            {
                "name": "Erika Mustermann",
                "email": "erika@example.org",
                "topic": topic.pk,
                "subject": "Parksensoren",
                "text": "Wann kommen die Parksensoren?",
                "consent": "on",
                **solved_captcha(),
            },
        )
    assert response.status_code == 302
    imap_account.append(
        mailcorpus.build(
            sender="Max Muster <max@example.org>",
            to=cdo_email,
            subject="Digitale Bauanträge",
            text="Kann ich Bauanträge online stellen?",
        )
    )
    fetch()

    form = Conversation.objects.get(channel=Channel.FORM)
    email = Conversation.objects.get(channel=Channel.EMAIL)
    changelist = admin_client.get(reverse("admin:feedback_conversation_changelist")).content
    assert form.reference.encode() in changelist
    assert email.reference.encode() in changelist

    # 2. Staff answer both from the admin; the worker sends the mails over SMTP.
    for conversation, text in [(form, "Im Herbst."), (email, "Ja, seit März.")]:
        with django_capture_on_commit_callbacks(execute=True):
            sent = admin_client.post(
                reverse("admin:feedback_conversation_answer", args=[conversation.pk]),
                {"text": text, "send": "1"},
            )
        assert sent.status_code == 302
    run_tasks()
    deliver(smtp_server, imap_server, users)

    # 3. The answers are in the citizens' mailboxes, threaded to what they sent.
    erika_mail = read_mailbox(imap_server, "erika")
    assert [m["Subject"] for m in erika_mail] == [
        f"Ihre Nachricht an die Stadt Verl – Vorgangsnummer {form.reference}",
        f"AW: Parksensoren [{form.reference}]",
    ]
    [max_answer] = read_mailbox(imap_server, "max")
    assert max_answer["Subject"] == f"AW: Digitale Bauanträge [{email.reference}]"
    first_message_id = email.messages.get(direction=Direction.IN).message_id
    assert max_answer["In-Reply-To"] == f"<{first_message_id}>"
    assert "Ja, seit März." in max_answer.get_content()

    # 4. Both reply from their mail program; the replies join their conversations.
    imap_account.append(reply_to(erika_mail[1], sender="erika@example.org", text="Danke!"))
    imap_account.append(reply_to(max_answer, sender="max@example.org", text="Super."))
    fetch()

    assert Conversation.objects.count() == 2
    for conversation, last_text in [(form, "Danke!"), (email, "Super.")]:
        conversation.refresh_from_db()
        assert conversation.status == ConversationStatus.NEW
        directions = list(conversation.messages.values_list("direction", flat=True))
        assert directions == ["in", "out", "in"]
        assert conversation.messages.last().text.startswith(last_text)
        page = admin_client.get(
            reverse("admin:feedback_conversation_change", args=[conversation.pk])
        ).content.decode()
        assert last_text in page
