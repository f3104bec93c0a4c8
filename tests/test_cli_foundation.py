"""The CLI as an operator uses it: help, migrations, registry and profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monitor.cli import app
from tests.conftest import REPO

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={**os.environ, "COLUMNS": "200"})
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_help_lists_commands() -> None:
    code, out = run("--help")
    assert code == 0
    for group in ("db", "registry", "profile"):
        assert group in out


COMMANDS = [
    ["db"], ["registry"], ["registry", "import"], ["profile"], ["crawl"], ["import"], ["import", "x-archive"],
    ["export"], ["classify"], ["evaluate"], ["train"], ["model"], ["evaluate-gestures"], ["data"], ["web"],
    ["user"], ["serve"], ["jobs"], ["report"], ["audit"], ["demo"], ["crawler"], ["classifier-worker"],
    ["crawl", "enqueue"], ["runs"], ["runs", "list"], ["runs", "show"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    code, out = run(*command, "--help")
    assert code == 0 and "Usage" in out, out
    # A one-line summary beyond the usage line.
    assert len([line for line in out.splitlines() if line.strip()]) > 3


def test_commands_refuse_unmigrated_database(netra_home: Path) -> None:
    code, out = run("registry", "list")
    assert code == 1 and "netra db upgrade" in out


def test_registry_flow_via_cli(netra_home: Path, tmp_path: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    assert (netra_home / "netra.db").exists()
    code, out = run("registry", "import", str(REPO / "monitor" / "demo" / "data" / "registry.csv"))
    assert code == 0, out
    assert "employees +50" in out
    code, out = run("registry", "import", str(REPO / "monitor" / "demo" / "data" / "registry.csv"))
    assert code == 0 and "employees +0 ~0" in out and "unchanged rows 82" in out
    code, out = run("registry", "list", "--search", "Rina Pratiwi")
    assert code == 0 and "rinapratiwi.bsky.social" in out

    bad = tmp_path / "bad.csv"
    bad.write_text("nip,nama,instansi,platform,akun\n123,Siapa,Dinas,x,siapa\n", encoding="utf-8")
    code, out = run("registry", "import", str(bad))
    assert code == 1
    assert f"{bad}:2: invalid NIP" in out and "nothing was written" in out


def test_profile_load_via_cli(netra_home: Path) -> None:
    run("db", "upgrade")
    code, out = run("profile", "load", str(REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"))
    assert code == 0 and "watched accounts 7 (+7)" in out
    code, out = run("profile", "list")
    assert code == 0 and "pilkada-2029-sukamaju" in out
    code, out = run("profile", "load", str(REPO / "monitor" / "demo" / "data" / "missing.yaml"))
    assert code == 1 and "file not found" in out


def test_database_url_option(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    code, out = run("--database-url", url, "db", "upgrade")
    assert code == 0 and "elsewhere.db" in out


def test_messages_are_not_folded_into_a_pipe(tmp_path: Path) -> None:
    """A path longer than any console width stays on one line, so it can be copied from a log whole."""
    deep = tmp_path / ("arsip-" + "x" * 120)
    deep.mkdir()
    url = f"sqlite:///{deep / 'netra.db'}"
    result = runner.invoke(app, ["--database-url", url, "db", "upgrade"], env={**os.environ, "COLUMNS": "40"})
    assert result.exit_code == 0
    assert url in result.output
