import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "verl_digital.settings.prod",
    "SECRET_KEY": "p7#k2@x!m9qv$w3z8r&t5y^u1i*o0p(a)s-d_f+g=h[j]k{l}zx.cv,bn/mq",
    "ALLOWED_HOSTS": "digital.verl.de",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean production environment: nothing the test process itself set up leaks in.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": "django-insecure-" + "x" * 50})
    assert result.returncode != 0


def test_check_deploy_passes_with_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.LANGUAGE_CODE == "de"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
