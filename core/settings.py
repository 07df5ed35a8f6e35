"""One typed configuration, built once at the edge (environment, CLI flags or Streamlit secrets).

Servers the app talks to are **connections** the operator configures (``[servers.NAME]`` sections in
``.streamlit/secrets.toml``, or the environment shortcuts below); visitors pick them by name and never type
an address that a token would be sent to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from core.connectors import addresses
from core.errors import InvalidInputError

DEFAULT_DATABASE_URL = "sqlite:///data/postmortems.db"


class ConnectionKind(StrEnum):
    """The kinds of server a connection can be."""

    PROMETHEUS = "prometheus"
    ALERTMANAGER = "alertmanager"
    LOKI = "loki"
    PAGERDUTY = "pagerduty"
    SLACK = "slack"
    GITHUB = "github"
    JIRA = "jira"

    @property
    def needs_token(self) -> bool:
        """True for the kinds that are sent an API token."""
        return self in _TOKEN_KINDS

    @property
    def label(self) -> str:
        """Return the product's own name."""
        return _LABELS[self]


_TOKEN_KINDS = frozenset({ConnectionKind.PAGERDUTY, ConnectionKind.SLACK, ConnectionKind.GITHUB, ConnectionKind.JIRA})
_LABELS = {ConnectionKind.PROMETHEUS: "Prometheus", ConnectionKind.ALERTMANAGER: "Alertmanager",
           ConnectionKind.LOKI: "Loki", ConnectionKind.PAGERDUTY: "PagerDuty", ConnectionKind.SLACK: "Slack",
           ConnectionKind.GITHUB: "GitHub", ConnectionKind.JIRA: "Jira"}
_DEFAULT_URLS = {ConnectionKind.PAGERDUTY: "https://api.pagerduty.com", ConnectionKind.SLACK: "https://slack.com/api",
                 ConnectionKind.GITHUB: "https://api.github.com"}
# environment shortcuts: KIND -> (URL variable, token variable); Jira also reads JIRA_EMAIL
_ENV = {ConnectionKind.PROMETHEUS: ("PROMETHEUS_URL", ""), ConnectionKind.ALERTMANAGER: ("ALERTMANAGER_URL", ""),
        ConnectionKind.LOKI: ("LOKI_URL", ""), ConnectionKind.PAGERDUTY: ("PAGERDUTY_URL", "PAGERDUTY_TOKEN"),
        ConnectionKind.SLACK: ("SLACK_URL", "SLACK_TOKEN"), ConnectionKind.GITHUB: ("GITHUB_API_URL", "GITHUB_TOKEN"),
        ConnectionKind.JIRA: ("JIRA_URL", "JIRA_TOKEN")}


@dataclass(frozen=True)
class Connection:
    """A server the operator configured: its token is only ever sent to ``url``'s own host."""

    name: str
    kind: ConnectionKind
    url: str
    token: str = field(default="", repr=False)
    email: str = ""
    allow_http: bool = False

    @property
    def display_url(self) -> str:
        """Return the address without credentials, fit to show and store."""
        return addresses.redact(self.url)

    @property
    def label(self) -> str:
        """Return what the forms show: the name and the address."""
        return f"{self.name} ({self.display_url})"


@dataclass(frozen=True)
class Settings:
    """The settings the wizard runs with; secrets (API tokens) never reach the database or an export.

    ``editors``: when sign-in is configured, the e-mail addresses (or names) of the people who may publish and
    create or revoke share links; empty means everyone signed in may.
    """

    database_url: str = DEFAULT_DATABASE_URL
    public_url: str = "http://127.0.0.1:8501"
    public_url_configured: bool = False
    seed_demo: bool = True
    import_dir: str = "data/imports"
    connections: tuple[Connection, ...] = ()
    allow_url_imports: bool = False
    allowed_private_hosts: frozenset[str] = frozenset()
    url_import_max_mb: int = 512
    editors: tuple[str, ...] = ()

    def connections_of(self, kind: ConnectionKind) -> list[Connection]:
        """Return the configured connections of ``kind``, in the order configured."""
        return [c for c in self.connections if c.kind is kind]

    def connection(self, kind: ConnectionKind, name: str = "") -> Connection:
        """Return the connection of ``kind`` called ``name`` (or the only one); raise naming what to configure."""
        found = self.connections_of(kind)
        chosen = [c for c in found if c.name == name] if name else found[:1]
        if not chosen:
            if name:
                raise InvalidInputError(
                    f"There is no {kind.label} server called {name!r} any more: pick one of the configured servers "
                    f"({', '.join(c.name for c in found) or 'none'})."
                )
            raise InvalidInputError(
                f"No {kind.label} server is configured. The operator adds one in .streamlit/secrets.toml "
                f"([servers.NAME] with kind = \"{kind.value}\", url = …) or sets {_ENV[kind][0]}"
                + (f" and {_ENV[kind][1]}." if kind.needs_token else ".")
            )
        return chosen[0]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Settings:
        """Build settings from environment-like keys (DATABASE_URL, PUBLIC_URL, SEED_DEMO, IMPORT_DIR, tokens)."""
        url = _text(mapping, "DATABASE_URL", DEFAULT_DATABASE_URL)
        if "://" not in url:
            raise InvalidInputError(
                f"DATABASE_URL {url!r} is not a database URL: expected e.g. sqlite:///data/postmortems.db or "
                "postgresql+psycopg://user@host/db"
            )
        return cls(
            database_url=url,
            public_url=_text(mapping, "PUBLIC_URL", "http://127.0.0.1:8501").rstrip("/"),
            public_url_configured=bool(str(mapping.get("PUBLIC_URL", "")).strip()),
            seed_demo=_flag(mapping, "SEED_DEMO", default=True),
            import_dir=_text(mapping, "IMPORT_DIR", "data/imports"),
            connections=_connections(mapping),
            allow_url_imports=_flag(mapping, "ALLOW_URL_IMPORTS", default=False),
            allowed_private_hosts=frozenset(h.lower() for h in _list(mapping, "ALLOWED_PRIVATE_HOSTS")),
            url_import_max_mb=_positive(mapping, "URL_IMPORT_MAX_MB", 512),
            editors=tuple(e.lower() for e in _list(mapping, "EDITORS")),
        )


def _connections(mapping: Mapping[str, object]) -> tuple[Connection, ...]:
    """Return the ``SERVERS`` sections, then one connection per environment shortcut that is set."""
    found: list[Connection] = []
    servers = mapping.get("SERVERS", {})
    if not isinstance(servers, Mapping):
        raise InvalidInputError("setting servers must be a table of [servers.NAME] sections")
    for name, section in servers.items():
        if not isinstance(section, Mapping):
            raise InvalidInputError(f"[servers.{name}] must be a section with kind and url")
        found.append(_connection(str(name), section, where=f"[servers.{name}]"))
    for kind, (url_key, token_key) in _ENV.items():
        token = _text(mapping, token_key, "") if token_key else ""
        url = _text(mapping, url_key, _DEFAULT_URLS.get(kind, "") if token else "")
        if not url or any(c.kind is kind and c.name == kind.label for c in found):
            continue
        section = {"kind": kind.value, "url": url, "token": token, "email": _text(mapping, "JIRA_EMAIL", ""),
                   "allow_http": _text(mapping, f"{kind.name}_ALLOW_HTTP", "0")}
        found.append(_connection(kind.label, section, where=url_key))
    return tuple(found)


def _connection(name: str, section: Mapping[str, object], *, where: str) -> Connection:
    kind_text = str(section.get("kind", "")).strip().lower()
    try:
        kind = ConnectionKind(kind_text)
    except ValueError:
        raise InvalidInputError(
            f"{where}: kind {kind_text!r} is not a server kind; expected one of "
            + ", ".join(k.value for k in ConnectionKind)
        ) from None
    url = str(section.get("url", "") or _DEFAULT_URLS.get(kind, "")).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInputError(f"{where}: url {addresses.redact(url)!r} is not an address; expected https://host[:port]")
    allow_http = _truthy(section.get("allow_http", False), where=f"{where} allow_http")
    token, email = str(section.get("token", "")).strip(), str(section.get("email", "")).strip()
    if kind.needs_token and not token:
        raise InvalidInputError(f"{where}: a {kind.label} server needs a token")
    if kind is ConnectionKind.JIRA and not email:
        raise InvalidInputError(f"{where}: a Jira server needs the email of the token's owner (JIRA_EMAIL)")
    if parts.scheme == "http" and kind.needs_token and not allow_http:
        raise InvalidInputError(
            f"{where}: {addresses.redact(url)} is plain http, so the {kind.label} token would travel unencrypted: "
            "use https, or set allow_http = true if this really is a trusted network"
        )
    return Connection(name=name, kind=kind, url=url, token=token, email=email, allow_http=allow_http)


def _truthy(value: object, *, where: str) -> bool:
    text = str(value).strip().lower()
    if text not in {"0", "1", "true", "false", "yes", "no", ""}:
        raise InvalidInputError(f"{where} must be 1/0, true/false or yes/no, not {text!r}")
    return text in {"1", "true", "yes"}


def _flag(mapping: Mapping[str, object], key: str, *, default: bool) -> bool:
    return _truthy(_text(mapping, key, "1" if default else "0"), where=key)


def _list(mapping: Mapping[str, object], key: str) -> list[str]:
    value = mapping.get(key, "")
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _positive(mapping: Mapping[str, object], key: str, default: int) -> int:
    text = _text(mapping, key, str(default))
    if not text.isdigit() or int(text) <= 0:
        raise InvalidInputError(f"{key} must be a whole number above 0, not {text!r}")
    return int(text)


def _text(mapping: Mapping[str, object], key: str, default: str) -> str:
    value = mapping.get(key, default)
    if not isinstance(value, str):
        raise InvalidInputError(f"setting {key} must be text, got {type(value).__name__}")
    return value.strip() or default
