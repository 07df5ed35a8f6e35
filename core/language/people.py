"""Who a noun phrase is: how sure we are that it names a person, a role or a team rather than a system."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.language import lexicon, model
from core.language.findings import Context

if TYPE_CHECKING:  # spaCy is imported when the model is first loaded, not with this module
    from spacy.tokens import Token

_NOT_A_NAME = re.compile(r"\.\w|_|/")
_TITLES = frozenset({"mr", "mr.", "ms", "ms.", "mrs", "mrs.", "dr", "dr.", "mx", "mx."})


def _name_tokens(token: Token) -> list[Token]:
    """Return the token with the compound and flat name parts attached to it ("Nguyễn Thị Mai")."""
    parts = [c for c in token.children if c.dep_ in ("compound", "flat", "nmod") and c.i < token.i]
    return [*parts, token]


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
    model.ensure_entities(token.doc)
    known = model.dictionary_words()
    unknown = not any(w.lower_ in known or w.lemma_.lower() in known or w.lower_.removesuffix("s") in known
                      for w in words) and token.text.isalpha()
    if unknown and token.ent_type_ == "PERSON":
        return 0.8
    if unknown and token.pos_ in ("PROPN", "NOUN"):
        # A proper noun that is neither an English word nor a known technology: most often a name.
        return 0.7
    if token.ent_type_ == "PERSON":
        return 0.7 if token.pos_ == "PROPN" else 0.6
    return 0.0


def is_generic_person(token: Token) -> bool:
    """Return True for a person described by kind, not name: "any engineer", "anyone", "a careful reviewer"."""
    return token.lower_ in lexicon.INDEFINITE or token.lower_ in lexicon.ROLES
