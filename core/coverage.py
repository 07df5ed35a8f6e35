"""Which stretches of the incident window a kind of source does not cover."""

from __future__ import annotations

from datetime import timedelta

from core.models import PostMortem, SourceKind, TimeWindow

MIN_GAP = timedelta(minutes=1)


def uncovered(pm: PostMortem, kind: SourceKind) -> list[TimeWindow]:
    """Return the stretches (longer than a minute) of the incident window no import of ``kind`` covers."""
    windows = sorted((i.covered for i in pm.imports if i.kind is kind and i.covered is not None),
                     key=lambda w: w.start)
    holes: list[TimeWindow] = []
    cursor = pm.start
    for w in windows:
        if w.start > cursor:
            holes.append(TimeWindow(cursor, min(w.start, pm.end)))
        cursor = max(cursor, w.end)
        if cursor >= pm.end:
            break
    if cursor < pm.end:
        holes.append(TimeWindow(cursor, pm.end))
    return [h for h in holes if h.end - h.start > MIN_GAP]
