"""German names for the third-party apps the staff see in the admin.

The admin shows each app's `verbose_name`, each model's verbose names and each field's
label. Where a library marks them for translation but ships no German (django-tasks-db's
fields, some of Django's and simple-history's newer strings), the German is in
`locale/de/LC_MESSAGES/django.po` (LOCALE_PATHS come before the apps' catalogues; see
docs/DEVELOPMENT.md, "Translating"). Where a library does not mark them at all (the app
names below, allauth's `Authenticator` model and its fields), the app's config here names
them: INSTALLED_APPS lists these classes instead of the libraries' own.

Only display names change: Django keeps a field's original `verbose_name` for migrations
(`Field._verbose_name`) and a model's original Meta (`Options.original_attrs`), so
`makemigrations` sees nothing new in the libraries' apps.
"""

from __future__ import annotations

from allauth.mfa.apps import MFAConfig as AllauthMFAConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class MFAConfig(AllauthMFAConfig):
    verbose_name = _("Zwei-Faktor-Anmeldung")

    def ready(self) -> None:
        super().ready()
        authenticator = self.get_model("Authenticator")
        authenticator._meta.verbose_name = _("Anmeldefaktor")
        authenticator._meta.verbose_name_plural = _("Anmeldefaktoren")
        labels = {
            "user": _("Konto"),
            "type": _("Art"),
            "data": _("Daten"),
            "created_at": _("eingerichtet am"),
            "last_used_at": _("zuletzt benutzt am"),
        }
        for name, label in labels.items():
            authenticator._meta.get_field(name).verbose_name = label


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Hintergrundaufgaben")
