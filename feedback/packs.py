"""Feedback's sections of a content pack (see `strategy.packs`): the contact form's topics,
and the demo comments with the town's answers and their links to measures, so "Ihr Feedback –
unsere Maßnahmen" has something to show.

Registered from `FeedbackConfig.ready()`, after strategy's sections (INSTALLED_APPS order),
so the demo comments load after the measures they comment on. `_comments` is a generator:
an answer or a link is made only after its comment has been seeded, and looked up again, so
every run finds the same objects (idempotent, see `content_seed`). Everything is flagged
`is_demo`; a comment whose page an editor deleted is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from feedback.models import Comment, CommentStatus, MeasureLink, Topic
from strategy.models import Measure, TownProfile
from strategy.packs import Key, PackError, register_section, text
from strategy.packs.registry import Rows
from strategy.packs.sections import table
from strategy.services import SeedItem

DEMO = {"is_demo": True}
# What a demo comment may be written on: "<model>:<slug>".
TARGETS = ("measure", "page", "actionfield", "project", "newspost", "event", "bestpractice")


def _target(on: str):
    kind, _, slug = on.partition(":")
    if kind not in TARGETS or not slug:
        raise PackError(
            f"demo.toml [comments]: 'on' must be one of {TARGETS} and a slug, e.g. "
            f"'measure:e-akte'; not {on!r}"
        )
    model = apps.get_model("strategy", kind)
    return model, model.objects.filter(slug=slug).first()


def _comments(rows: Rows) -> Iterator[SeedItem]:
    """Each demo comment, then (once it exists) its official answer and its measure links."""
    for row in rows:
        model, target = _target(row["on"])
        if target is None:
            continue
        lookup = {
            **DEMO,
            "content_type_id": ContentType.objects.get_for_model(model).pk,
            "object_id": target.pk,
            "author_name": row["author"],
        }
        yield SeedItem(Comment, lookup, {"text": row["text"], "status": CommentStatus.APPROVED})
        comment = Comment.objects.filter(**lookup).first()
        if comment is None:  # deleted by an editor after an earlier load
            continue
        if row.get("answer"):
            yield SeedItem(
                Comment,
                {**DEMO, "parent_id": comment.pk, "is_official": True},
                {
                    "content_type_id": comment.content_type_id,
                    "object_id": comment.object_id,
                    # The town's name from the record the pack's [town] has just set in this
                    # transaction: what signs an official answer once committed.
                    "author_name": TownProfile.get_solo().name,
                    "text": row["answer"],
                    "status": CommentStatus.APPROVED,
                },
            )
        for slug in row.get("measures", []):
            if Measure.objects.filter(slug=slug).exists():
                yield SeedItem(MeasureLink, {"measure__slug": slug, "comment_id": comment.pk})


def register() -> None:
    register_section(
        "topics",
        {
            "name": text(required=True),
            "name_en": text(),
            "position": Key(int),
            "answer_target": Key(int),
            "answer_target_unit": Key(),
        },
        table(Topic, fixed={"is_active": True}, lookup=("name",), positioned=True),
    )
    register_section(
        "comments",
        {
            "on": Key(required=True),
            "author": Key(required=True),
            "text": text(required=True),
            "answer": text(),
            "measures": Key(list),
        },
        _comments,
        demo=True,
    )
