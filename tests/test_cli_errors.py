"""Errors of the real ``netra`` entry point: one line saying what is wrong and what to do, no traceback.

Each case runs ``python -m monitor`` (or the installed ``netra`` script) in a subprocess, so the
wrapper in ``monitor.cli.main`` is what is tested; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from monitor.cli import errors
from monitor.cli.common import state
from tests.conftest import REPO

NETRA_SCRIPT = Path(sys.executable).with_name("netra")


def netra(*args: str, env: dict[str, str] | None = None, home: Path,
          command: tuple[str, ...] = (sys.executable, "-m", "monitor")) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NETRA_DATABASE_URL", "COLUMNS")}
    environ.update({"NETRA_HOME": str(home), **(env or {})})
    return subprocess.run([*command, *args], cwd=REPO, env=environ, capture_output=True, text=True, timeout=120)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The single line on stderr, after checking the run failed without a traceback."""
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


# (arguments, extra environment, words the message must hold)
CASES = {
    "unknown database scheme": (["--database-url", "nonsense://x", "db", "current"], {},
                                ["database URL 'nonsense://x' is not usable", "--database-url"]),
    "unparseable database URL": (["--database-url", "not a url", "db", "current"], {},
                                 ["database URL 'not a url' is not usable", "postgresql+psycopg://"]),
    "PostgreSQL down": (["--database-url", "postgresql+psycopg://postgres@127.0.0.1:1/test", "db", "current"], {},
                        ["cannot connect to the database postgresql+psycopg://postgres@127.0.0.1:1/test",
                         "Connection refused", "check that the server is running"]),
    "unknown database host": (["--database-url", "postgresql+psycopg://postgres:secret@db.invalid/netra", "db",
                               "current"], {},
                              ["cannot connect to the database postgresql+psycopg://postgres:***@db.invalid/netra",
                               "db.invalid"]),
    "driver not installed": (["--database-url", "mysql://netra@127.0.0.1/netra", "db", "current"], {},
                             ["driver for database mysql://netra@127.0.0.1/netra is not installed", "MySQLdb"]),
    "bad NETRA_ value": (["db", "current"], {"NETRA_SESSION_MAX_AGE_S": "abc"},
                         ["NETRA_SESSION_MAX_AGE_S='abc'", "valid integer", "correct or unset it"]),
    "unknown revision": (["db", "upgrade", "no_such_revision"], {},
                         ["Can't locate revision identified by 'no_such_revision'", "netra db current"]),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_error_is_one_line_and_debug_shows_the_traceback(case: str, tmp_path: Path) -> None:
    args, env, words = CASES[case]
    line = one_error_line(netra(*args, env=env, home=tmp_path / "home"))
    for word in words:
        assert word in line, line
    assert "secret" not in line  # a password in the URL is never printed

    debug = netra("--debug", *args, env=env, home=tmp_path / "home")
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):"), debug.stderr
    assert debug.stderr.splitlines()[-1] == line  # the same message closes the traceback


def test_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    proc = netra("web", "--port", "99999", home=tmp_path / "home")
    line = one_error_line(proc)
    assert proc.returncode == 2
    assert "'--port'" in line and "65535" in line and " web --help`" in line
    for command in (["serve"], ["demo", "--no-serve"]):
        assert netra(*command, "--port", "0", home=tmp_path / "home").returncode == 2


def test_installed_script_reports_the_same_way(tmp_path: Path) -> None:
    if not NETRA_SCRIPT.exists():
        pytest.skip(f"no installed netra script beside {sys.executable}")
    line = one_error_line(netra("--database-url", "nonsense://x", "db", "current", home=tmp_path / "home",
                                command=(str(NETRA_SCRIPT),)))
    assert "database URL 'nonsense://x' is not usable" in line


def test_python_dash_m_monitor_runs_the_cli(tmp_path: Path) -> None:
    proc = netra("db", "current", home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("current: none  head: ")


def _raising_app(exc: BaseException) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _options(debug: bool = typer.Option(False, "--debug")) -> None:
        state.debug = debug

    @app.command()
    def boom() -> None:
        raise exc

    return app


def test_unexpected_error_names_its_type_and_points_to_debug(capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state, "debug", False)  # restored after the test, whatever --debug set
    assert errors.run(_raising_app(RuntimeError("the index is\ncorrupt")), ["boom"]) == 1
    err = capsys.readouterr().err
    assert err == "error: RuntimeError: the index is corrupt (run with --debug for the traceback)\n"

    assert errors.run(_raising_app(RuntimeError("the index is corrupt")), ["--debug", "boom"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and "raise exc" in err
    assert err.splitlines()[-1] == "error: RuntimeError: the index is corrupt"


def test_netras_own_errors_print_their_message(capsys: pytest.CaptureFixture[str]) -> None:
    from spiders.runner import CrawlError

    assert errors.run(_raising_app(CrawlError("not a declared account: x (add it first)")), ["boom"]) == 1
    assert capsys.readouterr().err == "error: not a declared account: x (add it first)\n"


def test_a_file_problem_names_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    assert errors.run(_raising_app(FileNotFoundError(2, "No such file or directory", str(missing))), ["boom"]) == 1
    assert capsys.readouterr().err == f"error: {missing}: No such file or directory\n"


def test_exit_codes_pass_through(capsys: pytest.CaptureFixture[str]) -> None:
    app = typer.Typer()

    @app.command()
    def done(code: int = 0) -> None:
        raise typer.Exit(code)

    assert errors.run(app, ["--code", "3"]) == 3
    assert errors.run(app, []) == 0
