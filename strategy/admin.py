from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from strategy.history import ReadableHistory
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
    PublicationState,
    Section,
    SeedRecord,
    SignLanguageVideo,
    Task,
)
from strategy.services import content_changed, measure_set_status, measure_status_check


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled (published with a future date) or live – what citizens actually see."""

    title = _("Sichtbarkeit")
    parameter_name = "sichtbarkeit"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(PublicationState.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value in PublicationState.values:
            return queryset.in_state(value)
        return queryset


def english_fieldset(fields: list[str]) -> tuple:
    """The English variants, folded away: most editors write German only."""
    return (
        _("Englisch"),
        {
            "classes": ["collapse"],
            "fields": fields,
            "description": _("Erscheinen unter /en/. Leere Felder zeigen dort den deutschen Text."),
        },
    )


def easy_language_fieldset() -> tuple:
    return (_("Leichte Sprache"), {"classes": ["collapse"], "fields": ["easy_language"]})


class ContentChangeAdmin(SimpleHistoryAdmin):
    """Every save and delete (forms, inlines, list edits, bulk delete, history reverts) makes
    the cached public pages stale (`strategy.services.content_changed`). The history lists
    each change readably (`strategy.history`)."""

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> ReadableHistory:
        return ReadableHistory(self.model, historical_record)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        content_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        content_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        content_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        content_changed()


class PublishableAdmin(ContentChangeAdmin):
    """Admin of anything publishable. The history view (simple-history) lists who changed
    what and when, with each change's old and new values, and reverts to any version.

    Fieldsets: the German text, its English variants (collapsed), the type's own fields,
    then publication."""

    list_display = ["title", "state", "publish_at", "position", "updated_at"]
    list_filter = [PublicationStateFilter, "status", "publish_at"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    save_on_top = True
    text_fields = ["title", "slug", "body"]
    english_fields = ["title_en", "body_en"]
    type_fields: list[str] = []
    publication_fields = ["status", "publish_at", "position"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets: list = [
            (None, {"fields": self.text_fields}),
            english_fieldset(self.english_fields),
        ]
        if hasattr(self.model, "easy_language"):
            fieldsets.append(easy_language_fieldset())
        if self.type_fields:
            fieldsets.append((self.model._meta.verbose_name, {"fields": self.type_fields}))
        fieldsets.append((_("Veröffentlichung"), {"fields": self.publication_fields}))
        return fieldsets

    @admin.display(description=_("Sichtbarkeit"))
    def state(self, obj: Any) -> str:
        return obj.publication_state.label


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "body",
                    "includes_task_list",
                    "status",
                    "publish_at",
                    "position",
                ]
            },
        ),
        english_fieldset(["title_en", "body_en"]),
    ]


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ["title", "slug", "state", "publish_at", "position", "updated_at"]
    search_fields = ["title", "intro", "body", "sections__title", "sections__body"]
    text_fields = ["title", "slug", "intro", "body"]
    english_fields = ["title_en", "intro_en", "body_en"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(PublishableAdmin):
    list_display = ["title", "page", "state", "publish_at", "position", "updated_at"]
    list_filter = ["page", PublicationStateFilter, "publish_at"]
    list_select_related = ["page"]
    autocomplete_fields = ["page"]
    type_fields = ["page", "includes_task_list"]


@admin.register(Task)
class TaskAdmin(PublishableAdmin):
    pass


class ContentItemAdmin(PublishableAdmin):
    """Strategy content: the fields of the type come between the text and publication."""

    list_filter = [PublicationStateFilter, "is_demo", "publish_at"]
    search_fields = ["title", "summary", "body"]
    text_fields = ["title", "slug", "summary", "body"]
    english_fields = ["title_en", "summary_en", "body_en"]
    publication_fields = [*PublishableAdmin.publication_fields, "is_demo"]
    # Links typed without a scheme ("www.paderborn.de") become https:// links.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MeasureInline(admin.TabularInline):
    """The measures of an action field at a glance; they are edited on their own page."""

    model = Measure
    extra = 0
    fields = ["title", "progress", "department", "target_date", "status", "position"]
    readonly_fields = ["title", "progress", "department", "target_date", "status"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ActionField)
class ActionFieldAdmin(ContentItemAdmin):
    list_display = ["title", "measure_count", "state", "publish_at", "position", "is_demo"]
    inlines = [MeasureInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(measure_count=Count("measures"))

    @admin.display(description=_("Maßnahmen"), ordering="measure_count")
    def measure_count(self, obj: ActionField) -> int:
        return obj.measure_count


class MeasureUpdateInline(admin.StackedInline):
    model = MeasureUpdate
    extra = 1
    fieldsets = [(None, {"fields": ["date", "text"]}), english_fieldset(["text_en"])]


class MeasureAdminForm(forms.ModelForm):
    def clean_progress(self) -> str:
        progress = self.cleaned_data["progress"]
        if self.instance.pk and progress != self.instance.progress:
            measure_status_check(measure=self.instance, status=progress)
        return progress


@admin.register(Measure)
class MeasureAdmin(ContentItemAdmin):
    form = MeasureAdminForm
    list_display = [
        "title",
        "action_field",
        "progress",
        "department",
        "target_date",
        "state",
        "position",
    ]
    list_filter = [
        "progress",
        "action_field",
        PublicationStateFilter,
        "is_demo",
        "target_date",
    ]
    list_select_related = ["action_field"]
    search_fields = ["title", "summary", "body", "department"]
    autocomplete_fields = ["action_field"]
    type_fields = ["action_field", "progress", "department", "target_date"]
    inlines = [MeasureUpdateInline]

    def save_model(self, request: HttpRequest, obj: Measure, form: Any, change: bool) -> None:
        """A new state of implementation goes through `measure_set_status`, which tells the
        citizens who asked; every other field is saved as usual."""
        new_status = obj.progress
        stored = (
            Measure.objects.filter(pk=obj.pk).values_list("progress", flat=True).first()
            if change
            else None
        )
        if stored is None or stored == new_status:
            super().save_model(request, obj, form, change)
            return
        obj.progress = stored
        if set(form.changed_data) != {"progress"}:
            super().save_model(request, obj, form, change)
        try:
            measure_set_status(measure=obj, status=new_status, changed_by=request.user)
        except ValidationError as error:
            # Someone else changed the status meanwhile; the form checked everything else.
            messages.error(request, " ".join(error.messages))
        else:
            obj.progress = new_status


@admin.register(MeasureUpdate)
class MeasureUpdateAdmin(ContentChangeAdmin):
    list_display = ["measure", "date", "updated_at"]
    list_filter = ["date"]
    list_select_related = ["measure"]
    search_fields = ["text", "measure__title"]
    autocomplete_fields = ["measure"]
    date_hierarchy = "date"
    fieldsets = [(None, {"fields": ["measure", "date", "text"]}), english_fieldset(["text_en"])]


@admin.register(Project)
class ProjectAdmin(ContentItemAdmin):
    list_display = ["title", "progress", "is_smart_city", "state", "publish_at", "position"]
    list_filter = ["progress", "is_smart_city", PublicationStateFilter, "is_demo"]
    search_fields = ["title", "summary", "body", "partners"]
    autocomplete_fields = ["measures"]
    type_fields = ["progress", "is_smart_city", "partners", "measures"]


@admin.register(BestPractice)
class BestPracticeAdmin(ContentItemAdmin):
    list_display = ["title", "town", "review", "state", "publish_at", "position"]
    list_filter = ["review", PublicationStateFilter, "is_demo"]
    search_fields = ["title", "town", "summary", "body", "assessment"]
    english_fields = [*ContentItemAdmin.english_fields, "assessment_en"]
    type_fields = ["town", "url", "assessment", "review"]


@admin.register(Event)
class EventAdmin(ContentItemAdmin):
    list_display = ["title", "starts_at", "ends_at", "location", "state"]
    list_editable: list[str] = []
    list_filter = [PublicationStateFilter, "is_demo", "starts_at"]
    search_fields = ["title", "summary", "body", "location"]
    date_hierarchy = "starts_at"
    english_fields = [*ContentItemAdmin.english_fields, "registration_en"]
    type_fields = ["starts_at", "ends_at", "location", "online_url", "registration"]


@admin.register(NewsPost)
class NewsPostAdmin(ContentItemAdmin):
    list_display = ["title", "publish_at", "state", "is_demo"]
    list_editable: list[str] = []


@admin.register(Network)
class NetworkAdmin(ContentItemAdmin):
    list_display = ["title", "kind", "state", "position"]
    list_filter = ["kind", PublicationStateFilter, "is_demo"]
    type_fields = ["kind", "url"]


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(PublishableAdmin):
    """Videos in Gebärdensprache: file types are checked by content (`strategy.uploads`)."""

    list_display = ["title", "topic", "state", "publish_at", "position"]
    list_filter = ["topic", PublicationStateFilter]
    date_hierarchy = None
    type_fields = ["topic", "video", "captions", "poster"]


@admin.register(SeedRecord)
class SeedRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "content_type", "object_id", "loaded_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "content_type", "object_id", "checksum", "loaded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# The town profile has its own module; importing it registers it.
from strategy import town_admin  # noqa: E402, F401
