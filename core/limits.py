"""The caps that keep one import, one post-mortem and so the server bounded, and the checks that apply them.

Every cap sits well above the post-mortem the wizard is designed for (DESIGN §11: 500 events, 20 series of
5,000 points, 40 actions, about 11 MB stored), and far below what made the server struggle (one Prometheus
file of 400,000 series). An import over a cap is refused before anything is stored, and the importers check
as they read, so a huge file is refused before it is built in memory. An edit over a cap is refused before the
write. Each message names the cap, what was found and what to do. A metric series longer than
``points_per_series`` is not refused: it is downsampled to that many points, keeping its shape.

A change that does not grow a count, a text or the size past its cap is let through, so a post-mortem stored
before a cap was lowered stays editable.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import cast

from core.errors import InvalidInputError
from core.ingest import ImportResult
from core.models import MetricSeries, PostMortem

MB = 1024 * 1024
"""One megabyte, as the stored-size cap and its messages count."""


@dataclass(frozen=True)
class Caps:
    """The named caps on what one import may bring and one post-mortem may hold."""

    series_per_import: int = 200
    """Metric series one import may add: a query by pod, path or user gives thousands, aggregated gives a few."""

    series_per_postmortem: int = 500
    """Metric series one post-mortem may hold, all imports together (the design size has 20)."""

    points_per_series: int = 20_000
    """Points one series keeps; a longer series is downsampled to this many (the chart draws at most 2,000)."""

    points_per_import: int = 200_000
    """Points one import may add, all its series together, once each is downsampled (the design size has 100,000)."""

    events: int = 5_000
    """Timeline events one post-mortem may hold, so also one import (the design size has 500)."""

    candidates_per_import: int = 2_000
    """Candidate events one import may propose (a log import proposes a few dozen; at most 40 are shown)."""

    text_chars: int = 100_000
    """Characters in one text field: a report section, a factor, an action, an event, a why-chain answer…"""

    stored_bytes: int = 32 * MB
    """Size of one post-mortem as stored (its JSON document); the design size takes about 11 MB."""


CAPS = Caps()
"""The caps in force; read at each check, so a test may replace it."""


class LimitExceededError(InvalidInputError):
    """Raised when an import or an edit would go over a cap; the message names the cap, the number and what to do."""

    def __init__(self, message: str, *, cap: str, found: int, limit: int) -> None:
        super().__init__(message)
        self.cap = cap  # the name of the ``Caps`` field
        self.found = found
        self.limit = limit


# --- imports ----------------------------------------------------------------------------------------------------

AGGREGATE = ('narrow the PromQL query with a label matcher, e.g. {service="checkout"}, or aggregate it, '
             "e.g. sum by (status) (rate(http_requests_total[5m]))")
"""What to do about too many metric series, in words a message can end with."""


@dataclass(frozen=True)
class SeriesCap:
    """How many series of one kind one import may read, and the words that refuse more."""

    limit: int
    noun: str  # what is counted, e.g. "metric series"
    cap: str  # the name of the ``Caps`` field
    label: str  # the cap in words
    advice: str

    def refusal(self, origin: str, found: int, *, more: bool = False) -> LimitExceededError:
        """Return the refusal of ``found`` series (``more``: reading stopped at the first one over the cap)."""
        counted = (f"more than {self.limit:,} {self.noun}, the most one import may add" if more
                   else f"{found:,} {self.noun}, more than the {self.limit:,} one import may add")
        return LimitExceededError(f"{origin} has {counted} (cap: {self.label}). Nothing was imported: {self.advice}.",
                                  cap=self.cap, found=found, limit=self.limit)


def metric_series() -> SeriesCap:
    """Return the cap on the metric series of one import."""
    return SeriesCap(CAPS.series_per_import, "metric series", "series_per_import", "series per import", AGGREGATE)


def alert_series() -> SeriesCap:
    """Return the cap on the alert series of one import: each gives one timeline event at least."""
    return SeriesCap(CAPS.events, "alert series", "events", "timeline events",
                     'import only the incident\'s alerts, e.g. ALERTS{alertstate="firing", service="checkout"}')


def too_many_points(origin: str, found: int, *, more: bool = False) -> LimitExceededError:
    """Return the refusal of an import whose series hold ``found`` points (``more``: reading stopped there)."""
    cap = CAPS.points_per_import
    counted = (f"more than {cap:,} samples in the incident window, the most" if more
               else f"{found:,} samples in the incident window, more than the {cap:,}")
    return LimitExceededError(
        f"{origin} has {counted} one import may add (cap: points per import). Nothing was imported: choose a "
        "larger step (e.g. 1m instead of 15s), or fewer series (aggregate with sum by (…)).",
        cap="points_per_import", found=found, limit=cap)


def too_many_events(origin: str, found: int, *, more: bool = False) -> LimitExceededError:
    """Return the refusal of an import bringing ``found`` timeline events (``more``: reading stopped there)."""
    cap = CAPS.events
    counted = (f"more than {cap:,} timeline events, the most" if more
               else f"{found:,} timeline events, more than the {cap:,}")
    return LimitExceededError(
        f"{origin} brings {counted} a post-mortem may hold (cap: timeline events). Nothing was imported: import "
        "only the incident's channels, alerts or services, or a shorter stretch of time.",
        cap="events", found=found, limit=cap)


def too_many_candidates(origin: str, found: int) -> LimitExceededError:
    """Return the refusal of an import proposing ``found`` candidate events."""
    cap = CAPS.candidates_per_import
    return LimitExceededError(
        f"{origin} proposes {found:,} candidate events, more than the {cap:,} one import may add "
        "(cap: candidates per import). Nothing was imported: import only the lines around the incident, or "
        "one service's log at a time.",
        cap="candidates_per_import", found=found, limit=cap)


def fit_series(series: MetricSeries) -> MetricSeries:
    """Return ``series`` downsampled to ``points_per_series`` points (shape kept) when it is longer."""
    if len(series.points) <= CAPS.points_per_series:
        return series
    # imported here: the chart module brings Altair and pandas (about 100 MB), which importing a file needs
    # only for a series over the cap
    from core import chart

    return dataclasses.replace(series, points=chart.downsample(series.points, CAPS.points_per_series))


def bounded_import(result: ImportResult) -> ImportResult:
    """Return ``result`` with long series downsampled, or refuse it when it goes over a cap of one import."""
    origin = result.source.origin
    if len(result.series) > CAPS.series_per_import:
        raise metric_series().refusal(origin, len(result.series))
    if len(result.events) > CAPS.events:
        raise too_many_events(origin, len(result.events))
    if len(result.candidates) > CAPS.candidates_per_import:
        raise too_many_candidates(origin, len(result.candidates))
    series = tuple(fit_series(s) for s in result.series)
    points = sum(len(s.points) for s in series)
    if points > CAPS.points_per_import:
        raise too_many_points(origin, points)
    return dataclasses.replace(result, series=series)


# --- edits ------------------------------------------------------------------------------------------------------

# bytes one item takes in the stored JSON document besides its texts, measured on ``document.dumps``
_BASE_BYTES = 900
_ITEM_BYTES = {"imports": 310, "gaps": 190, "candidates": 260, "events": 250, "series": 75, "alerts": 150,
               "factors": 165, "why_chains": 105, "systemic_issues": 30, "actions": 365, "dismissals": 70}
_POINT_BYTES = 100
_PAIR_BYTES = 56  # a label or login pair
_LISTED_BYTES = 25  # a string in a list: a service, an author, an id, an answer


def check_postmortem(before: PostMortem | None, after: PostMortem) -> None:
    """Refuse ``after``, about to be saved, when it goes over a cap that ``before`` (None: a new one) was within."""
    _check_count("events", len(before.events) if before else 0, len(after.events), "timeline events",
                 "Nothing was saved: delete events the timeline does not need, or import less.")
    _check_count("series_per_postmortem", len(before.series) if before else 0, len(after.series), "metric series",
                 f"Nothing was saved: import fewer series: {AGGREGATE}.")
    text_bytes, longest = _measure(after)
    if longest > CAPS.text_chars:
        _check_texts(before, after)
    size = _size(after, text_bytes)
    if size > CAPS.stored_bytes and (before is None or size > stored_size(before)):
        raise LimitExceededError(
            f"{after.id} would take about {_megabytes(size)} stored, more than the {_megabytes(CAPS.stored_bytes)} "
            "one post-mortem may take (cap: stored size). Nothing was saved: import metrics with a larger step or "
            "fewer series (aggregate with sum by (…)), and link to long logs instead of pasting them.",
            cap="stored_bytes", found=size, limit=CAPS.stored_bytes)


def _check_texts(before: PostMortem | None, after: PostMortem) -> None:
    """Refuse a text over the cap in ``after`` unless ``before`` held it as many times (moved, not added)."""
    cap = CAPS.text_chars
    had = Counter(text for text, _ in _texts(before) if len(text) > cap) if before else Counter[str]()
    for text, path in _texts(after):
        if len(text) <= cap:
            continue
        if had[text] <= 0:
            raise LimitExceededError(
                f"{where(after, path)} is {len(text):,} characters long, more than the {cap:,} a text field may hold "
                "(cap: text field size). It was not saved: shorten it, or put the long part in a document and "
                "link to it.", cap="text_chars", found=len(text), limit=cap)
        had[text] -= 1


def _megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB".replace(".0 MB", " MB")


def _check_count(cap_name: str, before: int, after: int, noun: str, advice: str) -> None:
    cap: int = getattr(CAPS, cap_name)
    if after > cap and after > before:
        raise LimitExceededError(
            f"The post-mortem would hold {after:,} {noun}, more than the {cap:,} it may hold "
            f"(cap: {noun} per post-mortem). {advice}", cap=cap_name, found=after, limit=cap)


def stored_size(pm: PostMortem) -> int:
    """Return about how many bytes ``pm`` takes stored, without writing its document out (that takes a second)."""
    return _size(pm, _measure(pm)[0])


def _size(pm: PostMortem, chars: int) -> int:
    """Return ``stored_size`` of ``pm`` whose texts hold ``chars`` characters."""
    size = _BASE_BYTES + chars
    size += sum(_ITEM_BYTES[name] * len(getattr(pm, name)) for name in _ITEM_BYTES)
    size += sum(_POINT_BYTES * len(s.points) + _PAIR_BYTES * len(s.labels) for s in pm.series)
    size += _PAIR_BYTES * sum(len(a.labels) for a in pm.alerts)
    size += _LISTED_BYTES * (len(pm.services) + len(pm.authors) + len(pm.reviewers)
                             + sum(len(i.rejected_reasons) for i in pm.imports)
                             + sum(len(f.evidence_event_ids) for f in pm.factors)
                             + sum(len(c.answers) for c in pm.why_chains)
                             + sum(len(a.factor_ids) for a in pm.actions))
    return size


Path = tuple[str | int, ...]
"""Where a text sits in a post-mortem: field names, and positions in its lists."""


def _measure(value: object) -> tuple[int, int]:
    """Return the bytes the texts of ``value`` (a post-mortem or part of one) take stored, and its longest text.

    Bytes are UTF-8, each newline escaped in two; the longest text is in characters, as the cap counts.
    """
    total = longest = 0
    items = value if isinstance(value, tuple) else (getattr(value, name) for name in _TEXT_FIELDS[type(value)])
    for item in items:
        if isinstance(item, str):
            length = len(item)
            total += (length if item.isascii() else len(item.encode())) + item.count("\n")
            longest = max(longest, length)
        elif item is not None:
            size, long = _measure(item)
            total, longest = total + size, max(longest, long)
    return total, longest


def _texts(value: object, path: Path = ()) -> Iterator[tuple[str, Path]]:
    """Yield every text in ``value`` (a post-mortem or part of one) with its path."""
    if isinstance(value, str):
        yield value, path
    elif isinstance(value, tuple):
        for n, item in enumerate(value):
            yield from _texts(item, (*path, n))
    elif value is not None:
        for name in _TEXT_FIELDS[type(value)]:
            yield from _texts(getattr(value, name), (*path, name))


def _text_fields_of(root: type) -> Mapping[type, tuple[str, ...]]:
    """Return, for ``root`` and every model class inside it, the fields that can hold text."""
    found: dict[type, tuple[str, ...]] = {}
    _add_text_fields(root, found)
    return MappingProxyType(found)


def _add_text_fields(cls: type, found: dict[type, tuple[str, ...]]) -> None:
    hints = typing.get_type_hints(cls)
    found[cls] = tuple(f.name for f in dataclasses.fields(cls) if _holds_text(hints[f.name], found))


def _holds_text(hint: object, found: dict[type, tuple[str, ...]]) -> bool:
    if hint is str:
        return True
    if typing.get_origin(hint) in (tuple, types.UnionType, typing.Union):
        return any(_holds_text(arg, found) for arg in typing.get_args(hint) if arg is not Ellipsis)
    if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
        return False
    if hint not in found:
        _add_text_fields(hint, found)
    return bool(found[hint])


_TEXT_FIELDS = _text_fields_of(PostMortem)
"""The fields that can hold text, by model class; metric points, times and numbers hold none, so are not visited."""


_NOUNS = {"events": "Timeline event", "candidates": "Candidate event", "actions": "Action item",
          "factors": "Contributing factor", "why_chains": "Why-chain", "systemic_issues": "Systemic issue",
          "imports": "Import", "gaps": "Data gap", "series": "Metric series", "alerts": "Alert",
          "dismissals": "Dismissed language finding", "outcomes": "Follow-up outcome"}


def where(pm: PostMortem, path: Path) -> str:
    """Return in words where the text at ``path`` is, e.g. "Action item AI-003 (attachment)"."""
    record, words, value, after_field = "The post-mortem", [], cast(object, pm), False
    for step in path:
        if isinstance(step, str):
            value, after_field = getattr(value, step), True
            words.append(step.replace("_", " "))
            continue
        value = cast(tuple[object, ...], value)[step]
        if dataclasses.is_dataclass(value):
            name = words.pop() if words else ""
            ident = getattr(value, "id", "") or getattr(value, "action_id", "") or f"{step + 1}"
            record, words = f"{_NOUNS.get(name.replace(' ', '_'), name.capitalize())} {ident}", []
        elif after_field:
            words.append(f"{words.pop().removesuffix('s')} {step + 1}")
        else:
            words.append(f"item {step + 1}")
        after_field = False
    return f"{record} ({', '.join(words)})" if words else record
