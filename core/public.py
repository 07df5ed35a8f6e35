"""The public version of a post-mortem: fit for people outside the company.

What the author marked internal is left out (events, factors, report parts); people's names and @handles
become roles ("the on-call engineer", "an engineer"); e-mail addresses, IPs, internal hosts, ticket links
and tokens are masked (``core.masking``). ``review`` lists every mask so the author can check it first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from core import language, masking, report_text
from core.models import EventKind, Milestone, PostMortem

ON_CALL = "the on-call engineer"
REVIEWER = "a reviewer"
ENGINEER = "an engineer"
WITHHELD = "Left out of the public version."

INTERNAL_FIELDS: dict[str, str] = {
    "summary": "Summary",
    "impact": "Impact",
    "root_cause": "Root cause",
    "immediate_cause": "Immediate cause",
    "why_chains": "Five whys",
    "systemic_issues": "Systemic issues",
    "went_well": "What went well",
    "lessons": "Lessons learned",
    "prevention": "Prevention",
    "gaps": "Data gaps",
}
"""The report parts an author can mark internal: field name → label."""

_REPORT_FIELDS = ("summary", "impact", "root_cause", "went_well", "lessons", "prevention")
_NOT_PEOPLE = frozenset({"", "-", "system", "automation", "bot"})
_TEAM = re.compile(r"\b(team|squad|group|guild|department|on-call rotation)\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z][\w.-]*[\w]")
_BROADCAST = frozenset({"@here", "@channel", "@everyone", "@all"})
# identifiers and references: never free text, never shown as words
_KEPT = frozenset({"id", "evidence_event_ids", "factor_ids", "factor_id", "action_id", "internal_fields", "field",
                   "points"})  # metric samples: numbers and times, no text

T = TypeVar("T")


@dataclass(frozen=True)
class Mask:
    """One replacement the public version makes: the original, what replaces it, and where it was found."""

    original: str
    replacement: str
    kind: str
    where: tuple[str, ...]


@dataclass(frozen=True)
class PublicReview:
    """What to check before sharing the public version: masks, parts left out, blameless findings."""

    masks: tuple[Mask, ...]
    withheld: tuple[str, ...]
    findings: tuple[tuple[str, language.Finding], ...]


def public_version(pm: PostMortem) -> PostMortem:
    """Return ``pm`` as people outside the company may read it: internal parts out, people as roles, masked."""
    rename = _Renamer(people_roles(pm))
    public = _walk(_without_internal(pm), "", lambda text, _where: rename.public(text))
    return dataclasses.replace(public, authors=_unique(public.authors), reviewers=_unique(public.reviewers))


def review(pm: PostMortem) -> PublicReview:
    """Return every mask of the public version, the parts it leaves out and its open blameless findings."""
    kept = _without_internal(pm)
    rename = _Renamer(people_roles(pm))
    seen: dict[tuple[str, str], tuple[str, list[str]]] = {}

    def record(text: str, where: str) -> str:
        for found in masking.find(text):
            seen.setdefault((found.text, found.mask), (_kind(found.mask), []))[1].append(where)
        for name, role in rename.found(text if text.strip().lower() in rename.exact else masking.mask(text)):
            seen.setdefault((name, role), ("person", []))[1].append(where)
        return text

    _walk(kept, "", record)
    masks = tuple(Mask(original, replacement, kind, tuple(dict.fromkeys(where)))
                  for (original, replacement), (kind, where) in seen.items())
    findings = tuple(report_text.open_findings(public_version(pm)))
    return PublicReview(masks=masks, withheld=withheld(pm), findings=findings)


def withheld(pm: PostMortem) -> tuple[str, ...]:
    """Return what the author marked internal, in words ("Timeline event E003 at 14:00:45", "Summary")."""
    parts = [f"Timeline event {e.id} at {e.time:%H:%M:%S}" for e in pm.events if e.internal]
    parts += [f"Contributing factor {f.id}" for f in pm.factors if f.internal]
    parts += [INTERNAL_FIELDS[name] for name in pm.internal_fields if name in INTERNAL_FIELDS]
    return tuple(parts)


def people_roles(pm: PostMortem) -> dict[str, str]:
    """Return each person the post-mortem names (actors, authors, reviewers, owners, chat users) → a role."""
    on_call = _on_call(pm)
    people: dict[str, str] = {}
    candidates = [*pm.authors, *(e.actor for e in pm.events), *(a.owner for a in pm.actions),
                  *(a.sponsor for a in pm.actions), *pm.reviewers]
    if pm.tracker is not None:
        candidates += [name for pair in pm.tracker.logins for name in pair]
    for text in report_text.free_text(pm):
        candidates += [h for h in _HANDLE.findall(text[1]) if h.lower() not in _BROADCAST]
    doers = {*pm.authors, *(e.actor for e in pm.events), *(a.owner for a in pm.actions)}
    for person in (c.strip() for c in candidates):
        if person.lower() in _NOT_PEOPLE or _TEAM.search(person) or person in people:
            continue
        if person == on_call:
            people[person] = ON_CALL
        elif person in pm.reviewers and person not in doers:
            people[person] = REVIEWER
        else:
            people[person] = ENGINEER
    return people


def _on_call(pm: PostMortem) -> str:
    """Return who acknowledged the page (or the first person on a page event); "" when nobody did."""
    for event in pm.events:
        if event.milestone is Milestone.ACKNOWLEDGED and event.actor.lower() not in _NOT_PEOPLE:
            return event.actor.strip()
    for event in pm.events:
        if event.kind is EventKind.PAGE and event.actor.lower() not in _NOT_PEOPLE:
            return event.actor.strip()
    return ""


class _Renamer:
    """Replace people's names and handles in text by their roles (capitalised at the start of a sentence)."""

    def __init__(self, roles: dict[str, str]) -> None:
        # as written ("@maria", "Jane Doe") in any case; a bare handle or a part of a name only capitalised
        # ("Maria", "Doe"): "@will" must not turn every "will" of the text into a role
        self.exact = {person.lower(): role for person, role in roles.items()}
        self.cased: dict[str, str] = {}
        for person, role in roles.items():
            for variant in _variants(person):
                self.cased.setdefault(variant, role)
        self.patterns: list[tuple[re.Pattern[str], Callable[[str], str]]] = [
            (re.compile(_alternatives(self.exact), re.IGNORECASE), self._exact_role),
            (re.compile(_alternatives(self.cased)), self.cased.__getitem__),
        ] if roles else []

    def _exact_role(self, name: str) -> str:
        return self.exact[name.lower()]

    def found(self, text: str) -> list[tuple[str, str]]:
        """Return each (name, role) the text names, before replacement."""
        if text.strip().lower() in self.exact:
            return [(text.strip(), self.exact[text.strip().lower()])]
        found = []
        for pattern, role in self.patterns:
            found += [(m.group(), role(m.group())) for m in pattern.finditer(text)]
            text = pattern.sub(" ", text)
        return found

    def public(self, text: str) -> str:
        """Return ``text`` masked (``core.masking``), then with people named by role."""
        return self(text) if text.strip().lower() in self.exact else self(masking.mask(text))

    def __call__(self, text: str) -> str:
        if text.strip().lower() in self.exact:
            return self.exact[text.strip().lower()]  # the whole value is a person: an actor, an owner, an author
        for pattern, role in self.patterns:
            text = _replace(pattern, role, text)
        return text


def _replace(pattern: re.Pattern[str], role: Callable[[str], str], text: str) -> str:
    return pattern.sub(lambda m: _cased(role(m.group()), text, m.start()), text)


def _alternatives(names: dict[str, str]) -> str:
    ordered = sorted(names, key=len, reverse=True)
    return r"(?<![\w.@])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w@]|\.\w)"


def _variants(person: str) -> list[str]:
    """Return the capitalised ways text may name ``person``: the handle without "@", each part of a full name."""
    bare = person.strip().lstrip("@")
    if "@" in bare:
        return []  # an e-mail address: masked as one
    variants = [bare[:1].upper() + bare[1:]] if person.strip().startswith("@") and len(bare) >= 2 else []
    return variants + [part for part in re.split(r"[\s._-]+", bare) if len(part) >= 3 and part[:1].isupper()]


def _cased(role: str, text: str, at: int) -> str:
    before = text[:at].rstrip(" \t*_\"'“(")
    return role[:1].upper() + role[1:] if not before or before.endswith((".", "!", "?", "\n", ":", "-")) else role


def _without_internal(pm: PostMortem) -> PostMortem:
    events = tuple(e for e in pm.events if not e.internal)
    event_ids = {e.id for e in events}
    factors = tuple(dataclasses.replace(f, evidence_event_ids=tuple(i for i in f.evidence_event_ids if i in event_ids))
                    for f in pm.factors if not f.internal)
    factor_ids = {f.id for f in factors}
    dropped = {f.id for f in pm.factors} - factor_ids
    chains = tuple(c for c in pm.why_chains if c.factor_id not in dropped)
    actions = tuple(dataclasses.replace(a, factor_ids=tuple(i for i in a.factor_ids if i not in dropped))
                    for a in pm.actions)
    internal = set(pm.internal_fields)
    report = dataclasses.replace(pm.report, **{n: WITHHELD for n in _REPORT_FIELDS if n in internal})
    # what was imported stays (the checklist reads it), named by its kind only: file names and addresses are internal
    imports = tuple(dataclasses.replace(i, origin=f"{i.kind.value} import", query="", rejected_reasons=())
                    for i in pm.imports)
    return dataclasses.replace(
        pm, report=report, imports=imports, candidates=(), runbook="", tracker=None,
        events=tuple(dataclasses.replace(e, evidence="") for e in events),
        factors=factors,
        actions=tuple(dataclasses.replace(a, attachment="", attachment_name="") for a in actions),
        why_chains=() if "why_chains" in internal else chains,
        systemic_issues=() if "systemic_issues" in internal else pm.systemic_issues,
        gaps=() if "gaps" in internal else pm.gaps,
        immediate_cause=WITHHELD if "immediate_cause" in internal else pm.immediate_cause,
    )


def _walk(value: T, where: str, visit: Callable[[str, str], str]) -> T:
    """Return ``value`` with ``visit(text, where)`` applied to every free-text string inside it."""
    if isinstance(value, str):
        return visit(value, where)  # type: ignore[return-value]
    if isinstance(value, tuple) and where.endswith("labels"):
        # a label is read with its name, so "instance=db-prod-01" is known for a machine
        return tuple(tuple(visit(f"{k}={v}", where).partition("=")[::2]) for k, v in value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_walk(v, where, visit) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        label = _label(value, where)
        changes = {
            f.name: _walk(getattr(value, f.name), f"{label} · {f.name}".strip(" ·"), visit)
            for f in dataclasses.fields(value)
            if f.init and f.name not in _KEPT
        }
        return dataclasses.replace(value, **changes)
    return value


def _label(value: object, where: str) -> str:
    ident = getattr(value, "id", None)
    if isinstance(value, PostMortem):
        return ""
    if isinstance(ident, str):
        return f"{_NOUNS.get(type(value).__name__, type(value).__name__)} {ident}"
    return where


_NOUNS = {"TimelineEvent": "Timeline event", "ContributingFactor": "Factor", "ActionItem": "Action"}


def _kind(mask: str) -> str:
    return mask.strip("[]")


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
