"""Which sentences may hold a blameless finding: cheap word tests, so that only those sentences are parsed.

A sentence is parsed when it may name someone (a handle, a pronoun, a role or team word, a capital that may be a
name), is written all in lower case (chat), or holds a word of judgement ("careless", "human error"). Which act it
describes is left to the rules and the learned judge: a list of verbs here would decide, unseen, what they weigh.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from core.language import lexicon

# Words that start a sentence without naming anyone: a capital after them is not a sign of a name.
_STARTERS = (
    "the a an this that these those it its we our us they their there then when while after before during if "
    "because since as at in on by for from to with without once until although though however also so but and or "
    "no not all each every some most many both one two three several later earlier today yesterday"
)
# A sentence ends at . ! or ? followed by a space or the end: "@sam.lee" and "values.yaml" do not end one.
_SENTENCE = re.compile(r"(?:[^.!?]|[.!?]+(?=[^\s.!?]))+(?:[.!?]+[\"”’)]*|$)")
_JUDGEMENT_ONLY = re.compile(
    r"\b(?:careless\w*|negligen\w*|sloppy|sloppily|lazy|incompeten\w*|inattentive|stupid|rookie|reckless\w*|"
    r"shoddy|silly|obviously|(?:human|operator|engineer|user|pilot|developer|people|person)\s+(?:error|mistake)s?|"
    r"dropped\s+the\s+ball|asleep\s+at\s+the\s+wheel|fault|to\s+blame)\b",
    re.IGNORECASE,
)


def verb_forms(lemma: str) -> set[str]:
    """Return the regular inflected forms of a verb (and a few impossible ones, harmless in a lookup)."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    return {lemma, lemma + "s", lemma + "es", stem + "ed", stem + "ing", lemma + lemma[-1:] + "ed",
            lemma + lemma[-1:] + "ing", lemma[:-1] + "ied" if lemma.endswith("y") else lemma}


def _alternatives(words: set[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


@functools.cache
def _someone() -> re.Pattern[str]:
    """Signs of a person: a handle, a pronoun, a role or team word, a capitalised word that may be a name."""
    pronouns = {"any", "his", "her", "he", "she", "him", "they", "them", "who", "you", "me"}
    words = lexicon.ROLES | lexicon.TEAMS | lexicon.INDEFINITE | pronouns
    starters = _alternatives(set(_STARTERS.split()))
    return re.compile(
        rf"@\w|\b(?i:{_alternatives(set(words))})\b|(?<=\w)\W+[A-Z][\w'’-]*|^\W*(?!(?i:{starters})\b)[A-Z]"
        r"|[^\x00-\x7f]"
    )


def candidates(line: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, sentence) for each sentence of ``line`` that may hold a finding."""
    for match in _SENTENCE.finditer(line):
        sentence = match.group(0).lstrip()
        if not sentence.strip():
            continue
        start = match.end() - len(sentence)
        lower_case = sentence == sentence.lower()
        if lower_case or _JUDGEMENT_ONLY.search(sentence) or _someone().search(sentence):
            yield start, sentence
