"""The morning summary of overdue and nearly due cases: one per person and working day."""

from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from feedback.alerts.overdue import overdue_summaries_send
from feedback.alerts.services import alert_preference_set
from feedback.inbox.services import conversation_assign, conversation_open_from_form
from feedback.models import AlertDelivery, Case, OverdueSummarySent
from tests.feedback.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

# A Wednesday without holiday in North Rhine-Westphalia; 2026-03-07 is a Saturday.
WEDNESDAY = date(2026, 3, 4)
SATURDAY = date(2026, 3, 7)


def conversation_due(due: date, *, subject: str, topic=None):
    conversation = conversation_open_from_form(
        name="Erika Mustermann",
        email="erika@example.org",
        subject=subject,
        topic=topic,
        text="Mein Nachbar Herr Müller hat mir davon erzählt.",
        consent_version="2026-01",
    )
    Case.objects.filter(conversation=conversation).update(due_date=due)
    return conversation


@pytest.fixture
def cases(roles, moderator):
    """An overdue case assigned to a colleague, one due tomorrow for Moderation (no topic,
    nobody assigned), and one due in two weeks, which is nobody's concern yet."""
    colleague = UserFactory(email="kollegin@verl.example", groups=["Redaktion"])
    overdue = conversation_due(
        date(2026, 3, 2), subject="Parkausweis", topic=TopicFactory(name="Verkehr")
    )
    conversation_assign(conversation=overdue, assignee=colleague, actor=colleague)
    soon = conversation_due(date(2026, 3, 5), subject="Glasfaser")
    later = conversation_due(date(2026, 3, 18), subject="Später")
    return {"colleague": colleague, "overdue": overdue, "soon": soon, "later": later}


@pytest.fixture
def summary(django_capture_on_commit_callbacks, run_tasks):
    """Run the command for a day; the mails the worker sent and what the command printed."""

    def run(*args, day=WEDNESDAY):
        out = StringIO()
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_overdue_summary", f"--date={day.isoformat()}", *args, stdout=out)
        run_tasks()
        return mail.outbox[before:], out.getvalue()

    return run


def test_each_person_gets_one_summary_of_their_cases(cases, moderator, summary):
    mails, out = summary()
    by_recipient = {m.to[0]: m for m in mails}
    assert sorted(by_recipient) == ["kollegin@verl.example", "moderation@verl.example"]

    mine = by_recipient["kollegin@verl.example"]
    assert mine.subject == "Fällige Vorgänge am 04.03.2026"
    assert mine.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "Überfällig:" in mine.body
    assert "Bald fällig:" not in mine.body
    assert f"{cases['overdue'].reference}, fällig am 02.03.2026" in mine.body
    assert "Thema: Verkehr, Betreff: Parkausweis" in mine.body
    assert f"http://127.0.0.1:8000{cases['overdue'].get_admin_url()}" in mine.body
    assert cases["soon"].reference not in mine.body

    moderation = by_recipient["moderation@verl.example"]
    assert "Bald fällig:" in moderation.body
    assert f"{cases['soon'].reference}, fällig am 05.03.2026" in moderation.body
    assert cases["overdue"].reference not in moderation.body  # assigned to someone else
    for message in mails:
        assert cases["later"].reference not in message.body
        assert "Müller" not in message.body
        assert "erika@example.org" not in message.body
    assert "2 summaries sent, 0 already sent" in out
    assert OverdueSummarySent.objects.filter(day=WEDNESDAY).count() == 2


def test_a_second_run_on_the_same_day_sends_nothing(cases, summary):
    first, _out = summary()
    assert len(first) == 2
    again, out = summary("--verbosity=2")
    assert again == []
    assert "kollegin@verl.example: already had today's summary" in out
    assert "0 summaries sent, 2 already sent" in out
    assert OverdueSummarySent.objects.count() == 2
    # The next working day is a new day.
    tomorrow, _out = summary(day=date(2026, 3, 5))
    assert len(tomorrow) == 2


def test_dry_run_sends_and_records_nothing(cases, summary):
    mails, out = summary("--dry-run", "--verbosity=2")
    assert mails == []
    assert not OverdueSummarySent.objects.exists()
    assert "(dry run) kollegin@verl.example: 1 overdue, 0 due soon" in out
    assert "(dry run) 2026-03-04: 2 summaries would be sent" in out
    mails, _out = summary()
    assert len(mails) == 2


def test_no_summary_on_a_weekend(cases, summary):
    mails, out = summary(day=SATURDAY)
    assert mails == []
    assert "not a working day" in out


def test_people_who_switched_alerts_off_get_no_summary(cases, moderator, summary):
    alert_preference_set(user=moderator, delivery=AlertDelivery.OFF)
    mails, _out = summary()
    assert [m.to for m in mails] == [["kollegin@verl.example"]]


def test_without_a_date_it_waits_for_a_working_morning(cases):
    def at(day, hour):
        return timezone.make_aware(datetime.combine(day, time(hour, 0)))

    assert overdue_summaries_send(now=at(WEDNESDAY, 6)).skipped
    assert overdue_summaries_send(now=at(SATURDAY, 9)).skipped
    assert overdue_summaries_send(now=at(date(2026, 4, 6), 9)).skipped  # Easter Monday
    report = overdue_summaries_send(now=at(WEDNESDAY, 8), dry_run=True)
    assert not report.skipped
    assert report.day == WEDNESDAY
    assert len(report.sent) == 2


def test_the_command_explains_itself(capsys):
    with pytest.raises(SystemExit):
        call_command("send_overdue_summary", "--help")
    help_text = capsys.readouterr().out
    assert "once per person and working day" in help_text
    assert "--dry-run" in help_text
