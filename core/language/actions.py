"""Action specificity: an action is specific when it names the thing to change and a verifiable end state."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.language.checks import check_blameless
from core.language.findings import Finding

ACTION_RULES = ("empty", "vague-action", "too-short")
"""The rule ids of the specificity check (an action can also carry blameless findings)."""

_WHY = "It is too vague to be done or checked: nobody can tell when it is finished, so it will not get done."
_SUGGESTION = (
    "Name the concrete thing to change and a verifiable end state, e.g. \"Add metric db_pool_in_use to the "
    "Checkout dashboard and alert at 80% for 5 min\"."
)

# Evidence of a verifiable end state: a number, a date, a name from the system (file, metric, host, ticket, flag).
_END_STATE = re.compile(
    r"\d|%|\b(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|"
    r"tuesday|wednesday|thursday|friday|q[1-4])\b|\w[_./:#]\w|--\w|`|\"|(?-i:\b[A-Z][a-z]+[A-Z]\w*)",
    re.IGNORECASE,
)
# A concrete change: verbs whose result can be checked when they have an object.
_CONCRETE = re.compile(
    r"(?:add|set|remove|delete|drop|enable|disable|pin|rotate|revert|renew|upgrade|bump|replace|migrate|require|"
    r"block|route|move|limit|cap|raise|lower|reduce|alert|page|write|document|automate|schedule|generate|create|"
    r"store|run|publish|deliver|decommission|configure|restrict|reject|turn|warm|split|keep|make|deploy|install|"
    r"switch|mark|expire|rename|grant|revoke|fail|refuse|print|show|post|link|give|issue|shadow|finish|complete)$",
    re.IGNORECASE,
)
_CONCRETE_THING = re.compile(
    r"\b(?:test|tests|alert|check|hook|flag|prompt|index|limit|timeout|threshold|rule|job|runbook|section|panel|"
    r"template|adr|drill|probe|policy|lock|jitter|protection|versioning|approval|approvals|account|accounts|key|"
    r"keys|record|records|table|bucket|buckets|queue|topic|field|step|bot|controller|mfa|access|backoff|breaker|"
    r"dashboard|page|readme|diagram|checklist|owner|owners|date|calendar|handbook|game day|workshop)\b",
    re.IGNORECASE,
)
# Leading verbs that promise effort, not a result: exhortation, awareness, re-checking, watching, exploring, culture.
_VAGUE_START = re.compile(
    r"^\W*(?:please\s+|we\s+(?:should|must|need\s+to)\s+|team\s+to\s+)?(?:be\s+(?:more\s+)?\w+|"
    r"take\s+(?:more\s+)?care|pay\s+(?:closer\s+|more\s+)?attention|double-check|remember|think|slow\s+down|"
    r"try|stay|don'?t|avoid|communicate|follow|make\s+sure|ensure|educate|raise\s+awareness|train|remind|teach|"
    r"onboard|spread|share|hold\s+a\s+session|provide\s+(?:more\s+)?training|run\s+some\s+training|"
    r"reconsider|revisit|review|re-?evaluate|rethink|re-?examine|audit|go\s+over|reassess|take\s+another\s+look|"
    r"harden|strengthen|improve|enhance|increase|better|more|watch|keep\s+(?:an\s+eye|a\s+closer|monitoring)|"
    r"monitor|track|look\s+into|investigate|explore|consider|research|evaluate|figure\s+out|dig\s+into|"
    r"see\s+if|foster|promote|encourage|build\s+a\s+culture|value|prioriti[sz]e|embrace|celebrate|"
    r"fix\s+the\s+(?:bug|issue|alerting|problem)|clean\s+up|work\s+on|address|streamline|optimi[sz]e|"
    r"do\s+a\s+better|update\s+the\s+docs|make\s+(?:it|the\s+\w+(?:\s+\w+)?)\s+(?:better|more|safer|smoother)|"
    r"make\s+deploys\s+safer|make\s+reliability|make\s+the\s+team\s+aware|make\s+sure)\b",
    re.IGNORECASE,
)
_VAGUE_ANY = re.compile(
    r"\b(?:more\s+(?:resilient|robust|reliable|stable|scalable|fault[\s-]tolerant|dependable|careful|closely|"
    r"carefully|vigilant|thorough)|safer|smoother|better|culture|awareness|less\s+likely|in\s+general|"
    r"best\s+practices|as\s+(?:required|needed|necessary|appropriate))\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(
    r"\b(?:as\s+(?:required|needed|necessary|appropriate)|(?:when|if|where)\s+(?:needed|required|necessary|"
    r"appropriate|it\s+makes\s+sense)|based\s+on\s+traffic|if\s+the\s+\w+\s+grows|when\s+traffic\s+increases)\b",
    re.IGNORECASE)
_PURPOSE = re.compile(r"\b(?:so\s+that|by\s+(?:removing|adding|allowing|requiring|setting|moving|enabling)|"
                      r"and\s+(?:add|set|remove|delete|ship|post|present|make|record|file|require|page|alert)|"
                      r"with\s+a\s+(?:test|prometheus|hands-on)|to\s+under|before\s+they)\b", re.IGNORECASE)


def vagueness(text: str) -> float:
    """Return how sure we are (0 to 1) that the action is too vague to be done or checked."""
    words = text.split()
    vague = bool(_VAGUE_START.search(text)) or bool(_VAGUE_ANY.search(text))
    if _CONDITIONAL.search(text):
        return 0.9
    if len(words) > 18 and text.count(",") + text.count(" and ") >= 3 and not _END_STATE.search(text):
        # A long list of areas with no number or name in it: it reads as a plan, but nothing in it can be checked.
        return 0.85
    if _END_STATE.search(text):
        return 0.3 if _VAGUE_ANY.search(text) else 0.1
    if _PURPOSE.search(text):
        return 0.8 if _VAGUE_ANY.search(text) else 0.2
    if vague:
        return 0.9
    if _CONCRETE.match(words[0]) and _CONCRETE_THING.search(text):
        return 0.2
    if _CONCRETE.match(words[0]) and len(words) >= 4:
        return 0.3
    return 0.8


def check_action(text: str, *, line: int = 1) -> list[Finding]:
    """Return findings when an action item is too vague to be done or verified, then its blameless findings."""
    stripped = text.strip()
    if not stripped:
        return [Finding(line, 0, 0, "", "empty", "The action is empty.", "Write what will change.")]
    score = vagueness(stripped)
    if score >= 0.5:
        rule = "too-short" if len(stripped.split()) < 3 and not _VAGUE_START.search(stripped) else "vague-action"
        return [Finding(line, 0, len(text), stripped, rule, _WHY, _SUGGESTION, score)]
    return [Finding(line, f.start, f.end, f.text, f.rule, f.why, f.suggestion, f.confidence)
            for f in check_blameless(stripped)]


def check_actions(lines: Iterable[str]) -> list[Finding]:
    """Run the specificity check on one action per line (blank lines skipped)."""
    findings: list[Finding] = []
    for number, text in enumerate(lines, start=1):
        if text.strip():
            findings.extend(check_action(text, line=number))
    return findings
