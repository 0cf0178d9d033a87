"""No line of code or template names the town: every name of it comes from the town profile.

The same files `grep -rnw Verl` reads: Python, templates, text, styles, scripts, TOML, YAML,
Dockerfiles and Makefiles, outside tests, migrations, translations, docs and the benchmark.
Product identifiers such as `verl_digital` or `verl-digital` are one word with the rest and
do not count, as for grep's `-w`.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOWN = re.compile(r"(?<![\w])Verl(?![\w])")
SUFFIXES = {".py", ".html", ".txt", ".css", ".js", ".toml", ".yaml", ".yml"}
NAMES = {"Dockerfile", "Makefile"}
EXCLUDED_DIRS = {
    "tests",
    "migrations",
    "locale",
    "docs",
    "bench",
    "node_modules",
    "staticfiles",
    "media",
    "backups",
}
# What tools keep beside the code: a virtualenv, caches, the embedded database.
HIDDEN_DIRS = {".git", ".venv", ".data", ".ruff_cache", ".hypothesis", ".import_linter_cache"}
# Content packs are data: a town's pack names its town.
EXCLUDED_PACKS = "strategy/content_packs/"


def scanned_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if any(
            part in EXCLUDED_DIRS or part in HIDDEN_DIRS or part.endswith(".egg-info")
            for part in relative.parts[:-1]
        ):
            continue
        if not path.is_file() or relative.as_posix().startswith(EXCLUDED_PACKS):
            continue
        if path.suffix in SUFFIXES or path.name in NAMES or path.name.startswith("Dockerfile"):
            files.append(path)
    return files


def test_the_scan_reads_code_and_templates():
    names = {path.relative_to(ROOT).as_posix() for path in scanned_files()}
    assert {"templates/base.html", "strategy/town.py", "compose.yaml", "Makefile"} <= names
    assert ".ci/audit.py" in names
    assert not any(name.startswith(("tests/", "docs/", ".venv/")) for name in names)


def test_no_line_of_code_or_template_names_the_town():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in scanned_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if TOWN.search(line)
    ]
    assert not found, "the town is named in code; read it from the town profile:\n" + "\n".join(
        found
    )
