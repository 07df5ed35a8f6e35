"""The error live connectors raise: a server that cannot be reached, refuses, or answers nonsense."""

from __future__ import annotations

from core.errors import PostmortemError


class ConnectorError(PostmortemError):
    """Raised when a telemetry server is unreachable, refuses a request or rejects a query; says what to check."""
