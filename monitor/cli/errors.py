"""Every error of the ``netra`` command as one line that says what is wrong and what to do.

:func:`run` wraps the whole command line (``monitor.cli.main``): the
exceptions an operator can act on — a bad database URL, a database server
that does not answer, an invalid ``NETRA_*`` value, an unknown migration
revision, a file or port problem, Netra's own errors — get a tailored line;
anything else gets its type and message and a pointer to ``--debug``, which
prints the traceback as well.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from typing import Any

import typer
from rich.markup import escape

from monitor.cli.common import err_console, state

FIRST_PARTY = ("monitor", "spiders", "models", "reports")
DATABASE_OPTION = "--database-url or NETRA_DATABASE_URL"


def one_line(text: object) -> str:
    """``text`` with its line breaks and runs of spaces folded into single spaces."""
    return " ".join(str(text).split())


def _database_url() -> str:
    """The configured database URL with any password hidden (or a placeholder if the settings are broken)."""
    try:
        from sqlalchemy import make_url

        from monitor.config import get_settings

        url = get_settings().resolved_database_url
    except Exception:  # the settings themselves are the problem: name the variable instead
        return os.environ.get("NETRA_DATABASE_URL", "(the configured database)")
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even parseable: show it as given, it is what the operator must fix
        return url


def _env_name(field: str) -> str | None:
    """The ``NETRA_*`` variable that set ``field``, as spelled in the environment (names are case-insensitive)."""
    wanted = f"NETRA_{field}".upper()
    return next((name for name in os.environ if name.upper() == wanted), None)


def _config_file() -> str:
    from monitor import config

    locate = getattr(config, "_config_file", None)
    return str(locate()) if callable(locate) else "the config file (NETRA_CONFIG or $NETRA_HOME/netra.toml)"


def _settings_problem(exc: Any) -> str:
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error.get("loc") else ""
        env = _env_name(field) if field else None
        where = f"{env}={os.environ[env]!r}" if env else f"{field or 'a setting'} in {_config_file()}"
        parts.append(f"{where}: {error['msg']}")
    return f"invalid setting {'; '.join(parts)} — correct or unset it (`netra --help` and the README list the settings)"


def _validation_problem(exc: Any) -> str:
    if exc.title == "Settings":
        return _settings_problem(exc)
    details = "; ".join(
        f"{'.'.join(str(p) for p in error.get('loc', ())) or 'value'}: {error['msg']}" for error in exc.errors()
    )
    return f"invalid {exc.title}: {details}"


def _database_problem(exc: Any) -> str:
    url = _database_url()
    detail = one_line(getattr(exc, "orig", None) or exc)
    if exc.statement is None:  # raised while connecting: the server, the address or the credentials
        return (f"cannot connect to the database {url}: {detail} — check that the server is running and the URL "
                f"is right ({DATABASE_OPTION})")
    if "no such table" in detail or "does not exist" in detail:
        return f"database {url}: {detail} — run `netra db upgrade` to create or update the schema"
    return f"database {url}: {detail}"


def _raised_in(exc: BaseException, package: str) -> bool:
    tb = exc.__traceback__
    marker = f"{os.sep}{package}{os.sep}"
    while tb is not None:
        if marker in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


def describe(exc: BaseException) -> str | None:
    """The one-line message for an error an operator can fix, or None for an unexpected one."""
    import tomllib

    from alembic.script.revision import ResolutionError
    from alembic.util.exc import CommandError
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, DBAPIError

    if isinstance(exc, ValidationError):
        return _validation_problem(exc)
    if isinstance(exc, tomllib.TOMLDecodeError):
        return f"{_config_file()} is not valid TOML ({one_line(exc)}): correct it, or set NETRA_CONFIG to another file"
    if isinstance(exc, ArgumentError):
        return (f"database URL {_database_url()!r} is not usable ({one_line(exc)}): give one such as "
                f"postgresql+psycopg://user@host:5432/netra or sqlite:////path/netra.db ({DATABASE_OPTION})")
    if isinstance(exc, DBAPIError):
        return _database_problem(exc)
    if isinstance(exc, CommandError | ResolutionError):
        return (f"migration: {one_line(exc)} — `netra db current` shows the database's revision and the newest this "
                "Netra knows; `netra db upgrade` without a revision goes to the newest")
    if isinstance(exc, ImportError) and _raised_in(exc, "sqlalchemy"):
        return (f"the driver for database {_database_url()} is not installed ({one_line(exc)}): install it, or use "
                f"postgresql+psycopg:// or sqlite:/// ({DATABASE_OPTION})")
    redis = sys.modules.get("redis")
    if redis is not None and isinstance(exc, redis.exceptions.ConnectionError):
        return f"cannot reach Redis: {one_line(exc)} — check that it is running (--redis-url or NETRA_REDIS_URL)"
    if isinstance(exc, OSError):
        if exc.errno == errno.EADDRINUSE:
            return f"{one_line(exc)}: another server already listens there; stop it or choose another --port"
        if exc.filename is not None and exc.strerror:
            return f"{exc.filename}: {exc.strerror}"
        return None
    if type(exc).__module__.split(".")[0] in FIRST_PARTY:
        # Netra's own errors are written for the operator: the message says what and what to do.
        return one_line(exc) or type(exc).__name__
    return None


def report(exc: BaseException) -> None:
    """Print ``exc`` as one line on standard error (after its traceback with ``--debug``)."""
    if state.debug:
        traceback.print_exception(exc, file=sys.stderr)
        sys.stderr.flush()
    message = describe(exc)
    if message is None:
        message = f"{type(exc).__name__}: {one_line(exc)}" + ("" if state.debug else
                                                             " (run with --debug for the traceback)")
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def _usage_line(exc: typer.TyperException) -> str:
    message = one_line(exc.format_message())
    ctx = getattr(exc, "ctx", None)  # usage errors know the command they are about
    if ctx is not None:
        message += f" (see `{ctx.command_path} --help`)"
    return message


def run(command: Any, args: list[str] | None = None) -> int:
    """Run the Typer/Click ``command`` and return its exit code; no error escapes as a traceback."""
    try:
        result = command(args=args, standalone_mode=False)
    except typer.TyperException as exc:  # Click's errors (typer vendors Click)
        if type(exc).__name__ == "NoArgsIsHelpError":  # `netra db` alone: the group's help
            if exc.format_message().strip():  # Typer's rich help has printed itself already; plain help has not
                exc.show()  # type: ignore[attr-defined]
            return exc.exit_code
        err_console.print(f"[bold red]error:[/] {escape(_usage_line(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except typer.Abort:
        err_console.print("[bold red]error:[/] aborted", highlight=False)
        return 1
    except Exception as exc:
        report(exc)
        return 1
    # Without standalone mode Click returns the exit code of a `typer.Exit`, or the command's own return value.
    return result if isinstance(result, int) else 0
