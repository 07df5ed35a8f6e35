"""Wiring: settings, the migrated repository and the demo seed, created once per server process."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime

import requests
import streamlit as st

from core import demo
from core.errors import InvalidInputError
from core.models import TrackerSettings
from core.settings import Settings
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository
from core.trackers import github, jira
from core.trackers.base import Tracker


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


def tracker(target: TrackerSettings) -> Tracker:
    """Return the tracker client for ``target``, with its token from the environment or secrets."""
    s = settings()
    if target.kind == "jira":
        if not (s.jira_email and s.jira_token):
            raise InvalidInputError("Set JIRA_EMAIL and JIRA_TOKEN in the environment or secrets for Jira issues.")
        return jira.JiraTracker(_session(), site_url=target.api_url, project=target.target, email=s.jira_email,
                                token=s.jira_token)
    if not s.github_token:
        raise InvalidInputError("Set GITHUB_TOKEN in the environment or secrets to create GitHub issues.")
    return github.GitHubTracker(_session(), repo=target.target, token=s.github_token,
                                api_url=target.api_url or "https://api.github.com")


@st.cache_resource
def _session() -> requests.Session:
    return requests.Session()
