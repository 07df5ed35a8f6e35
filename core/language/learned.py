"""The learned judge of blame: a logistic model that weighs what the rules found with the grammar of the sentence.

The rules (``blame``) each find one grammatical form of blame, and say which; alone they fit the sentences they were
written with and miss, or misread, much of what others write. This model decides: it sees which rules matched and
how surely, who the sentence names and in which role (subject, possessor, agent; a name, a role, a team, a pronoun,
someone unnamed, a capitalised word that may be a team), what kind of verb they govern, and the sentence's words with
people and names masked. It is trained on the dev corpus only (``python -m testing.blame_model``), its weights are
shipped as ``blame_weights.json``, and it is scored on the held-out splits. Only a sentence that names someone or
that a rule matched is ever scored: a sentence about systems alone cannot blame a person, whatever its words.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from core.language import lexicon

if TYPE_CHECKING:  # spaCy is imported when the model is first loaded, not with this module
    from spacy.tokens import Span, Token

WEIGHTS = "blame_weights.json"
_ROLES_OF_BLAME = ("nsubj", "nsubjpass", "poss", "pobj")


def kind(person: Token) -> str:
    """Return how a sentence names someone: a handle, a team, a role, a pronoun, someone unnamed, or a name."""
    lowered = person.lower_
    if person.text.startswith("@"):
        return "handle"
    if lowered in lexicon.TEAMS:
        return "team"
    if lowered in lexicon.ROLES or person.lemma_.lower() in lexicon.ROLES:
        return "role"
    if lowered in lexicon.INDEFINITE or lowered in ("who", "whoever"):
        return "unnamed"
    return "pronoun" if person.pos_ == "PRON" else "name"


def _word(token: Token, people: set[int]) -> str:
    if token.i in people:
        return "<person>"
    if token.like_num:
        return "<num>"
    if token.pos_ == "PROPN" or token.text.startswith("@"):
        return "<name>"
    return token.lemma_.lower()


def _category(token: Token, scores: dict[int, float]) -> str:
    """Return what a subject, possessor or object is: someone (surely or maybe), a technology, a capitalised word."""
    if token.i in scores:
        return f"{kind(token)}:{'sure' if scores[token.i] >= 0.8 else 'maybe'}"
    if token.lower_ in lexicon.TECHNOLOGY:
        return "technology"
    if token.pos_ == "PRON":
        return f"pron:{token.lower_}"
    if token.text[:1].isupper():
        return "capital" if token.i != token.sent.start else "capital-first"
    return "thing"


def features(sent: Span, someone: Iterable[tuple[Token, float]], rules: Iterable[tuple[str, float]],
             verb_class: Callable[[Token], str]) -> list[str]:
    """Return the features of a sentence: the rules that matched, who it names and how, and its masked words.

    ``someone`` are the people (or maybe-people) found with how sure each is, ``rules`` the (rule id, confidence)
    of the rule matches, ``verb_class`` the kind of act a verb names (a fault, a remedy, ordinary work…).
    """
    found = list(someone)
    scores = {t.i: s for t, s in found}
    out: list[str] = []
    for rule, confidence in rules:
        out += ["rule", f"rule:{rule}", f"rule:{rule}:{int(confidence * 10)}"]
    # the whole phrase naming someone ("one of the engineers", "the night-shift operator") is one <person>: how
    # someone is named is no evidence of blame, what is said of them is
    indexes = {t.i for p, _ in found
               for t in (p.subtree if p.lower_ in lexicon.PARTITIVES else p.doc[p.left_edge.i:p.i + 1])}
    for person, score in found:
        head = person.head
        verb = head.lemma_.lower()
        out += [f"role:{person.dep_}", f"kind:{kind(person)}", f"head:{person.dep_}:{verb}", f"verb:{verb}",
                f"sure:{int(score * 10)}"]
        for child in head.children:
            if child.i not in indexes and child.dep_ in ("dobj", "prt", "acomp", "oprd", "advmod", "neg", "aux",
                                                         "xcomp", "prep", "auxpass", "agent"):
                out.append(f"verb:{child.dep_}:{child.lemma_.lower()}")
    for token in sent:
        if token.dep_ in _ROLES_OF_BLAME and token.pos_ in ("PROPN", "NOUN", "PRON"):
            category, act = _category(token, scores), verb_class(token.head)
            out += [f"s:{category}:{token.dep_}", f"s:{category}:{act}", f"s:{category}:{token.dep_}:{act}"]
        if token.pos_ == "VERB":
            out.append(f"act:{verb_class(token)}")
    words: list[str] = []
    for t in sent:
        word = _word(t, indexes)
        if not (t.is_punct or t.is_space) and not (word == "<person>" and words and words[-1] == word):
            words.append(word)
    out += [f"w:{w}" for w in words]
    out += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    if sent.text.rstrip().endswith("?"):
        out.append("question")
    if sent.text == sent.text.lower():
        out.append("lower-case")
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
