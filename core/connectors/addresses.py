"""Web addresses as the wizard shows and compares them: without credentials, and by origin."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from core.connectors.errors import ConnectorError


class AddressRefusedError(ConnectorError):
    """Raised when a request would reach an address the operator has not allowed (loopback, private, another host)."""


def origin_of(url: str) -> str:
    """Return ``scheme://host:port`` of ``url`` (default ports made explicit), lower-cased."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError as exc:
        raise AddressRefusedError(f"{redact(url)!r} has a port that is not a number.") from exc
    scheme = parts.scheme.lower()
    port = port or {"http": 80, "https": 443}.get(scheme)
    host = (parts.hostname or "").lower()
    return f"{scheme}://{host}:{port}"


def redact(url: str) -> str:
    """Return ``url`` without user name, password, query or fragment: safe to store, show and log."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "(an address that is not a URL)"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
