"""List commands' --format table|json|csv, ids never cut, and progress displays only for a person at a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from monitor.access.users import create_user
from monitor.cli import app, output
from monitor.cli.common import state
from monitor.db.schema import Account
from monitor.db.session import session_scope
from tests.conftest import REPO
from tests.declared import add_declared

runner = CliRunner()
LONG_HANDLE = "pegawai.dengan.nama.akun.yang.sangat.panjang.sekali.bsky.social"
LONG_USER = "reviewer.inspektorat.kabupaten.sukamaju.bagian.tiga"
NIP = "199001152015032002"


def run(*args: str, columns: int = 40) -> tuple[int, str]:
    """Standard output of ``netra ARGS`` on a narrow console (40 columns)."""
    result = runner.invoke(app, list(args), env={**os.environ, "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.exit_code, result.stdout


@pytest.fixture
def stored(sqlite_db: str) -> str:
    add_declared(sqlite_db, "bluesky", LONG_HANDLE, nip=NIP, agency="dinkes-sukamaju", name="Rina Pratiwi")
    assert runner.invoke(app, ["profile", "load", str(REPO / "monitor/demo/data/pilkada-2029-sukamaju.yaml")]
                         ).exit_code == 0
    with session_scope() as session:
        create_user(session, LONG_USER, "sandi-panjang-sekali", "reviewer", scope_codes=["dinkes-sukamaju"])
    return sqlite_db


def _json(*args: str) -> list[dict[str, Any]]:
    return json.loads(run(*args, "--format", "json")[1])


def _csv(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(run(*args, "--format", "csv")[1])))


def test_registry_list_formats(stored: str) -> None:
    with session_scope() as session:
        account_id = session.scalar(select(Account.id).where(Account.handle == LONG_HANDLE))
    [record] = _json("registry", "list")
    assert record == {"nip": NIP, "name": "Rina Pratiwi", "agency": "dinkes-sukamaju", "unit": None,
                      "position": None, "status": "PNS", "account_id": account_id, "platform": "bluesky",
                      "handle": LONG_HANDLE, "external_id": None, "state": "active"}
    [row] = _csv("registry", "list")
    assert row["handle"] == LONG_HANDLE and row["nip"] == NIP and row["account_id"] == str(account_id)
    assert row["unit"] == "" and list(row) == list(record)
    table = run("registry", "list")[1]
    # A table printed to a pipe is as wide as its content: the ids come out whole, on one line.
    assert LONG_HANDLE in table and NIP in table and "…" not in table
    assert "1 people, 1 accounts" in table


def test_profile_list_formats(stored: str) -> None:
    [record] = _json("profile", "list")
    assert record["id"] == "pilkada-2029-sukamaju" and record["watched_accounts"] == 7
    assert record["campaign_start"] == "2029-09-25" and record["active"] is True
    [row] = _csv("profile", "list")
    assert row["id"] == "pilkada-2029-sukamaju" and row["active"] == "true" and row["voting_day"] == "2029-11-28"
    assert "2029-09-25 – 2029-11-24" in run("profile", "list")[1]


def test_user_list_formats(stored: str) -> None:
    [record] = _json("user", "list")
    assert record == {"username": LONG_USER, "name": None, "role": "reviewer", "agency": None,
                      "scope": ["dinkes-sukamaju"], "state": "active"}
    [row] = _csv("user", "list")
    assert row["username"] == LONG_USER and row["scope"] == "dinkes-sukamaju"
    assert LONG_USER in run("user", "list")[1]


def test_jobs_list_formats(stored: str) -> None:
    assert runner.invoke(app, ["jobs", "sync"]).exit_code == 0
    records = _json("jobs", "list")
    ids = {r["id"] for r in records}
    assert "classify" in ids and any(i.startswith("crawl:account:") for i in ids)
    classify = next(r for r in records if r["id"] == "classify")
    assert classify["function"] == "monitor.ops.jobs:classify_new"
    assert classify["next_run"].endswith("+07:00")  # ISO 8601 with its offset (WIB)
    rows = _csv("jobs", "list")
    assert {r["id"] for r in rows} == ids and list(rows[0]) == ["id", "name", "trigger", "next_run", "function"]
    table = run("jobs", "list")[1]
    assert all(i in table for i in ids) and f"{len(ids)} jobs" in table


def test_format_is_checked(stored: str) -> None:
    result = runner.invoke(app, ["user", "list", "--format", "xml"])
    assert result.exit_code == 2


def _column(rendered: str, index: int) -> str:
    """The text of one table column, its folded lines joined."""
    cells = [line.split("│")[index + 1].strip() for line in rendered.splitlines() if line.startswith("│")]
    return "".join(cells)


def test_a_narrow_terminal_folds_ids_instead_of_cutting_them(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=buffer, width=40, force_terminal=True, color_system=None))
    columns = (output.Column("handle", ident=True), output.Column("name"), output.Column("note"))
    records = [{"handle": LONG_HANDLE, "name": "Rina Pratiwi", "note": "catatan yang cukup panjang " * 3}]
    output.show_records(records, columns, output.Format.table)
    rendered = buffer.getvalue()
    assert max(len(line) for line in rendered.splitlines()) <= 40
    assert _column(rendered, 0).replace(" ", "") == LONG_HANDLE


def _progress_output(monkeypatch: pytest.MonkeyPatch, *, terminal: bool, quiet: bool) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr(output, "err_console", Console(file=buffer, force_terminal=terminal, width=80))
    monkeypatch.setattr(state, "quiet", quiet)
    with output.progress("classifying", 3, unit="lines") as bar:
        for _ in range(3):
            bar.advance()
    return buffer.getvalue()


def test_progress_only_on_a_terminal_and_not_when_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "classifying" in _progress_output(monkeypatch, terminal=True, quiet=False)
    assert _progress_output(monkeypatch, terminal=True, quiet=True) == ""
    assert _progress_output(monkeypatch, terminal=False, quiet=False) == ""
