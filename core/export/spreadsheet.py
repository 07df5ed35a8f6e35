"""CSV that is safe to open in a spreadsheet: no user text runs as a formula (OWASP "CSV injection")."""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TextIO

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Return user ``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(stream: TextIO, rows: Iterable[Mapping[str, object]], *, fields: Sequence[str],
              text_fields: Collection[str]) -> None:
    """Write ``rows`` as CSV with a header; the ``text_fields`` (user text) go through ``safe_cell``.

    Other columns (times, numbers, our own enum values) are written as they are: a negative number is
    a number, not a formula.
    """
    writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) if k in text_fields and isinstance(v, str) else v for k, v in row.items()})
