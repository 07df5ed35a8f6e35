"""Shared fixtures: repositories on SQLite and on the machine's PostgreSQL, and an app database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.storage import engine as storage_engine
from core.storage import tables
from core.storage.repository import SqlPostMortemRepository

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh schema in the machine's PostgreSQL for this test session; unreachable means failure, not skip."""
    schema = f"pmw_test_{uuid.uuid4().hex[:10]}"
    admin = storage_engine.create(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 (turned into a test failure with the reason)
        pytest.fail(
            f"PostgreSQL at {POSTGRES_URL} is required by the storage tests and is not reachable: {exc}",
            pytrace=False,
        )
    with admin.connect() as conn:
        started = conn.execute(text("SELECT pg_postmaster_start_time()")).scalar_one()
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        # the machine's server is shared: the suite must never have stopped or restarted it
        assert conn.execute(text("SELECT pg_postmaster_start_time()")).scalar_one() == started, (
            f"the PostgreSQL at {POSTGRES_URL} was restarted during the test run: tests must use a private cluster"
        )
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL: a SQLite file, then the PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'postmortems.db'}"
        return
    url: str = request.getfixturevalue("postgres_url")
    engine = storage_engine.create(url)
    storage_engine.migrate(engine)
    with engine.begin() as conn:
        for table in reversed(tables.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()
    yield url


@pytest.fixture
def repo(database_url: str) -> Iterator[SqlPostMortemRepository]:
    """A repository on each database in turn."""
    repository = storage_engine.open_repository(database_url)
    yield repository
    repository.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file URL in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'app.db'}"


def _app_database(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SEED_DEMO", "0")
    repository = storage_engine.open_repository(url)
    yield repository
    repository.close()


@pytest.fixture
def app_db(monkeypatch, sqlite_url):
    """Point the app at an empty SQLite database; returns a repository on it."""
    yield from _app_database(monkeypatch, sqlite_url)


@pytest.fixture
def any_app_db(monkeypatch, database_url):
    """Point the app at an empty SQLite database, then at the PostgreSQL one."""
    yield from _app_database(monkeypatch, database_url)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --regenerate: rewrite the golden files from the current output instead of comparing."""
    parser.addoption("--regenerate", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current output")


@pytest.fixture
def regenerate(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files."""
    return bool(request.config.getoption("--regenerate"))


@pytest.fixture(autouse=True)
def fresh_streamlit_caches() -> Iterator[None]:
    """Start each test with Streamlit's process-wide caches empty.

    The app caches charts and menus by post-mortem id and version, which is unique within one database; tests
    use many databases holding the same demo id at version 1 in one process.
    """
    import streamlit as st

    from ui import timeline_view

    st.cache_data.clear()
    timeline_view.clear_caches()  # not every cached resource: the open repositories stay and are closed by their owners
    yield
