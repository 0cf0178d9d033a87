"""The public moderation record: decisions per month from the log, rejections by reason."""

import importlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from feedback.comments import services
from feedback.models import Appeal, ModerationAction, ModerationStep
from feedback.transparency import month_list, period_start
from feedback.transparency_record import RECORD_COLUMNS, moderation_record_compute
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    RejectionReasonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=BERLIN)
START = period_start(NOW)


def record():
    return moderation_record_compute(start=START, months=month_list(START))


def dated(item, when: datetime):
    type(item).objects.filter(pk=item.pk).update(created_at=when)


def month(result, iso: str):
    return next(m for m in result.months if m.month.isoformat() == iso)


@pytest.fixture
def moderator():
    return UserFactory(username="moderatorin")


def test_decisions_count_in_the_month_they_were_taken(moderator):
    insult = RejectionReasonFactory(title="Beleidigung", position=1)
    advert = RejectionReasonFactory(title="Werbung", position=2)
    RejectionReasonFactory(title="Nie benutzt", position=3)
    comments = [CommentFactory() for _ in range(5)]
    for item in comments:
        dated(item, datetime(2026, 2, 27, 10, tzinfo=BERLIN))
    services.comment_approve(comment=comments[0], moderator=moderator)
    services.comment_reject(comment=comments[1], moderator=moderator, reason=advert)
    services.comment_reject(comment=comments[2], moderator=moderator, reason=insult, note="x")
    services.comment_reject(comment=comments[3], moderator=moderator, reason=advert)
    # Logged before reasons were stored: no reason known.
    ModerationAction.objects.filter(comment=comments[3]).update(decision_reason=None)
    services.comment_mark_spam(comment=comments[4], moderator=moderator, reason=advert)
    # The decisions were taken in March (Berlin: 00:30 on 1 March is February in UTC).
    ModerationAction.objects.update(created_at=datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN))
    # A comment hidden after reports in February.
    shown = ApprovedCommentFactory()
    dated(shown, datetime(2026, 2, 1, 10, tzinfo=BERLIN))
    ModerationAction.objects.create(comment=shown, action=ModerationStep.HIDE, actor_name="x")
    ModerationAction.objects.filter(action=ModerationStep.HIDE).update(
        created_at=datetime(2026, 2, 2, 10, tzinfo=BERLIN)
    )
    # Not counted: official answers, demo content, decisions before the period.
    official = ApprovedCommentFactory(is_official=True, parent=shown, target=shown.target)
    dated(official, datetime(2026, 2, 3, 10, tzinfo=BERLIN))
    demo = ApprovedCommentFactory(is_demo=True)
    ModerationAction.objects.create(comment=demo, action=ModerationStep.APPROVE, actor_name="x")
    old = ApprovedCommentFactory()
    dated(old, START - timedelta(days=3))
    old_step = ModerationAction.objects.create(
        comment=old, action=ModerationStep.APPROVE, actor_name="x"
    )
    ModerationAction.objects.filter(pk=old_step.pk).update(created_at=START - timedelta(days=2))
    dated(demo, datetime(2026, 3, 2, 10, tzinfo=BERLIN))

    result = record()
    assert result.columns == [column.key for column in RECORD_COLUMNS]
    assert month(result, "2026-02-01").counts == {
        "eingegangen": 6,
        "veroeffentlicht": 0,
        "abgelehnt": 0,
        "spam": 0,
        "ausgeblendet_nach_meldungen": 1,
        "widersprueche": 0,
        "widersprueche_stattgegeben": 0,
        "widersprueche_zurueckgewiesen": 0,
    }
    assert month(result, "2026-03-01").counts == {
        "eingegangen": 0,
        "veroeffentlicht": 1,
        "abgelehnt": 3,
        "spam": 1,
        "ausgeblendet_nach_meldungen": 0,
        "widersprueche": 0,
        "widersprueche_stattgegeben": 0,
        "widersprueche_zurueckgewiesen": 0,
    }
    # By reason: the moderators' order, reasons nobody chose left out, "none" last.
    assert result.reasons == ["Beleidigung", "Werbung", ""]
    assert result.reason_labels[-1] == "ohne Angabe eines Grundes"
    march = month(result, "2026-03-01")
    assert [(item.reason, item.count) for item in march.rejected_by_reason] == [
        ("Beleidigung", 1),
        ("Werbung", 1),
        ("", 1),
    ]
    assert result.totals == [6, 1, 3, 1, 1, 0, 0, 0]
    assert result.reason_totals == [1, 1, 1]
    assert len(result.decisions.rows) == len(result.rejections_by_reason.rows) == 12


def test_a_corrected_decision_counts_twice(moderator):
    item = CommentFactory()
    services.comment_approve(comment=item, moderator=moderator)
    services.comment_reject(comment=item, moderator=moderator, reason=RejectionReasonFactory())
    now = datetime.now(tz=BERLIN)
    start = period_start(now)
    result = moderation_record_compute(start=start, months=month_list(start))
    assert result.total("veroeffentlicht") == 1
    assert result.total("abgelehnt") == 1
    assert result.total("eingegangen") == 1


def test_no_rejections_no_reasons():
    result = record()
    assert result.reasons == []
    assert result.totals == [0] * len(RECORD_COLUMNS)


def test_a_fixed_number_of_queries(moderator, django_assert_max_num_queries):
    reason = RejectionReasonFactory()
    for _ in range(3):
        services.comment_reject(comment=CommentFactory(), moderator=moderator, reason=reason)
    with django_assert_max_num_queries(len(RECORD_COLUMNS) + 2):
        record()


def test_the_migration_links_earlier_rejections_by_their_logged_title():
    migration = importlib.import_module("feedback.migrations.0018_decision_reason_from_log")
    short = RejectionReasonFactory(title="Werbung")
    longer = RejectionReasonFactory(title="Werbung: Gewinnspiel")
    item = CommentFactory()
    logged = {
        "Werbung": short,
        "Werbung: zu viele Links": short,
        "Werbung: Gewinnspiel": longer,
        "Werbung: Gewinnspiel: nochmal": longer,
        "Werbungen": None,
        "": None,
    }
    for text in logged:
        ModerationAction.objects.create(
            comment=item, action=ModerationStep.REJECT, actor_name="x", reason=text
        )
    ModerationAction.objects.create(
        comment=item, action=ModerationStep.HIDE, actor_name="x", reason="Werbung"
    )
    migration.reasons_from_log(apps, None)
    linked = dict(
        ModerationAction.objects.filter(action=ModerationStep.REJECT).values_list(
            "reason", "decision_reason"
        )
    )
    assert linked == {text: reason and reason.pk for text, reason in logged.items()}
    assert not ModerationAction.objects.filter(
        action=ModerationStep.HIDE, decision_reason__isnull=False
    ).exists()


def test_appeals_count_when_lodged_and_their_outcomes_when_decided(
    moderator, second_moderator, decision_reason
):
    from feedback.appeals.services import appeal_decide, appeal_submit

    decisions = []
    for _ in range(3):
        comment = CommentFactory()
        services.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
        decisions.append(comment.actions.get(action=ModerationStep.REJECT))
    appeals = [appeal_submit(decision=decision, text="Bitte prüfen.") for decision in decisions]
    Appeal.objects.update(created_at=datetime(2026, 2, 20, 10, tzinfo=BERLIN))
    appeal_decide(appeal=appeals[0], reviewer=second_moderator, overturn=True, reason="Zulässig")
    appeal_decide(appeal=appeals[1], reviewer=second_moderator, overturn=False, reason="Bleibt")
    Appeal.objects.exclude(decided_at=None).update(
        decided_at=datetime(2026, 3, 2, 10, tzinfo=BERLIN)
    )
    result = record()
    february, march = month(result, "2026-02-01"), month(result, "2026-03-01")
    assert february.count("widersprueche") == 3
    assert (
        march.count("widersprueche_stattgegeben"),
        march.count("widersprueche_zurueckgewiesen"),
    ) == (1, 1)
    assert result.total("widersprueche") == 3
