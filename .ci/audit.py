"""Audit the pinned dependencies (constraints.txt) for known vulnerabilities with pip-audit.

    make audit          # or: .venv/bin/python .ci/audit.py

Exit status: 0 when no known vulnerability is found (or only ones listed in
.ci/audit-exceptions.txt, each with its reason), 1 when one is found. pip-audit reports
packages it could not look up as "skipped" and still says "No known vulnerabilities
found" — which, when the vulnerability service is unreachable, would pretend a success. So:
when no package at all could be audited, this prints AUDIT SKIPPED in capitals and exits 0,
or 2 with AUDIT_REQUIRED=1 (for a CI machine that does have internet access); when only
some were skipped, it names them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXCEPTIONS = ROOT / ".ci" / "audit-exceptions.txt"


def exceptions() -> dict[str, str]:
    """Vulnerability IDs we accept, each with the reason written beside it."""
    accepted = {}
    if EXCEPTIONS.exists():
        for line in EXCEPTIONS.read_text().splitlines():
            match = re.match(r"^\s*([A-Za-z0-9_.:-]+)\s+#\s*(.+)$", line)
            if match:
                accepted[match.group(1)] = match.group(2).strip()
    return accepted


def pinned() -> int:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return sum(1 for line in lines if "==" in line and not line.lstrip().startswith("#"))


def audit(service: str, ignored: dict[str, str]) -> dict:
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--requirement",
        str(ROOT / "constraints.txt"),
        "--no-deps",  # constraints.txt pins every package, dependencies included
        "--disable-pip",
        "--vulnerability-service",
        service,
        "--format",
        "json",
        "--progress-spinner",
        "off",
        *(arg for vuln in ignored for arg in ("--ignore-vuln", vuln)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        return {"dependencies": [], "error": result.stderr.strip().splitlines()[-1:]}


def main() -> int:
    ignored = exceptions()
    for service in ("pypi", "osv"):
        report = audit(service, ignored)
        dependencies = report.get("dependencies", [])
        audited = [d for d in dependencies if "skip_reason" not in d]
        if audited:
            break
        print(f"pip-audit ({service}): no package could be audited", file=sys.stderr)
    else:
        print(
            "AUDIT SKIPPED: no vulnerability service (PyPI JSON API, OSV) answered for any of "
            f"the {pinned()} packages pinned in constraints.txt. Nothing was audited; run "
            "`make audit` on a machine with internet access."
        )
        return 2 if os.environ.get("AUDIT_REQUIRED") == "1" else 0

    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    print(f"pip-audit ({service}): {len(audited)} packages audited against constraints.txt")
    for dependency in skipped:
        print(f"  not audited: {dependency['name']} ({dependency['skip_reason']})")
    for accepted, reason in ignored.items():
        print(f"  accepted: {accepted} — {reason}")
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(
                f"  VULNERABLE: {dependency['name']} {dependency['version']}: {vuln['id']} ({fixed})"
            )
    if vulnerable:
        return 1
    print("no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
