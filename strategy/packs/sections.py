"""Strategy's sections of a pack: the town profile, pages, sections, tasks, news and the
demo set of strategy content. Each row becomes a `SeedItem`; see the package's docstring
for the keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureUpdate,
    Network,
    NewsPost,
    Page,
    Project,
    PublicationStatus,
    Section,
    Task,
    TownProfile,
)
from strategy.packs.registry import Rows, register_section
from strategy.packs.schema import Key, text
from strategy.services import SeedItem

PUBLISHED = {"status": PublicationStatus.PUBLISHED}
DEMO = {**PUBLISHED, "is_demo": True}


def texts(*names: str, required: tuple[str, ...] = ("title",)) -> dict[str, Key]:
    """Text keys with their English variants (`title`, `title_en`, …)."""
    keys: dict[str, Key] = {}
    for name in names:
        keys[name] = text(required=name in required)
        keys[f"{name}_en"] = text()
    return keys


SLUG = {"slug": Key(required=True), "position": Key(int)}
TOWN_OPTIONAL = {
    "website",
    "cdo_name",
    "cdo_phone",
    "dpo_email",
    "arbitration_url",
    "coat_of_arms",
    "brand_colour",
    "accent_colour",
}
TOWN = {
    name: Key(required=name not in TOWN_OPTIONAL, file=name == "coat_of_arms")
    for name in (
        "name", "short_name", "street_address", "postal_code", "locality", "website",
        "cdo_name", "cdo_email", "cdo_phone", "dpo_contact", "dpo_email", "mail_sender_name",
        "mail_sender_address", "reference_prefix", "federal_state", "arbitration_body",
        "arbitration_url", "brand_colour", "accent_colour", "coat_of_arms",
    )
}  # fmt: skip


def _town(rows: Rows) -> list[SeedItem]:
    # The coat of arms is a file, stored by `pack_load` after the fields (first load only).
    values = {name: value for name, value in rows[0].items() if name != "coat_of_arms"}
    return [SeedItem(TownProfile, {"id": TownProfile.singleton_instance_id}, values, adopt=True)]


def table(
    model: type,
    *,
    fixed: Mapping[str, Any],
    relations: Mapping[str, str] | None = None,
    lookup: tuple[str, ...] = ("slug",),
    positioned: bool = False,
) -> Callable[[Rows], list[SeedItem]]:
    """A handler making one item per row: `lookup` keys identify it (`relations` name a
    parent by its slug, e.g. a section's page), the other keys are its fields."""
    relations = relations or {}

    def handler(rows: Rows) -> list[SeedItem]:
        items = []
        for index, row in enumerate(rows, start=1):
            values = {**fixed, **row}
            if positioned:
                values.setdefault("position", index * 10)
            found = {relations.get(name, name): values.pop(name) for name in lookup}
            items.append(SeedItem(model, found, values))
        return items

    return handler


def _action_fields(rows: Rows) -> Iterator[SeedItem]:
    """Each action field, then its measures."""
    for index, row in enumerate(rows, start=1):
        values = {**DEMO, "position": index * 10, **row}
        measures = values.pop("measures", [])
        slug = values.pop("slug")
        yield SeedItem(ActionField, {"slug": slug}, values)
        for number, measure in enumerate(measures, start=1):
            values = {**DEMO, "position": number * 10, "target_date": None, **measure}
            lookup = {"action_field__slug": slug, "slug": values.pop("slug")}
            yield SeedItem(Measure, lookup, values)


def _projects(rows: Rows) -> Iterator[SeedItem]:
    """Each project, then its links to measures."""
    for index, row in enumerate(rows, start=1):
        values = {**DEMO, "position": index * 10, **row}
        measures = values.pop("measures", [])
        slug = values.pop("slug")
        yield SeedItem(Project, {"slug": slug}, values)
        for measure in measures:
            lookup = {"project__slug": slug, "measure__slug": measure}
            yield SeedItem(Project.measures.through, lookup)


NEWS = {**SLUG, **texts("title", "summary", "body"), "publish_at": Key(datetime)}
MEASURE = {
    **SLUG,
    **texts("title", "summary", "body"),
    "progress": Key(required=True),
    "department": Key(),
    "target_date": Key(date),
}


def register() -> None:
    """Strategy's sections, in load order (pages before their sections and tasks)."""
    register_section("town", TOWN, _town, table=True)
    register_section(
        "pages",
        {**SLUG, **texts("title", "intro", "body", "easy_language")},
        table(Page, fixed=PUBLISHED),
    )
    register_section(
        "sections",
        {
            "page": Key(required=True),
            **SLUG,
            **texts("title", "body"),
            "includes_task_list": Key(bool),
        },
        table(
            Section,
            fixed=PUBLISHED,
            lookup=("page", "slug"),
            relations={"page": "page__slug"},
            positioned=True,
        ),
    )
    register_section(
        "tasks", {**SLUG, **texts("title", "body")}, table(Task, fixed=PUBLISHED, positioned=True)
    )
    register_section("news", NEWS, table(NewsPost, fixed=PUBLISHED))

    register_section(
        "action_fields",
        {**SLUG, **texts("title", "summary", "body"), "measures": Key(list, rows=MEASURE)},
        _action_fields,
        demo=True,
    )
    register_section(
        "measure_updates",
        {"measure": Key(required=True), "date": Key(date, required=True), **texts("text")},
        table(
            MeasureUpdate,
            fixed={},
            lookup=("measure", "date"),
            relations={"measure": "measure__slug"},
        ),
        demo=True,
    )
    register_section(
        "projects",
        {
            **SLUG,
            **texts("title", "summary", "body"),
            "progress": Key(required=True),
            "is_smart_city": Key(bool),
            "partners": Key(),
            "measures": Key(list),
        },
        _projects,
        demo=True,
    )
    register_section(
        "best_practice",
        {
            **SLUG,
            **texts("title", "summary", "body", "assessment"),
            "town": Key(required=True),
            "url": Key(),
            "review": Key(required=True),
        },
        table(BestPractice, fixed=DEMO, positioned=True),
        demo=True,
    )
    register_section(
        "events",
        {
            **SLUG,
            **texts("title", "summary", "body", "registration"),
            "starts_at": Key(datetime, required=True),
            "ends_at": Key(datetime, required=True),
            "location": Key(),
            "online_url": Key(),
        },
        table(Event, fixed=DEMO),
        demo=True,
    )
    register_section("news", NEWS, table(NewsPost, fixed=DEMO), demo=True)
    register_section(
        "networks",
        {**SLUG, **texts("title", "summary", "body"), "kind": Key(required=True), "url": Key()},
        table(Network, fixed=DEMO, positioned=True),
        demo=True,
    )
