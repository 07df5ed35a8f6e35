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

# Evidence of a verifiable end state: a number, a date, a name from the system (file, metric, host, ticket).
_END_STATE = re.compile(
    r"\d|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|half|every|all|each|any|zero|no)\b|"
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|monday|tuesday|"
    r"wednesday|thursday|friday|q[1-4]|quarter|sprint)\b|"
    r"\w[_./:#]\w|--\w|`|\"|(?-i:\b[A-Z][a-z]+[A-Z]\w*|\b[A-Z]{2,}\b)",
    re.IGNORECASE,
)
# A concrete change: verbs whose result can be checked when they have an object.
_CONCRETE = re.compile(
    r"\b(?:add|set|remove|delete|drop|enable|disable|pin|rotate|revert|renew|upgrade|bump|replace|migrate|require|"
    r"block|route|move|limit|cap|raise|lower|reduce|alert|page|write|document|automate|schedule|generate|create|"
    r"store|run|publish|deliver|decommission|configure|restrict|reject|turn|warm|split|keep|make|deploy|install|"
    r"switch|mark|expire|rename|grant|revoke|fail|refuse|print|show|post|link|give|issue|shadow|finish|complete)\b",
    re.IGNORECASE,
)
_CONCRETE_THING = re.compile(
    r"\b(?:test|tests|alert|check|hook|flag|prompt|index|limit|timeout|threshold|rule|job|runbook|section|panel|"
    r"template|adr|drill|probe|policy|lock|jitter|protection|versioning|approval|approvals|account|accounts|key|"
    r"keys|record|records|table|bucket|buckets|queue|topic|field|step|bot|controller|mfa|access|backoff|breaker|"
    r"dashboard|page|readme|diagram|checklist|owner|owners|date|calendar|handbook|game day|workshop)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"\b(?:be\s+(?:more\s+)?(?:careful|vigilant|attentive|thorough)|more\s+care|pay\s+(?:closer\s+|more\s+)?attention|"
    r"double-check|remember\s+to|think\s+twice|slow\s+down|try\s+(?:harder|to)|stay\s+alert|don'?t|avoid|"
    r"communicate\s+better|need\s+to|needs\s+to|must|should|make\s+sure|ensure|educate|awareness|aware|train|"
    r"training|remind|knowledge|teach|onboard|spread\s+the\s+word|share\s+lessons|knows?\s+about|session\s+on|"
    r"reconsider|revisit|review|re-?evaluate|rethink|re-?examine|audit|go\s+over|reassess|another\s+look|"
    r"(?:more|less)\s+(?:resilient|robust|reliable|stable|scalable|fault[\s-]tolerant|dependable|closely|carefully|"
    r"actively|monitoring|alerts|tests)|safer|smoother|better|harden|strengthen|resilience|robustness|reliability|"
    r"stability|performance|observability|watch|keep\s+an\s+eye|keep\s+a\s+closer|monitor|track|look\s+into|"
    r"investigate|explore|consider|think\s+about|research|evaluate|figure\s+out|dig\s+into|see\s+if|foster|"
    r"promote|encourage|culture|value|prioriti[sz]e|embrace|celebrate|responsibility|as\s+(?:required|needed|"
    r"necessary|appropriate)|(?:when|if|where)\s+(?:needed|required|necessary|appropriate|it\s+makes\s+sense)|"
    r"if\s+the|when\s+traffic|improve|enhance|streamline|optimi[sz]e|fix\s+the\s+bug|clean\s+up|work\s+on|address|"
    r"do\s+a\s+better|update\s+the\s+docs|more\s+tests|more\s+workers|more\s+replicas|more\s+monitoring)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(
    r"\b(?:as\s+(?:required|needed|necessary|appropriate)|(?:when|if|where)\s+(?:needed|required|necessary|"
    r"appropriate|it\s+makes\s+sense)|based\s+on\s+traffic)\b", re.IGNORECASE)
_PURPOSE = re.compile(r"\b(?:so\s+that|by\s+\w+ing|and\s+(?:add|set|remove|delete|ship|post|present|make|record|"
                      r"file|require|page|alert)|with\s+a\s+(?:test|prometheus|hands-on)|to\s+under|before\s+they)\b",
                      re.IGNORECASE)


def vagueness(text: str) -> float:
    """Return how sure we are (0 to 1) that the action is too vague to be done or checked."""
    words = text.split()
    end_state = bool(_END_STATE.search(text)) or bool(_PURPOSE.search(text))
    vague = _VAGUE.search(text)
    if _CONDITIONAL.search(text):
        return 0.9
    if end_state:
        return 0.1 if not vague or _END_STATE.search(text) and len(words) > 6 else 0.4
    if len(words) > 18 and text.count(",") + text.count(" and ") >= 3:
        # A long list of areas with no end state: it reads as a plan but nothing in it can be checked.
        return 0.85
    if vague:
        return 0.9
    if _CONCRETE.search(words[0]) and _CONCRETE_THING.search(text):
        return 0.2
    if _CONCRETE.search(words[0]) and len(words) >= 4:
        return 0.3
    return 0.8


def check_action(text: str, *, line: int = 1) -> list[Finding]:
    """Return findings when an action item is too vague to be done or verified, then its blameless findings."""
    stripped = text.strip()
    if not stripped:
        return [Finding(line, 0, 0, "", "empty", "The action is empty.", "Write what will change.")]
    score = vagueness(stripped)
    if score >= 0.5:
        rule = "too-short" if len(stripped.split()) < 3 and not _VAGUE.search(stripped) else "vague-action"
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
