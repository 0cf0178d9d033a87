"""`make test` on a fresh machine: the Debian packages the suite drives are named (or, as
root, installed) before pytest starts, instead of failing tests one by one."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "system-packages.sh"
AS_NOBODY = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.mark.skipif(os.geteuid() != 0, reason="switches to another user, which needs root")
def test_without_root_the_missing_packages_and_the_command_are_named():
    result = subprocess.run(  # noqa: S603
        [*AS_NOBODY, "/bin/bash", str(SCRIPT)],
        env={"PATH": "/nonexistent"},  # a machine without the packages
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium" in lines[0]
    assert "redis-server" in lines[0]
    assert "apt-get install" in lines[0]


def test_with_everything_installed_it_says_nothing():
    result = subprocess.run(  # noqa: S603
        ["/bin/bash", str(SCRIPT)], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout == result.stderr == ""
