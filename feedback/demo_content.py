"""Demo feedback for `load_verl_content --demo`: approved comments, the town's answers and
their links to measures, so "Ihr Feedback – unsere Maßnahmen" has something to show.

Registered from `FeedbackConfig.ready()` with `strategy.verl_content.register_demo_content`;
it runs after the strategy demo set, lazily, so the measures it comments on exist by then.
It is a generator: an answer or a link is made only after its comment has been seeded, and
looked up again, so every run finds the same objects (idempotent, see `content_seed`).
Everything is flagged `is_demo`; a comment whose page an editor deleted is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from feedback.comments.services import OFFICIAL_AUTHOR
from feedback.models import Comment, CommentStatus, MeasureLink
from strategy.models import Measure, Page, Publishable
from strategy.verl_content import SeedItem


@dataclass(frozen=True)
class DemoComment:
    target: type[Publishable]
    target_slug: str
    author: str  # unique per page: with the page it identifies the comment
    text: str
    answer: str = ""
    measures: list[str] = field(default_factory=list)


DEMO_COMMENTS = [
    DemoComment(
        Measure,
        "online-terminvergabe",
        "Sabine K.",
        "Die Online-Terminvergabe ist super! Ich habe meinen Personalausweis-Termin abends vom "
        "Sofa aus gebucht. Eine Erinnerung per SMS am Vortag wäre noch schön.",
        answer="Danke für das Lob und die Anregung! Eine Erinnerung per E-Mail gibt es schon; "
        "SMS-Erinnerungen prüfen wir mit dem Anbieter der Terminvergabe.",
        measures=["online-terminvergabe"],
    ),
    DemoComment(
        Measure,
        "online-terminvergabe",
        "Heinz W.",
        "Bitte die Termine am Telefon nicht abschaffen. Nicht jeder hat Internet.",
        answer="Das bleibt so: Termine gibt es weiterhin auch telefonisch und am Empfang im "
        "Rathaus. Die Online-Buchung ist ein zusätzliches Angebot.",
        measures=["online-terminvergabe", "digitalsprechstunde"],
    ),
    DemoComment(
        Measure,
        "maengelmelder",
        "Lena M.",
        "Gute Idee! Am Spielplatz an der Schulstraße ist seit Wochen eine Schaukel kaputt. "
        "So etwas könnte man dann direkt mit Foto melden.",
        measures=["maengelmelder"],
    ),
    DemoComment(
        Measure,
        "oeffentliches-wlan",
        "Tobias R.",
        "Freies WLAN am Bahnhof und auf dem Kirchplatz wäre für Pendler und Gäste ein Gewinn.",
        measures=["oeffentliches-wlan"],
    ),
    DemoComment(
        Measure,
        "schul-wlan",
        "Elternpflegschaft Gesamtschule",
        "Wann bekommen alle Klassenräume stabiles WLAN? Im Moment funktionieren die Tablets "
        "nur im Forum zuverlässig.",
        answer="Die Ausleuchtung aller Klassenräume ist beauftragt; die Gesamtschule ist im "
        "zweiten Bauabschnitt nach den Sommerferien an der Reihe.",
        measures=["schul-wlan"],
    ),
    DemoComment(
        Page,
        Page.HOME,
        "Martin B.",
        "Schön, dass die Stadt ihre Bürger fragt. Eine Online-Beteiligung zu größeren "
        "Bauvorhaben würde ich mir wünschen.",
        measures=["beteiligungsplattform"],
    ),
    DemoComment(
        Measure,
        "e-akte",
        "Petra S.",
        "Heißt die E-Akte auch, dass ich Unterlagen künftig digital einreichen kann, statt sie "
        "auszudrucken?",
        measures=["e-akte", "ozg-leistungen"],
    ),
]

DEMO = {"is_demo": True}


def _comment_lookup(entry: DemoComment, target: Publishable) -> dict:
    content_type = ContentType.objects.get_for_model(entry.target)
    return {
        **DEMO,
        "content_type_id": content_type.pk,
        "object_id": target.pk,
        "author_name": entry.author,
    }


def demo_items() -> Iterator[SeedItem]:
    """Each demo comment, then (once it exists) its official answer and its measure links."""
    for entry in DEMO_COMMENTS:
        target = entry.target.objects.filter(slug=entry.target_slug).first()
        if target is None:
            continue
        lookup = _comment_lookup(entry, target)
        yield SeedItem(Comment, lookup, {"text": entry.text, "status": CommentStatus.APPROVED})
        comment = Comment.objects.filter(**lookup).first()
        if comment is None:  # deleted by an editor after an earlier load
            continue
        if entry.answer:
            yield SeedItem(
                Comment,
                {**DEMO, "parent_id": comment.pk, "is_official": True},
                {
                    "content_type_id": comment.content_type_id,
                    "object_id": comment.object_id,
                    "author_name": OFFICIAL_AUTHOR,
                    "text": entry.answer,
                    "status": CommentStatus.APPROVED,
                },
            )
        for slug in entry.measures:
            if Measure.objects.filter(slug=slug).exists():
                yield SeedItem(MeasureLink, {"measure__slug": slug, "comment_id": comment.pk})
