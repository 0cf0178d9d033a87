"""The sections a pack may have and who turns their rows into seed items.

Strategy registers its own (`strategy.packs.sections`); another app registers the sections
of its models from its `AppConfig.ready()`, e.g. feedback's topics and demo comments, so
strategy never names that app. Sections load in registration order, base before demo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from strategy.packs.schema import Key

if TYPE_CHECKING:
    from strategy.services import SeedItem

Rows = list[dict[str, Any]]
Handler = Callable[[Rows], Iterable["SeedItem"]]


@dataclass(frozen=True)
class PackSection:
    name: str
    schema: Mapping[str, Key]
    handler: Handler
    demo: bool = False  # in demo.toml, loaded with --demo only
    table: bool = False  # one table ([town]) rather than a list of them ([[pages]])


_sections: dict[tuple[str, bool], PackSection] = {}


def register_section(
    name: str,
    schema: Mapping[str, Key],
    handler: Handler,
    *,
    demo: bool = False,
    table: bool = False,
) -> None:
    """Let packs have a section `name`; registering it again replaces its handler."""
    _sections[(name, demo)] = PackSection(name, schema, handler, demo=demo, table=table)


def registered_sections(*, demo: bool) -> list[PackSection]:
    return [section for section in _sections.values() if section.demo == demo]
