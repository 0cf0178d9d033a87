"""What the CDO publishes: pages with sections and tasks, and the strategy content (action
fields, measures with dated progress notes, projects, best practice, events, news, networks).

Publication: a `Publishable` has a status (draft or published) and `publish_at`. Citizens see
it as a draft, scheduled (published with a future date) or published, decided at query time
by `publication_q`, the one publication condition, over the item and everything it is
published under (`publication_parents`: a section's page, a measure's action field). So a
scheduled item appears without a job, and nothing under an unpublished parent is public.
Public views read through `published()`; `visible_to(user)` adds drafts for staff who may
preview them (views pass `strategy.views.preview_user`: only after the second factor). A progress note is public from its date on, on a published measure.

Languages: `Translatable` reads plain fields `<name>_<language>` (`title_en`), German being
the fallback. Plain fields rather than django-modeltranslation: the search vectors are
generated columns over the German fields, simple-history records the fields as they are,
managers and lookups stay untouched and migrations stay auto-generated. Another language
needs a `LANGUAGES` entry, its `<name>_<code>` fields and `locale/<code>/`.

Search: `ContentItem.search_vector` is a generated column (`german` configuration; title A,
summary B, text C) with a GIN index, beside a trigram index on the title (`strategy.search`).
History: every content model keeps its history (django-simple-history; a project's links to
measures too), the search vector excluded.

Rooms: `publication` (the condition, `Publishable`, `Translatable`), `pages` (pages,
sections, tasks), `content` (the strategy content), `seed` (what the content seed wrote), `town` (the town that runs the site),
`sign_language` (the videos in Gebärdensprache).
"""

from strategy.models.content import (
    ActionField,
    BestPractice,
    ContentItem,
    Event,
    EventQuerySet,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    MeasureUpdateQuerySet,
    Network,
    NetworkKind,
    NewsPost,
    Project,
    ProjectStatus,
    ReviewStatus,
    content_history,
    content_indexes,
    search_vector,
)
from strategy.models.pages import (
    Page,
    Section,
    Task,
)
from strategy.models.publication import (
    ENGLISH_HELP,
    PublicationState,
    PublicationStatus,
    Publishable,
    PublishableQuerySet,
    Translatable,
    can_preview,
    easy_language_field,
    publication_q,
)
from strategy.models.seed import (
    SeedRecord,
)
from strategy.models.sign_language import (
    SignLanguageTopic,
    SignLanguageVideo,
)
from strategy.models.town import (
    TownProfile,
)

__all__ = [
    "ENGLISH_HELP",
    "ActionField",
    "BestPractice",
    "ContentItem",
    "Event",
    "EventQuerySet",
    "Measure",
    "MeasureStatus",
    "MeasureUpdate",
    "MeasureUpdateQuerySet",
    "Network",
    "NetworkKind",
    "NewsPost",
    "Page",
    "Project",
    "ProjectStatus",
    "PublicationState",
    "PublicationStatus",
    "Publishable",
    "PublishableQuerySet",
    "ReviewStatus",
    "Section",
    "SeedRecord",
    "SignLanguageTopic",
    "SignLanguageVideo",
    "Task",
    "TownProfile",
    "Translatable",
    "can_preview",
    "content_history",
    "content_indexes",
    "easy_language_field",
    "publication_q",
    "search_vector",
]
