"""Wiring: settings, the migrated repository and the demo seed, created once per server process."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from urllib.parse import urlsplit

import streamlit as st

from core import demo, language
from core.connectors import egress
from core.models import TrackerSettings
from core.settings import Connection, ConnectionKind, Settings
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository
from core.trackers import github, jira
from core.trackers.base import Tracker


def settings() -> Settings:
    """Return the settings from the environment, overridden by ``.streamlit/secrets.toml``."""
    mapping: dict[str, object] = dict(os.environ)
    # no secrets file: the environment alone configures the app
    with contextlib.suppress(FileNotFoundError):
        secrets = st.secrets.to_dict()
        mapping.update({k: v for k, v in secrets.items() if isinstance(v, str | list)})
        if isinstance(secrets.get("servers"), dict):
            mapping["SERVERS"] = secrets["servers"]
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


def public_url() -> str:
    """Return the address for links people open: PUBLIC_URL, else the address this person is using."""
    s = settings()
    if s.public_url_configured:
        return s.public_url
    return views_address(st.context.url) or s.public_url


def views_address(url: str | None) -> str:
    """Return ``scheme://host:port`` (plus Streamlit's base path) of the page address ``url``, or ""."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{base}" if base else "")


@st.cache_resource(show_spinner="Loading the English language model…")
def language_model() -> object:
    """Load the language checks' English pipeline once per server process (the checks then reuse it)."""
    return language.load_model()


def now() -> datetime:
    """Return the current UTC time (the one clock the UI reads)."""
    return datetime.now(UTC)


def tracker(target: TrackerSettings) -> Tracker:
    """Return the tracker client for ``target`` on its configured server; the token goes nowhere else."""
    kind = ConnectionKind.JIRA if target.kind == "jira" else ConnectionKind.GITHUB
    server = settings().connection(kind, target.connection)
    if kind is ConnectionKind.JIRA:
        return jira.JiraTracker(session_for(server), site_url=server.url, project=target.target, email=server.email,
                                token=server.token)
    return github.GitHubTracker(session_for(server), repo=target.target, token=server.token, api_url=server.url)


def session_for(server: Connection) -> egress.GuardedSession:
    """Return a fresh HTTP session locked to ``server``'s own origin (no cookies shared with anything else)."""
    return egress.GuardedSession(egress.EgressPolicy.for_origin(server.url, max_seconds=API_SECONDS))


def adhoc_session() -> egress.GuardedSession:
    """Return a fresh HTTP session for an address a visitor typed: public addresses only, capped."""
    s = settings()
    return egress.GuardedSession(egress.EgressPolicy(
        allowed_hosts=s.allowed_private_hosts, max_bytes=s.url_import_max_mb * 1_000_000, max_seconds=URL_SECONDS,
    ))


API_SECONDS = 120.0
"""Total time one API answer may take (per request, all redirects and the body included)."""
URL_SECONDS = 600.0
"""Total time a file download by URL may take."""
