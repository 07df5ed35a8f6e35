"""Wiring: settings, the migrated repository and the demo seed, created once per server process."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime

import streamlit as st

from core import demo
from core.settings import Settings
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository


def settings() -> Settings:
    """Return the settings from the environment, overridden by ``.streamlit/secrets.toml``."""
    mapping: dict[str, object] = dict(os.environ)
    # no secrets file: the environment alone configures the app
    with contextlib.suppress(FileNotFoundError):
        mapping.update({k: v for k, v in st.secrets.to_dict().items() if isinstance(v, str)})
    return Settings.from_mapping(mapping)


@st.cache_resource(show_spinner="Opening the database…")
def _repository(database_url: str, seed_demo: bool) -> SqlPostMortemRepository:
    repo = engine.open_repository(database_url)
    if seed_demo:
        demo.seed_if_empty(now=now(), repo=repo)
    return repo


def repository() -> SqlPostMortemRepository:
    """Return the repository of the configured database (migrated, demo seeded when empty)."""
    s = settings()
    return _repository(s.database_url, s.seed_demo)


def now() -> datetime:
    """Return the current UTC time (the one clock the UI reads)."""
    return datetime.now(UTC)
