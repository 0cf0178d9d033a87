"""Transparenz statistics: percentiles against hand-computed values, the small-cell rule,
deadlines and ratings per channel and per topic."""

import statistics
from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from feedback.models import Case, CaseOutcome, Channel, Comment, Direction, ModerationStep
from feedback.transparency import period_start
from feedback.transparency_stats import MIN_CASES, Share, Spread, response_stats_compute
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConversationFactory,
    MessageFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=BERLIN)
START = period_start(NOW)
H = timedelta(hours=1)
REFERENCES = count(1)


def stats():
    return response_stats_compute(start=START, now=NOW)


def case_for(
    *, conversation=None, comment=None, due: date, answered: datetime | None = None, **fields
) -> Case:
    item = conversation or comment
    return Case.objects.create(
        reference=f"T-{next(REFERENCES)}",
        channel=conversation.channel if conversation else "comment",
        conversation=conversation,
        comment=comment,
        received_at=item.created_at,
        clock_started_on=item.created_at.date(),
        due_date=due,
        answered_at=answered,
        **fields,
    )


def answered_conversation(created: datetime, after: timedelta, channel=Channel.FORM, **fields):
    conversation = ConversationFactory(channel=channel, created_at=created, **fields)
    MessageFactory(conversation=conversation, direction=Direction.OUT, created_at=created + after)
    return conversation


def comment_at(created: datetime, factory=CommentFactory, **kwargs) -> Comment:
    made = factory(**kwargs)
    Comment.objects.filter(pk=made.pk).update(created_at=created)
    made.refresh_from_db()
    return made


def test_median_and_90th_percentile_of_one_to_ten_hours():
    for hours in range(1, 11):
        answered_conversation(datetime(2026, 2, hours, 9, tzinfo=BERLIN), hours * H)
    form = stats().channels[1]
    assert form.first_answer == Spread(n=10, median=5.5 * H, p90=9.1 * H)
    # The documented method is Python's "inclusive" quantiles (type 7).
    waits = list(range(1, 11))
    assert statistics.median(waits) == 5.5
    assert statistics.quantiles(waits, n=10, method="inclusive")[8] == pytest.approx(9.1)


def test_the_total_pools_all_channels():
    for hours in (1, 2, 3):
        answered_conversation(datetime(2026, 2, hours, 9, tzinfo=BERLIN), hours * H)
    for hours in (4, 5):
        answered_conversation(
            datetime(2026, 2, 10 + hours, 9, tzinfo=BERLIN), hours * H, channel=Channel.EMAIL
        )
    result = stats()
    assert [row.first_answer.median for row in result.channels] == [None, None, None]
    assert result.total.first_answer == Spread(n=5, median=3 * H, p90=4.6 * H)


def test_fewer_than_five_values_give_no_median_and_no_percentile():
    for hours in range(1, MIN_CASES):  # four
        answered_conversation(datetime(2026, 2, hours, 9, tzinfo=BERLIN), hours * H)
    form = stats().channels[1]
    assert form.first_answer == Spread(n=4, median=None, p90=None)
    assert form.first_answer.too_few
    assert stats().too_few
    assert Share(base=4, count=4).value is None
    assert Share(base=5, count=4).value == 0.8


def test_moderation_times_come_from_the_first_decision():
    for minutes in (10, 20, 30, 40, 50):
        item = comment_at(datetime(2026, 2, 1, 9, tzinfo=BERLIN), ApprovedCommentFactory)
        action = item.actions.create(action=ModerationStep.APPROVE, actor_name="Mod")
        item.actions.filter(pk=action.pk).update(
            created_at=item.created_at + timedelta(minutes=minutes)
        )
    moderation = stats().moderation
    assert moderation.n == 5
    assert moderation.median == timedelta(minutes=30)
    assert moderation.p90 == timedelta(minutes=46)


def test_share_answered_within_the_deadline():
    due = date(2026, 2, 13)
    created = datetime(2026, 2, 2, 9, tzinfo=BERLIN)
    on_time = [ConversationFactory(channel=Channel.FORM, created_at=created) for _ in range(3)]
    for conversation in on_time:
        case_for(
            conversation=conversation,
            due=due,
            answered=datetime(2026, 2, 13, 23, 30, tzinfo=BERLIN),
        )
    late = ConversationFactory(channel=Channel.FORM, created_at=created)
    case_for(conversation=late, due=due, answered=datetime(2026, 2, 14, 0, 30, tzinfo=BERLIN))
    overdue = ConversationFactory(channel=Channel.FORM, created_at=created)
    case_for(conversation=overdue, due=date(2026, 3, 14))  # due yesterday, no answer
    not_yet = ConversationFactory(channel=Channel.FORM, created_at=created)
    case_for(conversation=not_yet, due=date(2026, 3, 15))  # due today: not judged yet
    duplicate = ConversationFactory(channel=Channel.FORM, created_at=created)
    case_for(conversation=duplicate, due=date(2026, 3, 1), outcome=CaseOutcome.DUPLICATE)
    spam = ConversationFactory(channel=Channel.FORM, created_at=created)
    case_for(conversation=spam, due=date(2026, 3, 1), outcome=CaseOutcome.SPAM)

    form = stats().channels[1]
    assert form.cases == 6  # duplicates and spam do not count
    assert (form.deadline.count, form.deadline.base) == (3, 5)
    assert form.deadline.value == 0.6
    assert stats().total.deadline == form.deadline


def test_a_comment_meets_its_deadline_when_it_is_moderated_in_time():
    for day in (1, 2, 3, 4, 5):
        item = comment_at(datetime(2026, 2, day, 9, tzinfo=BERLIN), ApprovedCommentFactory)
        action = item.actions.create(action=ModerationStep.APPROVE, actor_name="Mod")
        item.actions.filter(pk=action.pk).update(created_at=item.created_at + day * 15 * H)
        case_for(comment=item, due=date(2026, 2, day + 2))  # day 5: moderated on 8 February
    comments = stats().channels[0]
    assert (comments.deadline.count, comments.deadline.base) == (4, 5)


def test_helpful_ratings():
    created = datetime(2026, 2, 2, 9, tzinfo=BERLIN)
    for helpful in (True, True, True, False, None, None):
        conversation = ConversationFactory(channel=Channel.EMAIL, created_at=created)
        case_for(conversation=conversation, due=date(2026, 2, 16), helpful=helpful)
    email = stats().channels[2]
    assert (email.helpful.count, email.helpful.base, email.helpful.value) == (3, 4, None)
    conversation = ConversationFactory(channel=Channel.EMAIL, created_at=created)
    case_for(conversation=conversation, due=date(2026, 2, 16), helpful=False)
    assert stats().channels[2].helpful.value == 0.6


def test_per_topic_with_conversations_without_topic_last():
    barriers = TopicFactory(name="Barriere melden", name_en="Report a barrier")
    created = datetime(2026, 2, 2, 9, tzinfo=BERLIN)
    for hours in range(1, 6):
        conversation = answered_conversation(created, hours * H, topic=barriers)
        case_for(conversation=conversation, due=date(2026, 2, 16))
    conversation = answered_conversation(created, 30 * H, channel=Channel.EMAIL)
    case_for(conversation=conversation, due=date(2026, 2, 16))
    TopicFactory(name="Ohne Eingänge")

    topics = stats().topics
    assert [(row.label, row.cases, row.first_answer.n) for row in topics] == [
        ("Barriere melden", 5, 5),
        ("ohne Thema", 1, 1),
    ]
    assert topics[0].first_answer.median == 3 * H
    assert topics[1].first_answer.median is None


def test_before_the_period_and_demo_content_do_not_count():
    answered_conversation(START - timedelta(minutes=1), 1 * H)
    comment_at(NOW - H, ApprovedCommentFactory, is_demo=True)
    result = stats()
    assert result.total.first_answer.n == 0
    assert result.moderation.n == 0


def test_the_computation_is_a_fixed_number_of_queries(django_assert_max_num_queries):
    topics = [TopicFactory(), TopicFactory()]
    for index in range(6):
        conversation = answered_conversation(
            datetime(2026, 2, index + 1, 9, tzinfo=BERLIN), H, topic=topics[index % 2]
        )
        case_for(conversation=conversation, due=date(2026, 2, 20), helpful=True)
    with django_assert_max_num_queries(9):
        stats()
