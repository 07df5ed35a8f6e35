"""Who a noun phrase is: how sure we are that it names a person, a role or a team rather than a system."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.language import lexicon, model
from core.language.findings import Context

if TYPE_CHECKING:  # spaCy is imported when the model is first loaded, not with this module
    from spacy.tokens import Token

_NOT_A_NAME = re.compile(r"\.\w|_|/")
# How a text names a thing, never a person: "my Repl", "every Widget", "the fritz Redis", "Repl data", "new Repls".
_OWNED = r"(?i:my|your|our|its|this|that|these|those|every|each|any|no|new|old|affected|existing|running|other)"
_THING_NOUNS = (
    "server servers host hosts node nodes cluster clusters instance instances service services database databases db "
    "api apis sdk cli app apps bot bots pod pods vm vms machine machines worker workers queue queues bucket buckets "
    "repo repos repository image images container containers data function functions dashboard dashboards account "
    "accounts endpoint endpoints job jobs daemon process version versions release releases build builds plugin"
)
_TITLES = frozenset({"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "mx", "mx."})


def _name_tokens(token: Token) -> list[Token]:
    """Return the token with the compound and flat name parts attached to it ("Nguyễn Thị Mai")."""
    parts = [c for c in token.children if c.dep_ in ("compound", "flat", "nmod") and c.i < token.i]
    return [*parts, token]


def systems_named(text: str) -> frozenset[str]:
    """Return the capitalised words ``text`` itself uses as things: after "my", "every", "new"…, before a system
    noun or a known technology ("the fritz Redis", "Repl data"), or in a plural ("Repls"); a name is used as none."""
    found: set[str] = set()
    words = set(re.findall(r"\b[A-Z][a-z]+[A-Za-z]*\b", text))
    if not words:
        return frozenset()
    nouns = "|".join(sorted(set(_THING_NOUNS.split()) | lexicon.TECHNOLOGY, key=len, reverse=True))
    follows = re.compile(rf"\b([A-Za-z][a-z]+)\s+(?i:{nouns})\b")
    found |= {m.group(1).lower() for m in follows.finditer(text)}
    found |= {m.group(1).lower() for m in re.finditer(rf"\b{_OWNED}\s+([A-Z][a-z]+)\b", text)}
    found |= {w.lower() for w in words if w + "s" in words}
    return frozenset(found & {w.lower() for w in words})


def person_score(token: Token, context: Context) -> float:
    """Return how sure we are (0 to 1) that ``token``, the head of a noun phrase, is a person or group of people."""
    lowered = token.lower_
    words = _name_tokens(token)
    if any(context.is_system(w.text) or w.lower_ in lexicon.TECHNOLOGY for w in words):
        return 0.0
    if lowered in lexicon.NOT_PEOPLE or token.pos_ in ("NUM", "VERB", "ADJ", "ADV"):
        return 0.0
    if not token.text.startswith("@") and (_NOT_A_NAME.search(token.text) or any(c.isdigit() for c in token.text)):
        return 0.0  # a domain, a file or a version (GitLab.com, values.yaml, db-2) names a thing
    if token.text.startswith("@") or any(context.is_person(w.text) for w in words):
        return 0.95
    if any(w.lower_ in _TITLES for w in words):
        return 0.95
    on_call = lowered == "call" and any(c.lower_ == "on" for c in token.children)
    if lowered in lexicon.ROLES or token.lemma_.lower() in lexicon.ROLES or on_call:
        return 0.85
    if lowered in lexicon.TEAMS:
        return 0.8
    if token.text.isupper() and len(token.text) > 1:
        return 0.0  # an acronym (UI, API, DNS) names a thing; teams such as QA are matched above
    if token.text[:1].isupper():
        return _proper_name_score(token, words)
    lower_case_text = token.sent.text == token.sent.text.lower()
    if token.pos_ in ("NOUN", "PROPN") and lexicon.is_first_name(lowered, lower_case_text=lower_case_text):
        return 0.75 if lower_case_text else 0.0
    if lower_case_text and token.pos_ == "PROPN" and token.dep_ in ("nsubj", "poss") and token.text.isalpha():
        # chat written all in lower case ("rafa broke checkout again"): the parser's proper noun, when it is
        # no English word, is most often a name
        known = model.dictionary_words()
        if lowered not in known and token.lemma_.lower() not in known:
            return 0.7
    return 0.0


def _proper_name_score(token: Token, words: list[Token]) -> float:
    if any(lexicon.is_first_name(w.text, lower_case_text=False) for w in words):
        # A capitalised census first name; at the start of a sentence it may still be an ordinary word ("Will").
        return 0.9 if token.pos_ == "PROPN" or token.i != token.sent.start else 0.7
    if any(not w.text.isascii() and w.text.isalpha() for w in words):
        return 0.85
    known = model.dictionary_words()
    unknown = not any(w.lower_ in known or w.lemma_.lower() in known or w.lower_.removesuffix("s") in known
                      for w in words) and token.text.isalpha()
    if unknown and token.pos_ in ("PROPN", "NOUN"):
        # A proper noun that is neither an English word nor a known technology: most often a name.
        return 0.7
    if token.pos_ == "PROPN" and token.dep_ in _WHERE_BLAME_LANDS and token.i != token.sent.start:
        # A proper noun that is also an English word ("Raj", "Hope") where blame lands, not where any word is
        # capitalised: the entity tagger, run only here (it costs as much as the parse), tells a name from a thing.
        return 0.7 if model.entity_type(token) == "PERSON" else 0.0
    return 0.0


_WHERE_BLAME_LANDS = frozenset({"nsubj", "nsubjpass", "poss", "pobj", "appos", "attr", "conj"})


def is_generic_person(token: Token) -> bool:
    """Return True for a person described by kind, not name: "any engineer", "anyone", "a careful reviewer"."""
    return token.lower_ in lexicon.INDEFINITE or token.lower_ in lexicon.ROLES
