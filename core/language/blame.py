"""The blameless-language rules over a parsed sentence: each finds a person blamed in one grammatical way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.language import lexicon, rewrite
from core.language.findings import Context
from core.language.people import is_generic_person, person_score

if TYPE_CHECKING:  # spaCy is imported when the model is first loaded, not with this module
    from spacy.tokens import Span, Token

# Verbs of ordinary work that blame only with a judgement attached: "ran the *wrong* script", "shipped *without*…".
ACT_VERBS = frozenset({
    "run", "push", "ship", "deploy", "restart", "change", "paste", "disable", "revoke", "rotate", "point", "send",
    "select", "type", "set", "merge", "approve", "promote", "roll", "replay", "retrain", "reuse", "leave", "commit",
    "share", "silence", "mute", "scale", "make", "go", "sign", "rename", "move", "enable", "upgrade", "apply", "pull",
    "grant", "bypass", "remove", "kill", "shut", "edit", "bump", "give", "release", "launch",
})
EVIDENCE = lexicon.JUDGEMENT_WORDS | {"instead", "without", "anyway", "despite", "destructive", "unbounded",
                                      "oversized", "malformed", "never", "worse", "accident", "blindly", "mistake",
                                     "mistakes", "public", "publicly"}
# What a person's thing (a script, a typo, a change) does when the sentence makes it the cause.
_THING_HARM = frozenset({"stop", "fill", "block", "lock", "kill", "hit", "flood", "delete", "wipe", "drop", "take",
                         "bring", "cause", "break", "crash", "overwrite", "duplicate", "corrupt", "expose", "leave",
                         "trigger", "remove", "disable", "revoke", "cost", "make"})
_STRONG_JUDGEMENT = frozenset({"careless", "carelessly", "carelessness", "negligent", "negligence", "negligently",
                               "sloppy", "sloppily", "lazy", "incompetent", "incompetently", "incompetence",
                               "inattentive", "stupid", "silly", "rookie", "reckless", "recklessly", "shoddy"})


@dataclass(frozen=True)
class Hit:
    """One rule's match in a sentence: the tokens it spans, its confidence and the rewrite it suggests."""

    rule: str
    first: Token
    last: Token
    confidence: float
    suggestion: str | None = None


def _negated(verb: Token) -> bool:
    return any(c.lower_ in ("never", "not", "n't", "no") for c in verb.children)


def _subjects(verb: Token) -> list[Token]:
    """Return the subjects of ``verb``, inherited from the verb it is coordinated with when it has none."""
    own = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if not own and verb.dep_ == "conj":
        return _subjects(verb.head)
    if not own and verb.dep_ in ("xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        return []
    subjects = list(own)
    for s in own:
        subjects += [c for c in s.children if c.dep_ == "conj"]
    return subjects


def _particles(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod", "acomp", "oprd", "prep")}


def _evidence(verb: Token, skip: Token, *, harm: bool = True) -> bool:
    """Return True when the verb's own phrase carries judgement ("*by accident*") or, with ``harm``, harm."""
    skipped = {t.i for t in skip.subtree}
    for t in verb.subtree:
        if t.i in skipped or (t.dep_ in ("advcl", "relcl", "ccomp") and t.head == verb and t.i < verb.i):
            continue
        if t.lower_ in EVIDENCE or (harm and t.lower_ in lexicon.HARM_WORDS):
            return True
    return False


def is_harm(verb: Token, subject: Token) -> bool:
    """Return True when ``verb`` with ``subject`` as its doer describes a fault or a harm."""
    lemma = verb.lemma_.lower()
    if any(c.dep_ == "auxpass" for c in verb.children):
        return lemma in lexicon.FAULT_VERBS or _evidence(verb, subject, harm=False)
    particles = _particles(verb)
    if particles & lexicon.NEUTRAL_PARTICLES.get(lemma, set()):
        return False
    if _negated(verb):
        return lemma in lexicon.DILIGENCE_VERBS
    if lemma in lexicon.FAULT_VERBS:
        if lemma not in lexicon.NEEDS_HARM:
            return True
        if lemma == "fail":
            return any(c.dep_ == "xcomp" for c in verb.children)
        if lemma == "let":
            return any(c.lemma_ in ("expire", "lapse", "fill", "slip", "fail", "rot") for c in verb.subtree)
        return bool(particles & lexicon.HARM_PARTICLES) or _evidence(verb, subject)
    return lemma in ACT_VERBS and _evidence(verb, subject, harm=False)


def _verbs_of(subject: Token) -> list[Token]:
    verb = subject.head
    while verb.dep_ == "conj" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        verb = verb.head.head
    if verb.pos_ not in ("VERB", "AUX"):
        return []
    verbs = [verb] + [c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB" and not _has_own_subject(c)
                      and not any(a.dep_ == "auxpass" for a in c.children)]
    for v in list(verbs):
        verbs += [c for c in v.children if c.dep_ == "xcomp" and v.lemma_ in ("fail", "forget", "neglect", "bother")]
    return verbs


def _has_own_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _aux(verb: Token) -> list[str]:
    return [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass", "neg")]


def _span(a: Token, b: Token) -> tuple[Token, Token]:
    return (a, b) if a.i <= b.i else (b, a)


# Verbs that take a person as subject: a proper noun that forgets or botches something is someone.
_HUMAN_ONLY = frozenset({"forget", "neglect", "overlook", "misread", "mistype", "botch", "mishandle", "misjudge",
                         "sleep", "stamp", "finger", "bother"})


def _people(sent: Span, context: Context) -> Iterator[tuple[Token, float]]:
    for token in sent:
        if token.pos_ in ("NOUN", "PROPN", "PRON", "X") and token.dep_ != "compound":
            score = person_score(token, context)
            verbs = [token.head, *(c for c in token.head.children if c.dep_ == "conj")]
            if score == 0 and token.pos_ == "PROPN" and token.dep_ == "nsubj" and any(
                    v.lemma_ in _HUMAN_ONLY for v in verbs) and token.lower_ not in lexicon.TECHNOLOGY and not (
                    context.is_system(token.text)):
                score = 0.7
            if score > 0:
                yield token, score


def _as_subject(person: Token, score: float) -> Iterator[Hit]:
    subject = person
    while subject.dep_ == "conj":
        subject = subject.head
    role = subject.dep_
    if role in ("npadvmod", "intj", "dep", "nmod") and subject.i < subject.head.i and (
            subject.head.pos_ == "VERB" and not _has_own_subject(subject.head)):
        role = "nsubj"  # a name the parser took for an adverbial ("Andrea forgot that…") is the subject
    if role not in ("nsubj", "nsubjpass"):
        return
    head = subject.head
    if head.dep_ == "pcomp" and head.head.dep_ == "agent" and is_harm(head.head.head, head.head):
        yield Hit("person-as-agent", person, person, score, rewrite.drop_words(person))
        return
    aux = _aux(head)
    if head.lemma_ == "be" and any(c.lower_ in _STRONG_JUDGEMENT for c in head.children if c.dep_ == "acomp"):
        yield Hit("person-judged", person, head, score)
        return
    perfect = "have" in aux or "'ve" in aux
    if perfect and {"should", "shouldn't", "ought", "should've"} & set(aux):
        yield Hit("hindsight", person, head, min(score, 0.95))
        return
    if perfect and {"would", "could", "might"} & set(aux) and is_generic_person(person) and (
            head.lemma_ in lexicon.HINDSIGHT_VERBS) and not _in_condition(head):
        yield Hit("hindsight-generic", person, head, min(score, 0.9))
        return
    if perfect and "could" in aux and head.lemma_ in ("avoid", "prevent", "stop", "catch"):
        yield Hit("counterfactual", person, head, min(score, 0.9))
        return
    if "had" in aux and _in_condition(head):
        yield Hit("counterfactual", person, head, min(score, 0.95))
        return
    if role == "nsubj" and head.dep_ == "csubj":
        subject, role = head, "csubj"
    if role in ("nsubj", "csubj"):
        for verb in _verbs_of(subject):
            if is_harm(verb, subject):
                yield Hit("person-as-cause", person, verb, score, rewrite.person_as_cause(subject, verb))
                return


def _in_condition(verb: Token) -> bool:
    marks = [c.lower_ for c in verb.children if c.dep_ == "mark"]
    had_first = any(c.lower_ == "had" and c.i < verb.i and c.i == verb.sent.start for c in verb.children)
    return "if" in marks or had_first or verb.sent[0].lower_ == "had"


def _as_possessor(person: Token, score: float) -> Iterator[Hit]:
    if person.dep_ != "poss":
        return
    owned = person.head
    if _negated(owned.head) or any(c.lower_ in ("no", "not") for c in owned.children):
        return
    if owned.lemma_.lower() in lexicon.FAULT_NOUNS:
        yield Hit("person-fault", person, owned, score)
        return
    if any(c.lower_ in lexicon.JUDGEMENT_WORDS for c in owned.children if c.dep_ in ("amod", "compound")):
        yield Hit("person-fault", person, owned, min(score, 0.95))
        return
    yield from _as_link(person, owned, score)


def _as_link(person: Token, phrase: Token, score: float) -> Iterator[Hit]:
    """A person, or a person's thing, placed as the cause: subject of harm, agent, "because of", "root cause was"."""
    if phrase.dep_ == "nsubj":
        for verb in _verbs_of(phrase):
            if is_harm(verb, phrase) or (verb.lemma_ in _THING_HARM and not _negated(verb) and phrase is not person):
                yield Hit("person-as-cause", person, verb, score, rewrite.drop_possessor(person))
                return
    clefts = [v for v in (*phrase.children, *phrase.head.children) if v.dep_ in ("relcl", "ccomp") and any(
        c.lower_ in ("who", "that") and c.dep_ == "nsubj" for c in v.children)]
    if phrase.dep_ == "attr" and any(is_harm(v, phrase) for v in clefts):
        yield Hit("person-as-cause", person, phrase, score)
        return
    if phrase.dep_ == "attr" and any(c.lemma_ in ("cause", "reason") for c in phrase.head.children
                                     if c.dep_ == "nsubj"):
        yield Hit("person-as-cause", person, phrase, score)
        return
    if phrase.dep_ == "pobj":
        prep = phrase.head
        if prep.dep_ == "agent" and (prep.head.lemma_.lower() in lexicon.FAULT_VERBS
                                     or _evidence(prep.head, prep, harm=False)):
            yield Hit("person-as-agent", person, phrase, score, rewrite.drop_agent(prep))
            return
        before = prep.head.lower_
        cause = (prep.lower_ == "to" and before in ("thanks", "due", "down")) or (
            prep.lower_ == "of" and before == "because")
        harmful = before == "down" or any(t.lemma_ in lexicon.FAULT_VERBS for t in prep.sent if t.pos_ == "VERB")
        if cause and harmful:
            yield Hit("person-as-cause", person, phrase, score)
            return
        if prep.lower_ in ("on", "with") and prep.head.lemma_ in ("be", "lie", "rest", "fall"):
            yield Hit("person-as-cause", person, phrase, score)


def _as_named_cause(person: Token, score: float) -> Iterator[Hit]:
    head = person.head
    held = person.dep_ == "dobj" and head.lemma_ in ("hold", "blame") and (
        head.lemma_ == "blame" or any(c.lower_ == "responsible" for c in head.children))
    named = person.dep_ == "nsubj" and head.lemma_ == "be" and any(
        c.lower_ == "blame" or c.lemma_ == "reason" for c in head.children if c.dep_ in ("xcomp", "attr"))
    if held or named:
        yield Hit("person-as-cause", person, head, score)


def _wording(sent: Span) -> Iterator[Hit]:
    for token in sent:
        lowered = token.lower_
        near = (*token.children, *token.head.children, *token.head.head.children)
        negated = any(c.dep_ == "neg" or c.lower_ == "no" for c in near)
        if lowered in ("error", "errors", "mistake") and not negated and any(
                c.lower_ in lexicon.HUMAN_ERROR_HEADS for c in token.children if c.dep_ in ("amod", "compound")):
            first = min((c for c in token.children if c.dep_ in ("amod", "compound")), key=lambda c: c.i)
            yield Hit("human-error", first, token, 0.95)
        elif lowered in _STRONG_JUDGEMENT and not negated and not _owned_by_system(token):
            yield Hit("blame-word", token, token, 0.9)
        elif lowered == "fault" and token.head.lower_ == "at" and not negated:
            yield Hit("blame-word", token.head, token, 0.9)
        elif lowered in ("ball", "wheel", "apology") and token.head.lemma_ in ("drop", "at", "owe", "asleep"):
            yield Hit("blame-word", token.head, token, 0.85)
        elif lowered == "obviously":
            yield Hit("hindsight", token, token, 0.4)


def _owned_by_system(token: Token) -> bool:
    head = token if token.pos_ == "NOUN" else token.head
    return any(c.dep_ == "poss" and c.pos_ != "PRON" and c.lower_ not in lexicon.ROLES for c in head.children)


_RULES: tuple[Callable[[Token, float], Iterator[Hit]], ...] = (_as_subject, _as_possessor, _as_named_cause)


def find(sent: Span, context: Context) -> list[Hit]:
    """Return the rule matches of one sentence, surest first."""
    if sent.text.rstrip().endswith("?"):
        return []
    hits: list[Hit] = []
    for person, score in _people(sent, context):
        for rule in _RULES:
            hits += rule(person, score)
        if person.dep_ in ("pobj", "attr"):
            hits += _as_link(person, person, score)
    hits += _wording(sent)
    return sorted(hits, key=lambda h: -h.confidence)


def span_of(hit: Hit) -> tuple[int, int]:
    """Return the character span of a hit within its document, from the person's phrase to the verb."""
    first, last = _span(hit.first, hit.last)
    if first.pos_ in ("NOUN", "PROPN", "PRON") and first.left_edge.i >= first.sent.start:
        first = first.left_edge
    return first.idx, last.idx + len(last.text)
