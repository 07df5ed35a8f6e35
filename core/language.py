"""Blameless-language and action-specificity checks, each finding with why and a suggested rewrite."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


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


@dataclass(frozen=True)
class _Rule:
    id: str
    pattern: re.Pattern[str]
    why: str
    suggestion: str


# People named as the cause: an @handle, a capitalised name or a role, then causal/fault wording.
_ROLE = (
    r"(?i:(?:the\s+|our\s+|an?\s+)?"
    r"(?:on-?call(?:\s+engineer)?|engineer(?:\s+on[\s-]call)?|operator|developer|admin(?:istrator)?|sre|intern|"
    r"dev|dba|team\s+lead|tech\s+lead|lead|manager|new\s+hire|contractor))"
)
_NOT_NAMES = "The|This|That|These|Those|It|A|An|Our|Their|Its|Which|What|When|If|And|But|Then|No|One"
_NAME = rf"(?:@[\w.-]+|(?!(?:{_NOT_NAMES})\b)[A-Z][a-z]+)"
_CAUSAL = (
    r"(?i:caused|broke|forgot|failed\s+to|neglected|messed\s+up|screwed\s+up|ignored|overlooked|"
    r"mistakenly|accidentally|carelessly|didn'?t\s+(?:check|test|notice)|did\s+not\s+(?:check|test|notice))"
)

_RULES: tuple[_Rule, ...] = (
    _Rule(
        "person-as-cause",
        re.compile(rf"(?<![\w@])(?:{_NAME}|{_ROLE})(?:'s)?\s+{_CAUSAL}\b"),
        "It names a person as the cause. People act within a system that allowed the outcome; "
        "blaming them stops the analysis and makes the next person hide problems.",
        "Describe what happened and what allowed it, e.g. \"The deploy of v2.3 ran without a "
        "query-plan check\" instead of \"Bob broke the database\".",
    ),
    _Rule(
        "person-fault",
        re.compile(rf"(?<![\w@])(?:{_NAME}|{_ROLE})'s\s+(?i:mistake|fault|error|negligence|carelessness)\b"),
        "It attributes the incident to a person's fault.",
        "Ask \"what made this possible, and what would have caught it?\" and write that down instead.",
    ),
    _Rule(
        "human-error",
        re.compile(r"\b(?:human|operator|engineer|user|pilot)\s+error\b", re.IGNORECASE),
        "\"Human error\" is where an analysis stops, not where it ends: it explains nothing about the system.",
        "Name the condition that let the action have this effect (a missing check, a confusing tool, "
        "an unsafe default).",
    ),
    _Rule(
        "blame-word",
        re.compile(
            r"\b(?:mistakes?|careless(?:ness|ly)?|negligen(?:t|ce)|sloppy|lazy|incompeten(?:t|ce)|"
            r"at\s+fault|to\s+blame|blamed?|forgot)\b",
            re.IGNORECASE,
        ),
        "It is blame wording: it judges people instead of describing the system.",
        "State the fact neutrally (what happened, what the system allowed), e.g. \"the config change was "
        "applied without review\".",
    ),
    _Rule(
        "hindsight",
        re.compile(
            r"\b(?:should\s+(?:not\s+)?have|should'?ve|shouldn'?t\s+have|could\s+have\s+easily|obviously|simply|"
            r"just\s+had\s+to)\b",
            re.IGNORECASE,
        ),
        "It is hindsight wording: it was not obvious at the time, or it would not have happened.",
        "Describe what the responders knew at the time and what would have made the right move easy.",
    ),
)


def check_blameless(text: str) -> list[Finding]:
    """Return the blameless-language findings of ``text``, line by line, without overlaps."""
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        taken: list[tuple[int, int]] = []
        for rule in _RULES:
            for match in rule.pattern.finditer(line):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                taken.append((match.start(), match.end()))
                suggestion = _rewrite(line, match) if rule.id == "person-as-cause" else rule.suggestion
                findings.append(
                    Finding(number, match.start(), match.end(), match.group(0), rule.id, rule.why, suggestion)
                )
    findings.sort(key=lambda f: (f.line, f.start))
    return findings


_VERB_REWRITES: tuple[tuple[str, str], ...] = (
    (r"caused", "{rest} followed a change that nothing stopped"),
    (r"broke", "{rest} broke after a change that no check caught"),
    (r"forgot|failed\s+to|neglected|did\s+not\s+\w+|didn'?t\s+\w+",
     "The step “{rest}” did not happen, and nothing prompted or checked it"),
)


def _rewrite(line: str, match: re.Match[str]) -> str:
    """Suggest a system-focused version of a person-as-cause sentence."""
    rest = re.sub(r"^to\s+", "", line[match.end():].strip().rstrip("."))
    negated = re.search(r"(?:did\s+not|didn'?t)\s+(\w+)$", match.group(0), re.IGNORECASE)
    if negated:
        rest = f"{negated.group(1)} {rest}".strip()
    for pattern, template in _VERB_REWRITES:
        if rest and re.search(pattern, match.group(0), re.IGNORECASE):
            if template.startswith("{rest}"):
                rest = rest[0].upper() + rest[1:]
            sentence = template.format(rest=rest)
            return f"Try: \"{sentence}.\" Then ask what allowed it, and what would have caught it."
    return (
        "Describe what happened and what allowed it, e.g. \"The deploy of v2.3 ran without a query-plan check\" "
        "instead of \"Bob broke the database\"."
    )


def is_blame_ending(text: str) -> bool:
    """Return True when a cause or chain answer stops at a person or at "human error"."""
    return bool(check_blameless(text)) or bool(_BARE_PERSON.fullmatch(text.strip().rstrip(".")))


_BARE_PERSON = re.compile(rf"(?:{_NAME}|{_ROLE})")


_VAGUE = re.compile(
    r"^\s*(?:(?:improve|better|enhance|increase|more|strengthen|review|revisit|look\s+into|investigate|"
    r"consider|think\s+about|try\s+to|ensure|make\s+sure)\b(?:\s+(?:the|our|overall))?\s+"
    r"(?:monitoring|testing|tests|alerting|alerts|communication|documentation|docs|processes?|quality|"
    r"reliability|observability|coverage|resilience|stability|things|it|this|that|awareness|training|"
    r"code\s+review|reviews)?\b\.?\s*$|be\s+more\s+(?:careful|vigilant|attentive|thorough)\b|"
    r"(?:look\s+into|investigate|think\s+about)\b)",
    re.IGNORECASE,
)


def check_action(text: str, *, line: int = 1) -> list[Finding]:
    """Return findings when an action item is too vague to be done or verified."""
    stripped = text.strip()
    if not stripped:
        return [Finding(line, 0, 0, "", "empty", "The action is empty.", "Write what will change.")]
    why = (
        "It is too vague to be done or checked: nobody can tell when it is finished, so it will not get done."
    )
    suggestion = (
        "Name the concrete thing to change and a verifiable end state, e.g. \"Add metric db_pool_in_use "
        "to the Checkout dashboard and alert at 80% for 5 min\"."
    )
    match = _VAGUE.search(stripped)
    if match:
        return [Finding(line, 0, len(text), stripped, "vague-action", why, suggestion)]
    if len(stripped.split()) < 4:
        return [Finding(line, 0, len(text), stripped, "too-short", why, suggestion)]
    return check_blameless(stripped)


def check_actions(lines: Iterable[str]) -> list[Finding]:
    """Run the specificity check on one action per line (blank lines skipped)."""
    findings: list[Finding] = []
    for number, text in enumerate(lines, start=1):
        if text.strip():
            findings.extend(check_action(text, line=number))
    return findings
