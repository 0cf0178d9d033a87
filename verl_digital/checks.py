"""System checks that stop a misconfigured site before it serves anybody.

They are deployment checks: gunicorn runs them when it starts (verl_digital/gunicorn_conf.py),
so an error here keeps the site from serving at all instead of answering each request with a
500, while management commands (migrate, create_admin) still run before collectstatic.
"""

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Error, register
from django.core.files.storage import storages


@register(deploy=True)
def static_files_collected(**kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off every page links its stylesheet through the manifest of collected
    static files; without the manifest each of those pages would fail."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.read_manifest() is None:
        return [
            Error(
                f"The static files have not been collected into {settings.STATIC_ROOT}.",
                hint="Run `python manage.py collectstatic --noinput` before starting the site.",
                id="verl_digital.E001",
            )
        ]
    return []
