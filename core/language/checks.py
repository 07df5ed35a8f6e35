"""The blameless-language check of a text: parse each line, run the rules, keep the surest finding per sentence."""

from __future__ import annotations

import functools
import re

from core.language import blame, model, prefilter
from core.language.findings import NO_CONTEXT, Context, Finding
from core.language.people import person_score, systems_named

WHY: dict[str, tuple[str, str]] = {
    "person-as-cause": (
        "It names a person as the cause. People act within a system that allowed the outcome; blaming them stops "
        "the analysis and makes the next person hide problems.",
        "Make the change or the system the subject, then say what allowed it and what would have caught it.",
    ),
    "person-as-agent": (
        "The passive sentence still names a person as the one who did the harm.",
        "Drop the person: say what was done and what allowed it.",
    ),
    "person-fault": (
        "It attributes the incident to a person's fault or judges their work.",
        "Ask \"what made this possible, and what would have caught it?\" and write that down instead.",
    ),
    "person-judged": (
        "It judges a person instead of describing what happened.",
        "State what happened and what the tools or process allowed.",
    ),
    "counterfactual": (
        "It is a counterfactual about a person: it judges with knowledge they did not have at the time.",
        "Describe what they knew at the time and what would have made the right move easy or automatic.",
    ),
    "hindsight": (
        "It is hindsight wording: it was not obvious at the time, or it would not have happened.",
        "Describe what the responders knew at the time and what would have made the right move easy.",
    ),
    "hindsight-generic": (
        "It says anyone would have seen it: a judgement made knowing the outcome.",
        "Say what made the signal hard to see, and what would make it easy to see next time.",
    ),
    "human-error": (
        "\"Human error\" is where an analysis stops, not where it ends: it explains nothing about the system.",
        "Name the condition that let the action have this effect (a missing check, a confusing tool, an unsafe "
        "default).",
    ),
    "person-blamed": (
        "It reads as blaming a person: they are at the centre of what went wrong, not the system they worked in.",
        "Make the change or the system the subject, then say what allowed it and what would have caught it.",
    ),
    "blame-question": (
        "The question asks why a person acted, which reads as an accusation and gets a defence, not an answer.",
        "Ask what the system did or allowed: \"What made pushing straight to main possible?\"",
    ),
    "blame-word": (
        "It is blame wording: it judges people instead of describing the system.",
        "State the fact neutrally (what happened, what the system allowed), e.g. \"the config change was applied "
        "without review\".",
    ),
}
"""Each blameless rule's id: why it is a finding, and what to write instead."""

def check_blameless(text: str, *, context: Context = NO_CONTEXT) -> list[Finding]:
    """Return the blameless-language findings of ``text``, line by line, one per sentence at most."""
    # a page rerun checks every text of the post-mortem (500 events at full size) for the sidebar and the
    # gates; only the text just edited is new, so the answer for each (text, what the post-mortem knows) is kept
    return list(_check_blameless(text, context))


# A line that starts a block of its own, never the wrapped rest of a sentence: a list item, a heading, a table row,
# a quote, a timeline entry ("14:02 UTC — …", "T+12m:"), a code fence.
PARAGRAPH_CAP = 1_500
"""Lines are joined up to this many characters: a longer run with no sentence end is no prose to read whole, and
parsing it as one sentence costs more than its lines apart (text an attacker chooses)."""
_BLOCK_START = re.compile(r"\s*(?:[-*+>#|]|\d+[.)]\s|\d{1,2}:\d{2}|T[+-]\d|```)")


def paragraphs(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Return the text's paragraphs, hard-wrapped lines joined, each with the (line, column) of every character.

    Published post-mortems are often wrapped at 80 columns: a sentence read line by line is read in pieces.
    """
    out: list[tuple[str, list[tuple[int, int]]]] = []
    chars: list[str] = []
    where: list[tuple[int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        wrapped = bool(chars) and line.strip() and not _BLOCK_START.match(line) and len(where) < PARAGRAPH_CAP
        if not wrapped and chars:
            out.append(("".join(chars), where))
            chars, where = [], []
        if not line.strip():
            continue
        if chars:
            chars.append(" ")
            where.append((number, 0))
        chars.append(line)
        where += [(number, column) for column in range(len(line))]
    if chars:
        out.append(("".join(chars), where))
    return out


def with_own_systems(text: str, context: Context) -> Context:
    """Return ``context`` with what ``text`` itself uses as things ("my Repl", "the fritz Redis") as its systems."""
    things = frozenset(w for w in systems_named(text) if not context.is_person(w))
    return Context(context.people, context.systems | things) if things - context.systems else context


@functools.lru_cache(maxsize=8192)
def _check_blameless(text: str, context: Context) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    context = with_own_systems(text, context)
    lines = text.splitlines()
    pieces = [(where, offset, sentence) for paragraph, where in paragraphs(text)
              for offset, sentence in prefilter.candidates(paragraph)]
    docs = model.parse_lines([sentence for _, _, sentence in pieces])
    for (where, offset, sentence), doc in zip(pieces, docs, strict=True):
        for sent in doc.sents:
            hits = blame.find(sent, context)
            if not hits:
                continue
            hit = hits[0]
            start, end = blame.span_of(hit)
            line, column = where[offset + start]
            last_line, last_column = where[offset + end - 1]
            length = end - start if last_line == line else len(lines[line - 1]) - column
            why, suggestion = WHY[hit.rule]
            findings.append(Finding(line, column, column + length, sentence[start:start + length], hit.rule, why,
                                    hit.suggestion or suggestion, round(hit.confidence, 2)))
    return tuple(findings)


def forget_answers() -> None:
    """Forget the answers kept per text, so that the next check runs the rules again (used to measure speed)."""
    _check_blameless.cache_clear()


def is_blame_ending(text: str, *, context: Context = NO_CONTEXT) -> bool:
    """Return True when a cause or chain answer stops at a person or at "human error"."""
    if any(f.confident for f in check_blameless(text, context=context)):
        return True
    stripped = text.strip().rstrip(".")
    if not stripped or len(stripped.split()) > 5:
        return False
    doc = model.parse(stripped)
    if any(t.pos_ in ("VERB", "AUX") for t in doc):
        return False
    root = next(iter(doc.sents)).root
    return person_score(root, context) >= 0.7 or root.lower_ in ("error", "mistake")
