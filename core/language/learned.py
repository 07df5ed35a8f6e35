"""A learned second opinion on blame: a logistic model over the grammar of a sentence that names someone.

The rules (``blame``) each find one grammatical form of blame, and say which; what they do not know, this model may
still see: which words surround a person, in which role the person stands (subject, possessor, agent), what their
verb governs. It is trained on the dev corpus only (``python -m testing.blame_model``), its weights are shipped as
``blame_weights.json``, and it is scored, like the rules, on the held-out splits. Only a sentence in which someone
(a name, a role, a team, a pronoun, an @handle) was found is ever scored: a sentence about systems alone cannot
blame a person, whatever its words.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from core.language import lexicon

if TYPE_CHECKING:  # spaCy is imported when the model is first loaded, not with this module
    from spacy.tokens import Span, Token

WEIGHTS = "blame_weights.json"


def _kind(person: Token) -> str:
    lowered = person.lower_
    if person.text.startswith("@"):
        return "handle"
    if lowered in lexicon.TEAMS:
        return "team"
    if lowered in lexicon.ROLES or person.lemma_.lower() in lexicon.ROLES:
        return "role"
    return "pronoun" if person.pos_ == "PRON" else "name"


def _word(token: Token, people: set[int]) -> str:
    if token.i in people:
        return "<person>"
    if token.like_num:
        return "<num>"
    if token.pos_ == "PROPN" or token.text.startswith("@"):
        return "<name>"
    return token.lemma_.lower()


def features(sent: Span, people: Iterable[Token]) -> list[str]:
    """Return the features of a sentence in which ``people`` were found: its words, and each person's place."""
    found = list(people)
    # the whole phrase naming someone ("one of the engineers", "the night-shift operator") is one <person>: how
    # someone is named is no evidence of blame, what is said of them is
    indexes = {t.i for p in found
               for t in (p.subtree if p.lower_ in lexicon.PARTITIVES else p.doc[p.left_edge.i:p.i + 1])}
    out: list[str] = []
    for person in found:
        head = person.head
        verb = head.lemma_.lower()
        out += [f"role:{person.dep_}", f"kind:{_kind(person)}", f"head:{person.dep_}:{verb}", f"verb:{verb}"]
        for child in head.children:
            if child.i not in indexes and child.dep_ in ("dobj", "prt", "acomp", "oprd", "advmod", "neg", "aux",
                                                         "xcomp", "prep", "auxpass", "agent"):
                out.append(f"verb:{child.dep_}:{child.lemma_.lower()}")
    words: list[str] = []
    for t in sent:
        word = _word(t, indexes)
        if not (t.is_punct or t.is_space) and not (word == "<person>" and words and words[-1] == word):
            words.append(word)
    out += [f"w:{w}" for w in words]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if sent.text.rstrip().endswith("?"):
        out.append("question")
    return out


@dataclass(frozen=True)
class Model:
    """The shipped weights: a bias, one weight per feature, and the probability from which it reports blame."""

    bias: float
    weights: dict[str, float]
    threshold: float

    def probability(self, found: Iterable[str]) -> float:
        """Return the model's probability that a sentence with these features blames someone."""
        score = self.bias + sum(self.weights.get(f, 0.0) for f in set(found))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, score))))


@functools.cache
def model() -> Model:
    """Return the shipped model, read once per process."""
    data = json.loads((resources.files("core.language") / WEIGHTS).read_text(encoding="utf-8"))
    return Model(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"]))
