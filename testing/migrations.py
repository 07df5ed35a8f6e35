"""Run Alembic on an engine from a test: downgrade to an older schema, upgrade back to the newest."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from core.storage import migrations


def alembic(engine: Engine, action: str, revision: str) -> None:
    """Run ``alembic <action> <revision>`` ("upgrade"/"downgrade") on ``engine``'s database."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
