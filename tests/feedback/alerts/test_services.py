"""Staff are told: new messages, assignments and reopened conversations, by mail, as each
person chose; through the contact form, e-mail intake and the admin, as staff meet them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.alerts.digest import daily_summary_after
from feedback.alerts.services import alert_preference_set
from feedback.inbox.ingest import message_ingest
from feedback.inbox.services import conversation_answer, conversation_open_from_form
from feedback.models import Alert, AlertDelivery, ConversationStatus
from tests.feedback import mailcorpus
from tests.feedback.factories import ConversationFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

CITIZENS_TEXT = "Mein Nachbar Herr Müller, Lindenweg 3, beschwert sich über die E-Akte."


@pytest.fixture
def deliver(django_capture_on_commit_callbacks, run_tasks):
    """Run an action, commit, and let the worker run the digest and send its mails."""

    def run(action=lambda: None):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        for _round in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                run_tasks()
        return result, mail.outbox[before:]

    return run


def contact(topic=None, subject="E-Akte"):
    return conversation_open_from_form(
        name="Erika Mustermann",
        email="erika@example.org",
        subject=subject,
        topic=topic,
        text=CITIZENS_TEXT,
        consent_version="2026-01",
    )


def staff_mails(mails, user):
    return [m for m in mails if m.to == [user.email]]


def test_a_new_form_message_is_mailed_to_the_topics_responsible_staff_over_smtp(
    roles, moderator, smtp_server, deliver
):
    team = Group.objects.create(name="Bürgerservice")
    member = UserFactory(email="team@verl.example", groups=["Redaktion"])
    member.groups.add(team)
    person = UserFactory(email="person@verl.example", groups=["Redaktion"])
    UserFactory(email="inaktiv@verl.example", groups=["Redaktion"], is_active=False).groups.add(
        team
    )
    topic = TopicFactory(name="Digitale Verwaltung", responsible_group=team)
    topic.responsible_users.add(person)

    conversation, _mails = deliver(lambda: contact(topic))

    alerts = [m for m in smtp_server.messages if m["Subject"].startswith("Neue Nachricht")]
    assert sorted(m["To"] for m in alerts) == ["person@verl.example", "team@verl.example"]
    for message in alerts:
        assert message["Subject"] == f"Neue Nachricht: {conversation.reference}"
        assert message["Auto-Submitted"] == "auto-generated"
        body = message.get_content()
        assert conversation.reference in body
        assert "Thema: Digitale Verwaltung" in body
        assert "Betreff: E-Akte" in body
        admin_url = reverse("admin:feedback_conversation_change", args=[conversation.pk])
        assert f"http://127.0.0.1:8000{admin_url}" in body
        assert "http://127.0.0.1:8000/konto/benachrichtigungen/" in body
        # Only what staff need to find it: not what the citizen wrote, nor who they are.
        assert "Müller" not in body
        assert "erika@example.org" not in body
        assert "Mustermann" not in body
    assert not any(m["To"] == moderator.email for m in smtp_server.messages)


def test_without_responsible_staff_a_new_email_goes_to_moderation(roles, moderator, deliver):
    result, mails = deliver(lambda: message_ingest(raw=mailcorpus.build(subject="Glasfaser")))
    [alert] = staff_mails(mails, moderator)
    assert alert.subject == f"Neue Nachricht: {result.conversation.reference}"
    assert "Betreff: Glasfaser" in alert.body
    assert "Thema: –" in alert.body
    assert alert.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_first_alert_goes_at_once_the_next_ones_together_after_the_interval(
    roles, moderator, settings, deliver
):
    settings.MODERATION_NOTIFY_INTERVAL = 600
    first, mails = deliver(lambda: contact(subject="Erste"))
    assert [m.subject for m in staff_mails(mails, moderator)] == [
        f"Neue Nachricht: {first.reference}"
    ]

    second, mails = deliver(lambda: contact(subject="Zweite"))
    third, more = deliver(lambda: contact(subject="Dritte"))
    assert staff_mails(mails + more, moderator) == []  # within the interval: they wait
    scheduled = DBTaskResult.objects.get(
        task_path="feedback.alerts.digest.notify_staff", status="READY"
    )
    assert scheduled.run_after > timezone.now() + timedelta(seconds=590)

    # The interval has passed: one mail with both.
    Alert.objects.exclude(mailed_at=None).update(mailed_at=timezone.now() - timedelta(seconds=601))
    DBTaskResult.objects.filter(pk=scheduled.pk).update(run_after=timezone.now())
    _none, mails = deliver()
    [digest] = staff_mails(mails, moderator)
    assert digest.subject == "2 Hinweise aus dem Posteingang"
    assert second.reference in digest.body
    assert third.reference in digest.body
    assert first.reference not in digest.body
    assert digest.extra_headers["Auto-Submitted"] == "auto-generated"


def test_assigning_in_the_admin_mails_the_assignee(roles, moderator, moderator_client, deliver):
    colleague = UserFactory(email="kollegin@verl.example", groups=["Moderation"])
    conversation = ConversationFactory(subject="Parkausweis")
    _response, mails = deliver(
        lambda: moderator_client.post(
            reverse("admin:feedback_conversation_change", args=[conversation.pk]),
            {
                "status": ConversationStatus.IN_PROGRESS,
                "assignee": colleague.pk,
                "notes": "",
                "messages-TOTAL_FORMS": "0",
                "messages-INITIAL_FORMS": "0",
                "measure_links-TOTAL_FORMS": "0",
                "measure_links-INITIAL_FORMS": "0",
            },
        )
    )
    [alert] = mails
    assert alert.to == ["kollegin@verl.example"]
    assert alert.subject == f"Ihnen zugewiesen: {conversation.reference}"
    assert "Betreff: Parkausweis" in alert.body
    assert alert.extra_headers["Auto-Submitted"] == "auto-generated"


def test_assigning_oneself_mails_nobody(roles, moderator, moderator_client, deliver):
    conversation = ConversationFactory()
    _response, mails = deliver(
        lambda: moderator_client.post(
            reverse("admin:feedback_conversation_changelist"),
            {"action": "assign_to_me", "_selected_action": [conversation.pk]},
        )
    )
    conversation.refresh_from_db()
    assert conversation.assignee == moderator
    assert mails == []
    assert not Alert.objects.exists()


@pytest.mark.parametrize("status", [ConversationStatus.ANSWERED, ConversationStatus.CLOSED])
def test_a_reply_reopens_an_answered_or_closed_conversation_and_tells_the_assignee(
    roles, moderator, deliver, status
):
    assignee = UserFactory(email="zustaendig@verl.example", groups=["Moderation"])
    conversation = message_ingest(raw=mailcorpus.build(subject="Frage")).conversation
    with_answer, _mails = deliver(
        lambda: conversation_answer(conversation=conversation, author=assignee, text="Bald.")
    )
    conversation.refresh_from_db()
    conversation.assignee = assignee
    conversation.status = status
    conversation.save()
    Alert.objects.all().delete()  # the new message's alert went out

    reply = mailcorpus.build(
        subject="Re: Frage", headers={"In-Reply-To": f"<{with_answer.message_id}>"}
    )
    _result, mails = deliver(lambda: message_ingest(raw=reply))
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.NEW
    [alert] = mails
    assert alert.to == ["zustaendig@verl.example"]
    assert alert.subject == f"Wieder geöffnet: {conversation.reference}"


def test_a_reply_nobody_is_assigned_to_tells_the_responsible_staff(roles, moderator, deliver):
    conversation = ConversationFactory(status=ConversationStatus.ANSWERED)
    reply = mailcorpus.build(
        subject=f"Re: Frage [{conversation.reference}]", sender=conversation.contact_email
    )
    _result, mails = deliver(lambda: message_ingest(raw=reply))
    [alert] = staff_mails(mails, moderator)
    assert alert.subject == f"Wieder geöffnet: {conversation.reference}"


def test_staff_who_chose_daily_get_one_summary_the_next_morning(roles, moderator, deliver):
    alert_preference_set(user=moderator, delivery=AlertDelivery.DAILY)
    first, mails = deliver(lambda: contact(subject="Eins"))
    second, more = deliver(lambda: contact(subject="Zwei"))
    assert staff_mails(mails + more, moderator) == []
    scheduled = DBTaskResult.objects.get(
        task_path="feedback.alerts.digest.notify_staff", status="READY"
    )
    assert scheduled.run_after == daily_summary_after(
        Alert.objects.earliest("created_at").created_at
    )
    assert timezone.localtime(scheduled.run_after).hour == 7

    # The morning has come.
    yesterday = timezone.now() - timedelta(days=1)
    Alert.objects.update(created_at=yesterday)
    DBTaskResult.objects.filter(pk=scheduled.pk).update(run_after=timezone.now())
    _none, mails = deliver()
    [summary] = staff_mails(mails, moderator)
    assert summary.subject == "Tägliche Zusammenfassung: 2 Hinweise aus dem Posteingang"
    assert first.reference in summary.body
    assert second.reference in summary.body
    assert summary.extra_headers["Auto-Submitted"] == "auto-generated"


def test_staff_who_switched_alerts_off_are_not_mailed(roles, moderator, deliver):
    colleague = UserFactory(email="kollegin@verl.example", groups=["Moderation"])
    alert_preference_set(user=moderator, delivery=AlertDelivery.OFF)
    _conversation, mails = deliver(contact)
    assert [m.to for m in mails if m.to != ["erika@example.org"]] == [[colleague.email]]
    assert not Alert.objects.filter(recipient=moderator).exists()


def test_alerts_waiting_when_someone_switches_off_are_dropped(roles, moderator, settings, deliver):
    settings.MODERATION_NOTIFY_INTERVAL = 600
    deliver(contact)
    deliver(contact)  # waits for the interval
    alert_preference_set(user=moderator, delivery=AlertDelivery.OFF)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    _none, mails = deliver()
    assert staff_mails(mails, moderator) == []
    assert not Alert.objects.pending().exists()


def test_the_default_is_at_once(roles, moderator, deliver):
    _conversation, mails = deliver(contact)
    assert len(staff_mails(mails, moderator)) == 1
