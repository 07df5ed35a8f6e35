"""Post-mortem ids: ``PM-YYYY-MM-DD`` from the incident's start, ``-2``, ``-3``… for more that day."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from core.errors import InvalidInputError

_ID = re.compile(r"PM-(\d{4}-\d{2}-\d{2})(?:-([1-9]\d{0,2}))?")
_SHOWN = 60  # characters of a refused id quoted back: enough to recognise it, not a page of junk

EXPECTED = "PM-YYYY-MM-DD, or PM-YYYY-MM-DD-N for the N-th incident that day (e.g. PM-2026-03-14-2)"
"""The id format in words, for messages."""


def is_valid(text: str) -> bool:
    """Return True when ``text`` is a post-mortem id with a real calendar date."""
    match = _ID.fullmatch(text)
    if match is None:
        return False
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return False
    return True


def require(text: str, *, field: str = "id") -> str:
    """Return ``text`` when it is a post-mortem id; raise InvalidInputError naming ``field`` otherwise."""
    if not is_valid(text):
        raise InvalidInputError(f"{field} {shown(text)} is not a post-mortem id: expected {EXPECTED}.")
    return text


def base(pm_id: str) -> str:
    """Return the id without its ``-N`` suffix (the first id of that day)."""
    match = _ID.fullmatch(pm_id)
    return f"PM-{match.group(1)}" if match else pm_id


def shown(text: str) -> str:
    """Return ``text`` quoted for a message, cut short when long."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")


def url_value(pm_id: str) -> str:
    """Return ``pm_id`` encoded for a URL's query or fragment (a valid id is unchanged)."""
    return quote(pm_id, safe="")
