"""Content packs: a town's content as data — what `manage.py load_content` puts into a site.

A pack is a directory: `pack.toml` (structured), optionally `demo.toml` (the demo set, loaded
with `--demo`), and Markdown files for long texts. Packs that ship with the site live in
`strategy/content_packs/<name>/`; `load_content` takes such a name or any directory.

pack.toml::

    [pack]                    name, description
    [town]                    the town profile's first values: the fields of
                              `strategy.models.TownProfile` (name, short_name, street_address,
                              postal_code, locality, website, cdo_name, cdo_email, cdo_phone,
                              dpo_contact, dpo_email, mail_sender_name, mail_sender_address,
                              reference_prefix, federal_state, arbitration_body,
                              arbitration_url, brand_colour, accent_colour) and coat_of_arms,
                              a PNG or SVG file in the pack, stored on the first load only,
                              cleaned like an upload (`strategy.coat_of_arms`)
    [[pages]]                 slug (start, aufgaben, strategie, impressum, datenschutz,
                              barrierefreiheit, leichte-sprache, …), title, intro, body,
                              easy_language, position
    [[sections]]              page (its slug), slug, title, body, includes_task_list, position
    [[tasks]]                 slug, title, body, position
    [[news]]                  slug, title, summary, body, publish_at
    [[topics]]                the contact form's topics: name, answer_target,
                              answer_target_unit ("working_days" or "months")  (feedback's)

demo.toml (every item is marked `is_demo`, shown as "Beispiel")::

    [[action_fields]]         slug, title, summary, body, with [[action_fields.measures]]:
                              slug, title, summary, body, progress (planned, in_progress,
                              done, deferred), department, target_date
    [[measure_updates]]       measure (slug), date, text
    [[projects]]              slug, title, summary, progress (planned, running, completed),
                              is_smart_city, partners,
                              measures (list of slugs)
    [[best_practice]]         slug, title, town, summary, url, review (in_review, reviewed,
                              adopted, rejected), assessment
    [[events]]                slug, title, summary, starts_at, ends_at, location, online_url,
                              registration
    [[news]]                  as in pack.toml
    [[networks]]              slug, title, kind (network, working_group, conference), summary,
                              url
    [[comments]]              on ("measure:<slug>" or "page:<slug>"), author, text, answer
                              (the town's official reply), measures (slugs it is linked to)
                              (feedback's)

Rules:

- Each text key has an English variant `<key>_en` (title_en, body_en, name_en, …); left out,
  the English site shows the German text, marked `lang="de"`.
- Dates are TOML dates (`2027-06-30`), times TOML date-times with an offset
  (`2026-05-20T18:00:00+02:00`).
- Any text may come from a file instead: `body_file = "pages/start.md"` (relative to the pack).
- Texts are rendered through Django's template engine at load time, after the town profile
  is set, with `town` (the profile: `{{ town.name }}`, `{{ town.cdo_email }}`), `settings`
  (the periods and limits in `reader.TEXT_SETTINGS`: `{{ settings.RETENTION_MONTHS }}`) and
  `attachment_max_megabytes`. An unknown placeholder is an error, and so are unknown
  sections and keys, wrong types and missing files: `PackError` names file, entry and key.
- `position` defaults to the entry's place in its list × 10 where the order matters
  (sections, tasks, topics, action fields, measures, projects, best practice, networks).
- Loading goes through `strategy.services.content_seed`: idempotent, and an object an editor
  changed or deleted is never overwritten or re-created (`SeedRecord` checksums). The town
  profile is the exception on its first load: it is taken over even if it exists. English
  variants added to a pack later still reach objects nobody edited.
- Raise `PRIVACY_POLICY_VERSION` when the privacy policy's text changes: every consent
  stores the version in force.

Other apps add sections for their models with `registry.register_section` from their
`AppConfig.ready()`; strategy's own are in `strategy.packs.sections`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from strategy.models import SeedRecord, TownProfile
from strategy.packs.reader import BASE_FILE, DEMO_FILE, Pack, pack_path, pack_read, rows_render
from strategy.packs.registry import register_section, registered_sections
from strategy.packs.schema import Key, PackError, text
from strategy.services import SeedItem, SeedReport, content_seed
from strategy.town import town_profile_update

COAT_OF_ARMS_KEY = "strategy.townprofile:coat_of_arms"

__all__ = [
    "Key",
    "Pack",
    "PackError",
    "pack_items",
    "pack_load",
    "pack_path",
    "pack_read",
    "register_section",
    "text",
]


def pack_items(
    *, pack: Pack, demo: bool = False, only: Collection[str] | None = None
) -> Iterator[SeedItem]:
    """The pack's SeedItems in load order: base sections, then (with `demo`) the demo set.

    Lazy: a section's texts are rendered and its handler called only when its turn comes,
    so texts see the town profile seeded before them and a handler can look up what earlier
    sections created (a demo comment its measure).
    """
    parts = [(pack.base, BASE_FILE, False)] + ([(pack.demo, DEMO_FILE, True)] if demo else [])
    for data, file, is_demo in parts:
        for section in registered_sections(demo=is_demo):
            if section.name not in data or (only is not None and section.name not in only):
                continue
            rows = data[section.name]
            rows = [rows] if section.table else rows
            where = f"{pack.path / file} [{section.name}]"
            yield from section.handler(rows_render(rows, section.schema, pack=pack, where=where))


def pack_load(
    *,
    source: str | Path,
    demo: bool = False,
    dry_run: bool = False,
    only: Collection[str] | None = None,
) -> SeedReport:
    """Read a pack and seed its content (see `content_seed` for what is never overwritten)."""
    pack = pack_read(source)
    with transaction.atomic():
        report = content_seed(items=pack_items(pack=pack, demo=demo, only=only), dry_run=dry_run)
        if only is None or "town" in only:
            _coat_of_arms_seed(pack=pack, report=report, dry_run=dry_run)
    return report


def _coat_of_arms_seed(*, pack: Pack, report: SeedReport, dry_run: bool) -> None:
    """Store the pack's coat of arms once: the first load that finds the profile without one.

    A file is not a field `content_seed` can compare, so it has its own `SeedRecord`: once
    stored (or found already uploaded), a later load never replaces or re-adds it, whatever an
    editor did with it since.
    """
    name = pack.base.get("town", {}).get("coat_of_arms")
    if not name:
        return
    if SeedRecord.objects.filter(key=COAT_OF_ARMS_KEY).exists():
        report.unchanged.append(COAT_OF_ARMS_KEY)
        return
    profile = TownProfile.get_solo()
    if profile.coat_of_arms:
        report.kept.append(COAT_OF_ARMS_KEY)
        return
    report.created.append(COAT_OF_ARMS_KEY)
    if dry_run:
        return
    content = pack.file(name, where=f"{pack.path / BASE_FILE} [town]").read_bytes()
    town_profile_update(profile=profile, coat_of_arms=(name, content))
    SeedRecord.objects.create(
        key=COAT_OF_ARMS_KEY,
        content_type=ContentType.objects.get_for_model(TownProfile),
        object_id=profile.pk,
        checksum=hashlib.sha256(content).hexdigest(),
    )
