"""What needs a staff member's attention: the counts on the admin's start page.

`attention_counts(user=…)` reads every number the start page shows, each only when the user
may act on it, and `attention_blocks(counts)` turns them into the page's blocks, each count
with the link to exactly the list it counts (the lists' own filter query strings):

- comments waiting for moderation, replies included (how many of them are replies, and how
  old the oldest is), comments with open reports: for those who may moderate
  (`change_comment`). A reply has no case of its own, so it is not in *Alle Rückmeldungen*;
  the moderation queue this count links to is where it waits, shown as a reply;
- new messages nobody is responsible for, open messages assigned to the user: for those
  who may see the inbox (`view_conversation`);
- overdue cases and those due within two working days (`feedback.cases.selectors`): for
  those who may see cases (`view_case`);
- open appeals against moderation decisions: for those who may decide them
  (`change_appeal`).

Every count is of a subset through an index and stops at `COUNT_LIMIT` ("1000+" beyond):
pending comments (`comment_status_idx`, read oldest first so the oldest's age stays exact),
pending replies (`comment_pending_reply_idx`), new unassigned conversations
(`conversation_unassigned_idx`), the user's open ones (`conversation_assignee_idx`), overdue
and due-soon cases (`case_awaiting_idx`), open appeals (`appeal_status_idx`). A backlog of thousands needs no exact number on a
start page, and counting 45,000 waiting comments, 80,000 overdue cases and 23,000 open
conversations exactly took 300 ms of every view (`make bench-large`, bench/RESULTS.md). Open
reports are counted exactly (the reports table is small beside the comments). Eight queries
at most, however large the tables grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feedback.cases.selectors import cases_due_soon, cases_overdue
from feedback.models import Appeal, Comment, CommentReport, Conversation, ConversationStatus

# Conversations in which the town owes the next step ("beantwortet" waits for the citizen).
WORKING_STATUSES = (ConversationStatus.NEW, ConversationStatus.IN_PROGRESS)
# Beyond this many, a count shows as "1000+" (see the module docstring).
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class AttentionCounts:
    """None: the user may not see that list, so the start page leaves the block out."""

    comments_pending: int | None = None
    replies_pending: int | None = None
    oldest_pending_at: datetime | None = None
    comments_reported: int | None = None
    messages_unassigned: int | None = None
    messages_mine: int | None = None
    cases_overdue: int | None = None
    cases_due_soon: int | None = None
    appeals_open: int | None = None
    user_pk: int | None = None
    # The names of the counts that passed COUNT_LIMIT (they hold COUNT_LIMIT; there are more).
    capped: frozenset[str] = frozenset()


def _bounded(queryset: QuerySet) -> int:
    """The rows of `queryset`, counted up to COUNT_LIMIT + 1 (more means "over the limit")."""
    return queryset[: COUNT_LIMIT + 1].count()


def attention_counts(*, user: Any) -> AttentionCounts:
    """The counts `user` may see (see the module docstring)."""
    counts: dict[str, Any] = {"user_pk": user.pk}
    if user.has_perm("feedback.change_comment"):
        # Oldest first, so that the bounded rows include the oldest.
        pending = (
            Comment.objects.pending()
            .order_by("created_at", "id")[: COUNT_LIMIT + 1]
            .aggregate(count=Count("pk"), oldest=Min("created_at"))
        )
        counts["comments_pending"] = pending["count"]
        counts["replies_pending"] = _bounded(Comment.objects.pending().filter(parent__isnull=False))
        counts["oldest_pending_at"] = pending["oldest"]
        counts["comments_reported"] = (
            CommentReport.objects.open().values("comment_id").distinct().count()
        )
    if user.has_perm("feedback.view_conversation"):
        unassigned = Q(status=ConversationStatus.NEW, assignee__isnull=True)
        mine = Q(assignee=user, status__in=WORKING_STATUSES)
        counts["messages_unassigned"] = _bounded(Conversation.objects.filter(unassigned))
        counts["messages_mine"] = _bounded(Conversation.objects.filter(mine))
    if user.has_perm("feedback.view_case"):
        counts["cases_overdue"] = _bounded(cases_overdue())
        counts["cases_due_soon"] = _bounded(cases_due_soon())
    if user.has_perm("feedback.change_appeal"):
        counts["appeals_open"] = Appeal.objects.open().count()
    bounded = [
        "comments_pending",
        "replies_pending",
        "messages_unassigned",
        "messages_mine",
        "cases_overdue",
        "cases_due_soon",
    ]
    capped = {name for name in bounded if (counts.get(name) or 0) > COUNT_LIMIT}
    counts.update(dict.fromkeys(capped, COUNT_LIMIT))
    return AttentionCounts(**counts, capped=frozenset(capped))


@dataclass(frozen=True)
class AttentionItem:
    count: int
    label: str
    url: str
    note: str = ""
    capped: bool = False  # there are more than `count`


@dataclass(frozen=True)
class AttentionBlock:
    title: str
    items: list[AttentionItem]


def _age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return ""
    hours = int((now - since).total_seconds() // 3600)
    if hours < 24:
        return ngettext(
            "der älteste wartet seit %(count)d Stunde",
            "der älteste wartet seit %(count)d Stunden",
            hours,
        ) % {"count": hours}
    days = hours // 24
    return ngettext(
        "der älteste wartet seit %(count)d Tag", "der älteste wartet seit %(count)d Tagen", days
    ) % {"count": days}


def _pending_note(counts: AttentionCounts, now: datetime) -> str:
    """ "davon 2 Antworten, der älteste wartet seit 3 Stunden": replies have no case, so the
    start page says they are among the comments waiting."""
    notes = [_age(counts.oldest_pending_at, now)]
    replies = counts.replies_pending
    if replies and "replies_pending" in counts.capped:
        notes.insert(0, _("davon über %(count)d Antworten") % {"count": replies})
    elif replies:
        notes.insert(
            0,
            ngettext("davon %(count)d Antwort", "davon %(count)d Antworten", replies)
            % {"count": replies},
        )
    return ", ".join(note for note in notes if note)


def attention_blocks(counts: AttentionCounts, *, now: datetime) -> list[AttentionBlock]:
    """The start page's blocks: each count with its label and the link to its list."""
    comments = reverse("admin:feedback_comment_changelist")
    conversations = reverse("admin:feedback_conversation_changelist")
    cases = reverse("admin:feedback_case_changelist")
    blocks = []
    if counts.comments_pending is not None:
        blocks.append(
            AttentionBlock(
                _("Kommentare"),
                [
                    AttentionItem(
                        counts.comments_pending,
                        _("Kommentare warten auf Prüfung"),
                        f"{comments}?status__exact=pending",
                        _pending_note(counts, now),
                        "comments_pending" in counts.capped,
                    ),
                    AttentionItem(
                        counts.comments_reported or 0,
                        _("Kommentare mit offenen Meldungen"),
                        f"{comments}?gemeldet=offen",
                    ),
                ],
            )
        )
    if counts.messages_unassigned is not None:
        blocks.append(
            AttentionBlock(
                _("Nachrichten (Kontaktformular und E-Mail)"),
                [
                    AttentionItem(
                        counts.messages_unassigned,
                        _("neue Nachrichten, niemandem zugewiesen"),
                        f"{conversations}?assignee__id__exact=niemand&status__exact=new",
                        capped="messages_unassigned" in counts.capped,
                    ),
                    AttentionItem(
                        counts.messages_mine or 0,
                        _("offene Nachrichten, mir zugewiesen"),
                        f"{conversations}?assignee__id__exact={counts.user_pk}"
                        f"&status__in={','.join(WORKING_STATUSES)}",
                        capped="messages_mine" in counts.capped,
                    ),
                ],
            )
        )
    if counts.cases_overdue is not None:
        blocks.append(
            AttentionBlock(
                _("Fristen"),
                [
                    AttentionItem(
                        counts.cases_overdue,
                        _("Fälle überfällig"),
                        f"{cases}?frist=ueberfaellig",
                        capped="cases_overdue" in counts.capped,
                    ),
                    AttentionItem(
                        counts.cases_due_soon or 0,
                        _("Fälle fällig in 2 Arbeitstagen"),
                        f"{cases}?frist=bald",
                        capped="cases_due_soon" in counts.capped,
                    ),
                ],
            )
        )
    if counts.appeals_open is not None:
        blocks.append(
            AttentionBlock(
                _("Widersprüche"),
                [
                    AttentionItem(
                        counts.appeals_open,
                        _("offene Widersprüche gegen Moderationsentscheidungen"),
                        f"{reverse('admin:feedback_appeal_changelist')}?status__exact=open",
                    )
                ],
            )
        )
    return blocks
