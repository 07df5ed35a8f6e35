"""Engine creation and Alembic migrations, applied automatically at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from core.errors import StorageError
from core.storage import repository
from core.storage.repository import SqlPostMortemRepository

_MIGRATIONS = Path(__file__).parent / "migrations"


def create(url: str) -> Engine:
    """Create an engine for ``url``; a SQLite file gets WAL mode, a busy timeout and foreign keys."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


HEAD = "0005"
"""The newest migration's revision (a test checks it against Alembic's own head)."""


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest revision."""
    try:
        if current_revision(engine) == HEAD:
            return  # already there: skip loading Alembic, most of a CLI verb's start-up
    except OperationalError as exc:
        raise repository.unreachable_error(exc, where=engine.url.render_as_string(hide_password=True)) from exc
    # imported here: Alembic takes a noticeable part of a second to import, and only an upgrade needs it
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:  # down or restarting: the same plain words as every other action
        raise repository.unreachable_error(exc, where=engine.url.render_as_string(hide_password=True)) from exc
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise StorageError(f"Could not prepare the database ({where}): {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(revision) if revision is not None else None


def open_repository(url: str) -> SqlPostMortemRepository:
    """Create the engine for ``url``, migrate it to the newest schema and return the repository."""
    engine = create(url)
    migrate(engine)
    return SqlPostMortemRepository(engine)
