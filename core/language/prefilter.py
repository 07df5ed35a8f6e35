"""Which sentences may hold a blameless finding: cheap word tests, so that only those sentences are parsed.

A sentence is parsed when it may name someone (a handle, a pronoun, a role or team word, a capital that may be a
name; in chat written all in lower case, a word that is no English word), or holds a word of judgement
("careless", "human error"). Which act it
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
_STARTER_WORDS = frozenset(_STARTERS.split())
_CALENDAR = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                       "february", "march", "april", "may", "june", "july", "august", "september", "october",
                       "november", "december"})
_PAST_SIGNS = frozenset(lexicon.IRREGULAR_PAST) | {"has", "had", "did", "didn't", "never", "should"}
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
    """Signs of a person in words: a handle, a pronoun, a role or team word, someone unnamed."""
    pronouns = {"any", "his", "her", "he", "she", "him", "they", "them", "who", "you", "me", "i"}
    words = lexicon.ROLES | lexicon.TEAMS | lexicon.INDEFINITE | pronouns
    return re.compile(rf"@\w|\b(?i:{_alternatives(set(words))})\b")


_CAPITALISED = re.compile(r"(?<![\w.'’])[A-Z][\w-]*")


def _may_name(sentence: str) -> bool:
    """Return True when a sentence may name someone: a sign of a person, a letter beyond ASCII (a name such as
    "Łucja"), or a capitalised word that is none of a known technology, an acronym, a CamelCase identifier, a day or
    a month, a word that starts a sentence without naming anyone, or a plain English word that starts it."""
    if _someone().search(sentence) or any(not c.isascii() and c.isalpha() for c in sentence):
        return True
    first = len(sentence) - len(sentence.lstrip("\"'“*_#>- "))
    for match in _CAPITALISED.finditer(sentence):
        word = match.group(0).rstrip("-")
        lowered = word.lower()
        if lowered in lexicon.TECHNOLOGY or lowered in _STARTER_WORDS or lowered in _CALENDAR or any(
                c.isupper() or c.isdigit() for c in word[1:]):
            continue
        if match.start() == first and not _first_word_may_name(word, sentence[match.end():]):
            continue
        return True
    return False


def _chat_may_name(sentence: str) -> bool:
    """Return True when a sentence written all in lower case may name someone: a word that is no English word
    ("kenta broke prod"), or a first name that is no common word; identifiers and numbers name things."""
    from core.language import model  # the word list is the pipeline's own, loaded with it

    known = model.dictionary_words()
    for word in re.findall(r"(?<![\w.])[a-z][a-z'’-]*(?![\w.])", sentence):
        if lexicon.is_first_name(word, lower_case_text=True) or not _known(word.strip("'’-"), known):
            return True
    return False


def _known(word: str, known: frozenset[str]) -> bool:
    """Return True when ``word`` or its stem ("requests", "estimated", "timing") is an English word."""
    word = word.removesuffix("'s").removesuffix("’s")
    stems = {word}
    for suffix, endings in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stems |= {word[:-len(suffix)] + ending for ending in endings}
    if word.endswith(("ed", "ing")) and len(word) > 5:
        base = word[:-2] if word.endswith("ed") else word[:-3]
        if base[-1] == base[-2]:
            stems.add(base[:-1])  # "stopped", "running"
    return bool(stems & known) or word in _STARTER_WORDS


_SUFFIXES = (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ied", ("y",)), ("ed", ("", "e")),
             ("ing", ("", "e")))


def _first_word_may_name(word: str, rest: str) -> bool:
    """Return True when a sentence's first word may name someone: not an English word, a first name, or a word
    that owns or acts in the past ("Platform shipped…", "Billing's migration…"), as a team named by a word does."""
    from core.language import model  # the word list is the pipeline's own, loaded with it

    if not _known(word.lower(), model.dictionary_words()) or lexicon.is_first_name(word, lower_case_text=False):
        return True
    follows = _NEXT_WORD.match(rest)
    after = follows.group(1).strip().lower() if follows else ""
    return after in ("'s", "’s") or after in _PAST_SIGNS or after.endswith("ed")


_NEXT_WORD = re.compile(r"('s|’s|\s+[\w'’-]+)")


SENTENCE_CAP = 500
"""A run longer than this many characters with no sentence end is no prose sentence (a paste, a log): it is read in
pieces of at most this size, cut at a space, so that reading it costs what its length does (the rules' reading of a
sentence grows faster than its length)."""


def _sentences(line: str) -> Iterator[tuple[int, str]]:
    for match in _SENTENCE.finditer(line):
        sentence = match.group(0).lstrip()
        start = match.end() - len(sentence)
        while len(sentence) > SENTENCE_CAP:
            cut = sentence.rfind(" ", SENTENCE_CAP // 2, SENTENCE_CAP)
            cut = cut if cut > 0 else SENTENCE_CAP
            yield start, sentence[:cut]
            rest = sentence[cut:].lstrip()
            start += len(sentence) - len(rest)
            sentence = rest
        yield start, sentence


def candidates(line: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, sentence) for each sentence of ``line`` that may hold a finding."""
    for start, sentence in _sentences(line):
        if not sentence.strip():
            continue
        lower_case = sentence == sentence.lower()
        if _JUDGEMENT_ONLY.search(sentence) or (
                _someone().search(sentence) or _chat_may_name(sentence) if lower_case else _may_name(sentence)):
            yield start, sentence
