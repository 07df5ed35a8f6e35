"""One typed configuration, built once at the edge (environment, CLI flags or Streamlit secrets)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.errors import InvalidInputError

DEFAULT_DATABASE_URL = "sqlite:///data/postmortems.db"


@dataclass(frozen=True)
class Settings:
    """The settings the wizard runs with; secrets (API tokens) never reach the database or an export."""

    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://127.0.0.1:8501"
    seed_demo: bool = True
    import_dir: str = "data/imports"
    pagerduty_token: str = field(default="", repr=False)
    slack_token: str = field(default="", repr=False)
    github_token: str = field(default="", repr=False)
    jira_email: str = ""
    jira_token: str = field(default="", repr=False)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Settings:
        """Build settings from environment-like keys (DATABASE_URL, PUBLIC_URL, SEED_DEMO, IMPORT_DIR, tokens)."""
        url = _text(mapping, "DATABASE_URL", DEFAULT_DATABASE_URL)
        if "://" not in url:
            raise InvalidInputError(
                f"DATABASE_URL {url!r} is not a database URL: expected e.g. sqlite:///data/postmortems.db or "
                "postgresql+psycopg://user@host/db"
            )
        seed = _text(mapping, "SEED_DEMO", "1").lower()
        if seed not in {"0", "1", "true", "false", "yes", "no"}:
            raise InvalidInputError(f"SEED_DEMO must be 1/0, true/false or yes/no, not {seed!r}")
        return cls(
            database_url=url,
            public_url=_text(mapping, "PUBLIC_URL", "http://127.0.0.1:8501").rstrip("/"),
            seed_demo=seed in {"1", "true", "yes"},
            import_dir=_text(mapping, "IMPORT_DIR", "data/imports"),
            pagerduty_token=_text(mapping, "PAGERDUTY_TOKEN", ""),
            slack_token=_text(mapping, "SLACK_TOKEN", ""),
            github_token=_text(mapping, "GITHUB_TOKEN", ""),
            jira_email=_text(mapping, "JIRA_EMAIL", ""),
            jira_token=_text(mapping, "JIRA_TOKEN", ""),
        )


def _text(mapping: Mapping[str, object], key: str, default: str) -> str:
    value = mapping.get(key, default)
    if not isinstance(value, str):
        raise InvalidInputError(f"setting {key} must be text, got {type(value).__name__}")
    return value.strip() or default
