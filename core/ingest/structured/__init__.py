"""Importers of saved JSON telemetry (Prometheus, Alertmanager, PagerDuty, Slack exports), one module per format.

Every importer has the signature ``import_file(data, *, origin, window, now) -> ImportResult``; ``detect`` names
the format of a file, ``FORMATS`` lists them all. The live connectors in ``core.connectors`` reuse each module's
mapping function, so a saved response and a live one import the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.ingest.structured import alert_history, alertmanager, pagerduty, prometheus, slack
from core.models import SourceKind, TimeWindow


class Importer(Protocol):
    """The common signature of the saved-file importers."""

    def __call__(self, data: bytes, *, origin: str, window: TimeWindow, now: datetime) -> ImportResult:
        """Import ``data`` read from ``origin`` for an incident ``window``."""
        ...


@dataclass(frozen=True)
class Format:
    """A saved-file format: its id (CLI ``--format``), plain name, source kind and importer."""

    id: str
    name: str
    kind: SourceKind
    importer: Importer


FORMATS: Mapping[str, Format] = {
    f.id: f
    for f in (
        Format("prometheus", prometheus.NAME, SourceKind.METRICS, prometheus.import_file),
        Format("prometheus-alerts", alert_history.NAME, SourceKind.ALERTS, alert_history.import_file),
        Format("alertmanager", alertmanager.NAME, SourceKind.ALERTS, alertmanager.import_file),
        Format("pagerduty", pagerduty.NAME, SourceKind.PAGING, pagerduty.import_file),
        Format("slack", slack.NAME, SourceKind.CHAT, slack.import_file),
    )
}
"""Every saved-file format by id, in the order ``detect`` reports them."""

_SNIFF = 65536


def detect(data: bytes, filename: str) -> str | None:
    """Return the id of the format ``data`` (named ``filename``) is in, or None when it is none of them."""
    if data[:4] == b"PK\x03\x04":
        listed = re.search(rb"(users|channels)\.json", data[:_SNIFF] + data[-_SNIFF:])
        # any other zip named .zip goes to the Slack importer, which says what an export must contain
        return "slack" if listed or filename.lower().endswith(".zip") else None
    head = data[:_SNIFF].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if re.search(r'"log_entries"\s*:', head) or re.search(r'"type"\s*:\s*"\w+_log_entry"', head):
        return "pagerduty"
    if re.search(r'"resultType"\s*:\s*"matrix"', head):
        return "prometheus-alerts" if re.search(r'"alertstate"\s*:|"__name__"\s*:\s*"ALERTS', head) else "prometheus"
    if re.search(r'"startsAt"\s*:', head) and re.search(r'"(labels|annotations|endsAt|fingerprint)"\s*:', head):
        return "alertmanager"
    return None


def import_file(data: bytes, *, origin: str, window: TimeWindow, now: datetime, fmt: str = "auto") -> ImportResult:
    """Import ``data`` in format ``fmt`` (an id of ``FORMATS``, or "auto" to detect it)."""
    if fmt == "auto":
        found = detect(data, origin)
        if found is None:
            tried = "; ".join(f.name for f in FORMATS.values())
            raise InvalidInputError(f"{origin} is not in a format the wizard reads. Formats tried: {tried}.")
        fmt = found
    if fmt not in FORMATS:
        raise InvalidInputError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)} or auto.")
    return FORMATS[fmt].importer(data, origin=origin, window=window, now=now)
