"""What the language checks return (a finding with its confidence) and what they know of the post-mortem."""

from __future__ import annotations

from dataclasses import dataclass, field

CONFIDENT = 0.7
"""Findings at or above this confidence block the hard gates; the others are advice."""


@dataclass(frozen=True)
class Finding:
    """One problem in a text: where (1-based line, character offsets in it), which rule, why, what instead."""

    line: int
    start: int
    end: int
    text: str
    rule: str
    why: str
    suggestion: str
    confidence: float = 1.0

    @property
    def confident(self) -> bool:
        """Return True when the finding is sure enough to block a hard gate."""
        return self.confidence >= CONFIDENT


def _words(names: frozenset[str]) -> frozenset[str]:
    found: set[str] = set()
    for name in names:
        lowered = name.strip().lower()
        if lowered:
            found.add(lowered)
            found.update(part.lstrip("@") for part in lowered.split() if len(part) > 1)
    return frozenset(found)


@dataclass(frozen=True)
class Context:
    """What the post-mortem knows: the people in it, and its systems (services, sources, series, alerts)."""

    people: frozenset[str] = field(default_factory=frozenset)
    systems: frozenset[str] = field(default_factory=frozenset)
    _people_words: frozenset[str] = field(init=False, repr=False, compare=False)
    _system_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_people_words", _words(self.people))
        object.__setattr__(self, "_system_words", _words(self.systems))

    def is_person(self, word: str) -> bool:
        """Return True when ``word`` is one of the post-mortem's people (by name, name part or @handle)."""
        lowered = word.lower()
        return lowered in self._people_words or lowered.lstrip("@") in self._people_words

    def is_system(self, word: str) -> bool:
        """Return True when ``word`` names one of the post-mortem's systems."""
        return word.lower() in self._system_words


NO_CONTEXT = Context()
"""A context that knows nobody and nothing: what ``postmortem lint`` of a bare file has."""
