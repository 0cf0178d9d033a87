"""The admin in German where Django and the libraries leave English.

- Permissions: Django stores their names in English when it creates them ("Can add log
  entry"); the group and user forms show them as "Kann Logeintrag hinzufügen" instead,
  built from the model's (German) verbose name.
- Task results (django-tasks-db): the columns its admin names without marking them.
- Yes/no icons: Django gives them the alt text "True", "False" or "None", which screen
  readers read out; here they say "ja", "nein" and "unbekannt".
- The site's header and title name the town from its profile, read per request (the
  profile can change while the process runs).
- The app list (start page and navigation): *Rückmeldungen* first, where the daily work is;
  the start page shows "Was braucht meine Aufmerksamkeit?" above it
  (`templates/admin/index.html`, `feedback.attention`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from strategy.town import town_profile

PERMISSION_ACTIONS = {
    "add": _("Kann %(model)s hinzufügen"),
    "change": _("Kann %(model)s ändern"),
    "delete": _("Kann %(model)s löschen"),
    "view": _("Kann %(model)s ansehen"),
}


def permission_label(permission: Permission) -> str:
    """ "Rückmeldungen | Kommentar | Kann Kommentar ändern": app, model, what it allows.
    Permissions a model declares itself are named in German already."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    name = permission.name
    if model is not None and action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    return f"{permission.content_type} | {name}"


class GermanPermissionsMixin:
    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


class GermanGroupAdmin(GermanPermissionsMixin, GroupAdmin):
    pass


class GermanUserAdmin(GermanPermissionsMixin, UserAdmin):
    pass


class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    @admin.display(description=_("Aufgabe"))
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_name

    @admin.display(description=_("Fehlerverlauf"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        return super().formatted_traceback(obj)

    @admin.display(description=_("ausführen ab"))
    def display_run_after(self, obj: DBTaskResult) -> Any:
        return super().display_run_after(obj)


def boolean_icon(field_val: bool | None) -> SafeString:
    """Django's yes/no/unknown icon with a German alt text."""
    icon, text = {
        True: ("yes", gettext("ja")),
        False: ("no", gettext("nein")),
        None: ("unknown", gettext("unbekannt")),
    }[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


def feedback_first(get_app_list: Callable[..., list[dict]]) -> Callable[..., list[dict]]:
    """`AdminSite.get_app_list` with the feedback app first, the others as Django sorts them."""

    def app_list(request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] != "feedback")

    return app_list


def town_titles(each_context: Callable[[HttpRequest], dict]) -> Callable[[HttpRequest], dict]:
    """`AdminSite.each_context` with the header and the browser title naming the town."""

    def context(request: HttpRequest) -> dict:
        values = each_context(request)
        name = town_profile().name
        if name:
            values["site_header"] = gettext("%(town)s – Digitalisierung – Verwaltung") % {
                "town": name
            }
            values["site_title"] = gettext("%(town)s – Digitalisierung") % {"town": name}
        return values

    return context


# Django's list, form and detail views import the icon function at each call.
admin_list._boolean_icon = boolean_icon

for model, model_admin in ((Group, GermanGroupAdmin), (User, GermanUserAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
admin.site.get_app_list = feedback_first(admin.site.get_app_list)
admin.site.each_context = town_titles(admin.site.each_context)
