"""Ordinary lines worth a look: templates of INFO lines never seen before the window, just before the impact.

An INFO line is proposed only when its template is **new** (absent from the lines read before the
window starts, the margin, which must hold at least ``LEAD`` of history) and it first appears
within ``LEAD`` before the impact; at most ``MAX_PROPOSED`` of them, the latest first. "Switching to
the read replica" two minutes before the errors is worth reading; the hundredth "request served" is
not. Memory is bounded: at most ``MAX_TEMPLATES`` templates are remembered on each side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.ingest import templates

LEAD = timedelta(minutes=15)
MAX_PROPOSED = 5
MAX_TEMPLATES = 20_000
_KEY_LENGTH = 200
_ANY_MASK = re.compile(r"<(?:n|hex|uuid|ip|pod|time|str)>")


@dataclass(slots=True)
class NewLine:
    """The first line of a template first seen inside the window."""

    time: datetime
    message: str
    line: str
    count: int = 1


class NewLines:
    """Remember the INFO templates seen before the window, and the first line of each one new in it."""

    def __init__(self, window_start: datetime) -> None:
        self.window_start = window_start
        self.before: set[str] = set()
        self.new: dict[str, NewLine] = {}
        self._templates: dict[str, str] = {}  # message prefix -> template: INFO lines repeat word for word

    def _template(self, message: str) -> str:
        key = message[:_KEY_LENGTH]
        template = self._templates.get(key)
        if template is None:
            if len(self._templates) >= MAX_TEMPLATES:
                self._templates.clear()
            # one mask for every variable: an id that happens to have no letter is still the same id
            template = self._templates[key] = _ANY_MASK.sub("<*>", templates.message_template(key))
        return template

    def add(self, time: datetime, message: str, line: str) -> None:
        """Note one ordinary line: before the window it makes its template old; inside, new unless seen."""
        template = self._template(message)
        if time < self.window_start:
            if len(self.before) < MAX_TEMPLATES:
                self.before.add(template)
            self.new.pop(template, None)  # lines may come out of order
            return
        if template in self.before:
            return
        seen = self.new.get(template)
        if seen is not None:
            seen.count += 1
            if time < seen.time:
                seen.time, seen.message, seen.line = time, message, line
        elif len(self.new) < MAX_TEMPLATES:
            self.new[template] = NewLine(time, message, line)

    def near(self, impact: datetime | None, first_line: datetime | None) -> list[tuple[str, NewLine]]:
        """Return the new templates first seen within ``LEAD`` before ``impact``, the latest ones, in time order.

        Nothing is new in a log that starts less than ``LEAD`` before the window: there is no history to compare.
        """
        if impact is None or first_line is None or first_line > self.window_start - LEAD:
            return []
        found = sorted(((t, n) for t, n in self.new.items() if impact - LEAD <= n.time <= impact),
                       key=lambda item: item[1].time)
        return found[-MAX_PROPOSED:]
