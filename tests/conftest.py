"""Shared fixtures.

Databases: store tests run on SQLite and on PostgreSQL. PostgreSQL defaults to
the local server (``postgresql+psycopg://postgres@127.0.0.1:5432/test``); point
``NETRA_TEST_PG`` at another server URL, or set it to ``off`` to skip those
tests. Each test gets a fresh, uniquely named database, dropped afterwards, so
parallel runs never see each other's rows. Redis: ``NETRA_TEST_REDIS``
(default ``redis://127.0.0.1:6379/15``, ``off`` to skip).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from monitor.config import reset_settings_cache

REPO = Path(__file__).resolve().parent.parent

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_DEFAULT = "redis://127.0.0.1:6379/15"


def export_fixture(platform: str) -> Path:
    """A sample data export of ``platform`` (kept with the platform's package, as its importer reads it)."""
    from spiders.platforms import PLATFORMS

    return PLATFORMS[platform].fixtures / "export"


def pg_server_url() -> str | None:
    value = os.environ.get("NETRA_TEST_PG", PG_DEFAULT)
    return None if value.strip().lower() == "off" else value


def redis_test_url() -> str | None:
    value = os.environ.get("NETRA_TEST_REDIS", REDIS_DEFAULT)
    return None if value.strip().lower() == "off" else value


@pytest.fixture(scope="session", autouse=True)
def base_model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One converted e5-small base for the whole run (building it takes ~16 s and 470 MB).

    Every test has its own NETRA_HOME, where the base would otherwise be rebuilt;
    set NETRA_BASE_MODEL_DIR yourself to reuse a base across runs.
    """
    explicit = os.environ.get("NETRA_BASE_MODEL_DIR")
    path = Path(explicit) if explicit else tmp_path_factory.mktemp("e5-small-bert")
    os.environ["NETRA_BASE_MODEL_DIR"] = str(path)
    yield path
    if not explicit:
        os.environ.pop("NETRA_BASE_MODEL_DIR", None)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2 at its lowest cost in this process's tests: seeding a web test's seven users and signing them in cost
    about a second per test at the production parameters (argon2-cffi's defaults, checked by
    ``test_web_auth.test_passwords_are_hashed_with_argon2id_at_its_default_cost`` in a process of its own).
    Hashes stay argon2id and go through the same code."""
    from argon2 import PasswordHasher

    import monitor.access.users as users

    saved = users._hasher, users._DUMMY_HASH
    users._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    users._DUMMY_HASH = users._hasher.hash("netra-dummy-password")
    yield
    users._hasher, users._DUMMY_HASH = saved


@pytest.fixture(autouse=True)
def netra_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test runs in its own data directory with default settings."""
    home = tmp_path / "netra-home"
    monkeypatch.setenv("NETRA_HOME", str(home))
    for var in ("NETRA_DATABASE_URL", "NETRA_CONFIG", "NETRA_MODEL_DIR", "NETRA_PROFILE_PATH"):
        monkeypatch.delenv(var, raising=False)
    reset_settings_cache()
    yield home
    reset_settings_cache()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (dropped after the test)."""
    server = pg_server_url()
    if server is None:
        pytest.skip("NETRA_TEST_PG=off")
    from monitor.db.scratch import scratch_database

    with scratch_database(server, "netra_t") as url:
        yield url


@pytest.fixture
def sqlite_url(netra_home: Path) -> str:
    netra_home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{netra_home / 'netra.db'}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file migrated once per test process, copied for each test that wants a migrated database
    (``db_url``, ``sqlite_db``): running the migrations cost 0.1 s on SQLite (0.4 s on PostgreSQL, see
    ``pg_template``) per test. Tests of the migrations themselves start from ``sqlite_url`` / ``pg_url``, which
    stay empty."""
    from monitor.db.migrate import upgrade
    from monitor.db.session import engine_for

    sqlite_file = tmp_path_factory.mktemp("migrated") / "netra.db"
    upgrade(f"sqlite:///{sqlite_file}")
    engine_for(f"sqlite:///{sqlite_file}").dispose()  # the last connection closed checkpoints the WAL into the file
    assert not sqlite_file.with_name("netra.db-wal").exists()
    return str(sqlite_file)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated once per test process (dropped at the end), for
    ``CREATE DATABASE … TEMPLATE``. Its own fixture, so a server that cannot be reached fails the PostgreSQL tests
    only."""
    server = pg_server_url()
    if server is None:
        pytest.skip("NETRA_TEST_PG=off")
    from monitor.db.migrate import upgrade
    from monitor.db.scratch import scratch_database
    from monitor.db.session import engine_for

    with scratch_database(server, "netra_tpl") as url:
        upgrade(url)
        engine_for(url).dispose()  # PostgreSQL copies a template nobody is connected to
        engine_for.cache_clear()
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def pg_migrated_url(pg_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the migrations' head (a copy of the process's template; dropped after)."""
    server = pg_server_url()
    assert server is not None  # pg_template skipped otherwise
    from monitor.db.scratch import scratch_database

    with scratch_database(server, "netra_t", template=pg_template) as url:
        yield url


def _copy_sqlite_template(template: str, url: str) -> None:
    import shutil

    shutil.copyfile(template, url.removeprefix("sqlite:///"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated database on each backend, also set as NETRA_DATABASE_URL."""
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
        _copy_sqlite_template(request.getfixturevalue("sqlite_template"), url)
    else:
        url = request.getfixturevalue("pg_migrated_url")
    monkeypatch.setenv("NETRA_DATABASE_URL", url)
    reset_settings_cache()
    return url


@pytest.fixture
def sqlite_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, sqlite_template: str) -> str:
    """A migrated SQLite database only (for tests that don't need both backends)."""
    _copy_sqlite_template(sqlite_template, sqlite_url)
    monkeypatch.setenv("NETRA_DATABASE_URL", sqlite_url)
    reset_settings_cache()
    return sqlite_url


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    from monitor.db.session import session_factory

    s = session_factory(db_url)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    """Headless Chromium (Debian's) through Playwright, for the browser tests."""
    from tests.web_support import chromium

    with chromium() as instance:
        yield instance
