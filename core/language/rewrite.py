"""Grammatical rewrites of a blaming sentence that keep its facts and make the change or the system the subject."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy is imported when the model is first loaded, not with this module
    from spacy.tokens import Token


_IRREGULAR = {
    "break": "broken", "take": "taken", "bring": "brought", "forget": "forgotten", "run": "run", "write": "written",
    "blow": "blown", "knock": "knocked", "leave": "left", "send": "sent", "set": "set", "put": "put", "cut": "cut",
    "let": "let", "lose": "lost", "give": "given", "make": "made", "shut": "shut", "do": "done", "read": "read",
    "see": "seen", "know": "known", "drive": "driven", "go": "gone", "hold": "held", "throw": "thrown",
    "begin": "begun", "withdraw": "withdrawn", "overwrite": "overwritten", "mistake": "mistaken", "hide": "hidden",
    "rebuild": "rebuilt", "build": "built", "upset": "upset", "sleep": "slept", "feed": "fed", "spin": "spun",
}
_DOUBLED = frozenset({"commit", "permit", "submit", "refer", "occur", "control", "patrol", "admit", "omit", "regret"})
_NOT_ACTED_ON = frozenset({"ignore", "overlook", "miss", "neglect"})
_TAIL = " Then ask what allowed it, and what would have caught it."


def participle(verb: Token) -> str:
    """Return the past participle of ``verb`` ("broke" → "broken", "renew" → "renewed")."""
    lemma = verb.lemma_.lower()
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if verb.tag_ in ("VBN", "VBD") and verb.lower_.endswith("ed"):
        return verb.lower_
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma[:-1] + "ied"
    if lemma in _DOUBLED or (len(lemma) <= 4 and re.fullmatch(r"[^aeiou]*[^aeiou][aeiou][bdgmnprt]", lemma)):
        return lemma + lemma[-1] + "ed"
    return lemma + "ed"


def _text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in tokens).strip()


def _sentence(before: str, clause: str, after: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", f"{before}{clause}{after}".strip()).rstrip(".!;, ") + "."
    return text[0].upper() + text[1:]


def _try(sentence: str) -> str:
    return f"Try: \"{sentence}\"{_TAIL}"


def person_as_cause(subject: Token, verb: Token) -> str | None:
    """Suggest the sentence with the harmed thing as subject: "Jenna forgot to renew X" → "X was not renewed"."""
    acting, negated = verb, any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children)
    if verb.lemma_ in ("forget", "neglect", "fail", "bother"):
        acting = next((c for c in verb.children if c.dep_ == "xcomp"), verb)
        negated = acting is not verb
    obj = next((c for c in acting.children if c.dep_ in ("dobj", "attr")), None)
    if obj is None:
        return None
    sent = verb.sent
    skip = {t.i for t in subject.subtree} | {t.i for t in obj.subtree} | {acting.i, verb.i}
    skip |= {c.i for v in (verb, acting) for c in v.children if c.dep_ in ("aux", "neg", "prt", "advmod")
             and c.i < obj.i and c.lower_ not in ("instead",)}
    # a second act of the same person ("…and crashed it") would lose its subject: the rewrite keeps the first only
    shared = [c for c in verb.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")
              and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)]
    for second in shared:
        skip |= {t.i for t in second.subtree} | {c.i for c in verb.children if c.dep_ == "cc" and c.i < second.i}
    rest = [t for t in sent if t.i > acting.i and t.i not in skip and t.i <= verb.right_edge.i]
    while rest and rest[0].is_punct:  # the punctuation inside the rest stays: "production, which took…"
        rest.pop(0)
    particles = " ".join(c.text for c in acting.children if c.dep_ == "prt")
    if acting.lemma_ in _NOT_ACTED_ON:
        predicate = "was not acted on"
    else:
        predicate = f"was {'not ' if negated else ''}{participle(acting)}{' ' + particles if particles else ''}"
    if obj.tag_ in ("NNS", "NNPS"):
        predicate = "were" + predicate[3:]
    # the thing's own words, then the predicate, then what followed it: "the script was pushed to production, which…"
    core = [t for t in obj.subtree if t.i <= obj.i]
    tail = [t for t in obj.subtree if t.i > obj.i]
    after = sorted(tail + rest, key=lambda t: t.i)
    clause = f"{_text(core)} {predicate} {_text(after)}".strip()
    start = subject.left_edge.idx - sent.start_char
    end = verb.right_edge.idx + len(verb.right_edge.text) - sent.start_char
    text = sent.text
    return _try(_sentence(text[:start], clause, text[end:]))


def drop_possessor(person: Token) -> str:
    """Suggest the sentence without the person who owned the thing: "Dan's migration broke X" → "The migration…"."""
    sent = person.sent
    tokens = list(person.subtree)
    start = tokens[0].idx - sent.start_char
    end = tokens[-1].idx + len(tokens[-1].text_with_ws) - sent.start_char
    return _try(_sentence(sent.text[:start], "the ", sent.text[end:]))


def drop_agent(prep: Token) -> str:
    """Suggest the passive sentence without its person agent: "was caused by Dave running X" → "by running X"."""
    sent = prep.sent
    obj = next(c for c in prep.children if c.dep_ == "pobj")
    keep = [c for c in obj.children if c.dep_ in ("acl", "relcl")]
    if keep:
        gone = [t for t in obj.subtree if not any(t.i in {k.i for k in c.subtree} for c in keep)]
        start, last = gone[0], gone[-1]
    else:
        start, last = prep, obj.right_edge
    a = start.idx - sent.start_char
    b = last.idx + len(last.text_with_ws) - sent.start_char
    return _try(_sentence(sent.text[:a], "", sent.text[b:]).replace("  ", " ").replace(" .", "."))


def drop_words(person: Token) -> str:
    """Suggest the sentence without the person's name: "caused by Dave running X" → "caused by running X"."""
    sent = person.sent
    words = [t for t in person.subtree if t.i <= person.i]
    a = words[0].idx - sent.start_char
    b = person.idx + len(person.text_with_ws) - sent.start_char
    return _try(_sentence(sent.text[:a], "", sent.text[b:]))
