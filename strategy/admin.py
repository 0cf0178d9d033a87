from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from strategy.models import Page, Section, SeedRecord, Task


class PublishableAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "publish_at", "position", "updated_at"]
    list_filter = ["status", "publish_at"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    save_on_top = True


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "body", "includes_task_list", "status", "publish_at", "position"]


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ["title", "slug", "status", "publish_at", "position", "updated_at"]
    search_fields = ["title", "intro", "body", "sections__title", "sections__body"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "intro", "body"]}),
        (_("Veröffentlichung"), {"fields": ["status", "publish_at", "position"]}),
    ]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(PublishableAdmin):
    list_display = ["title", "page", "status", "publish_at", "position", "updated_at"]
    list_filter = ["page", "status", "publish_at"]
    list_select_related = ["page"]
    autocomplete_fields = ["page"]


@admin.register(Task)
class TaskAdmin(PublishableAdmin):
    pass


@admin.register(SeedRecord)
class SeedRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "content_type", "object_id", "loaded_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "content_type", "object_id", "checksum", "loaded_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False
