"""The blameless-language rules over a parsed sentence: each finds a person blamed in one grammatical way."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.language import learned, lexicon, rewrite
from core.language.findings import CONFIDENT, Context
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


# What a consequence clause says happened when it blames the act before it: "…, which filled the disks".
CONSEQUENCES = _THING_HARM | frozenset({"fill", "exhaust", "overload", "crash", "corrupt", "fail", "flood", "page",
                                         "run", "go", "lose", "break", "freeze", "hang", "leak", "knock"})
_OUT_PARTICLES = {"run": {"out"}, "go": {"down", "offline", "dark"}, "knock": {"out", "over", "down", "offline"}}
# Clauses that only place the act in time ("before it broke more requests") say nothing of its effect.
_TIME_MARKS = frozenset({"before", "until", "after", "when", "once", "as", "while", "since"})


@functools.cache
def _surface_lemmas() -> dict[str, str]:
    """Return the inflected forms of the rules' verbs, for verbs the lemmatizer does not know ("borked")."""
    from core.language.prefilter import verb_forms  # imported here: prefilter reads this module's lists

    forms: dict[str, str] = dict(lexicon.IRREGULAR_PAST)
    for lemma in sorted(lexicon.FAULT_VERBS | ACT_VERBS | _THING_HARM | HUMAN_ONLY | CONSEQUENCES):
        for form in verb_forms(lemma):
            forms.setdefault(form, lemma)
    return forms


def lemma_of(token: Token) -> str:
    """Return the lemma of a verb, correcting the lemmatizer's guess for rare verbs of the rules."""
    lemma = token.lemma_.lower()
    return lemma if lemma in _RULE_VERBS else _surface_lemmas().get(token.lower_, lemma)


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
    skipped = {t.i for t in skip.subtree} | _aside(verb)
    for t in verb.subtree:
        if t.i in skipped or (t.dep_ in ("advcl", "relcl", "ccomp") and t.head == verb and t.i < verb.i):
            continue
        if t.lower_ in EVIDENCE or (harm and t.lower_ in lexicon.HARM_WORDS):
            return True
    return False


def _aside(verb: Token) -> set[int]:
    """Return the indexes of the tokens in parentheses, and of clauses with their own subject after a dash or a
    semicolon: an aside ("(and they had no problem with this being public)") says nothing of the act."""
    out: set[int] = set()
    depth = 0
    for t in verb.sent:
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth:
            out.add(t.i)
    for c in verb.children:
        if c.dep_ in ("parataxis", "conj") and _has_own_subject(c):
            out |= {t.i for t in c.subtree}
    return out


def is_harm(verb: Token, subject: Token) -> bool:
    """Return True when ``verb`` with ``subject`` as its doer describes a fault or a harm."""
    lemma = lemma_of(verb)
    if _remedial(verb) and not _consequence(verb):
        return False
    if lemma in ("let", "allow"):  # "let the certificate expire", "was allowed to lapse by…"
        return not _negated(verb) and any(c.lemma_ in _LAPSES for c in verb.subtree if c.i > verb.i)
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
        if lemma in _PARTICLE_ONLY:  # "took down checkout" blames; "took a snapshot of production" does not
            return bool(particles & lexicon.HARM_PARTICLES) or _consequence(verb)
        return bool(particles & lexicon.HARM_PARTICLES) or _evidence(verb, subject) or _consequence(verb)
    if lemma in ACT_VERBS:
        return _evidence(verb, subject, harm=False) or (lemma not in REMEDY_VERBS and _consequence(verb))
    if verb.pos_ == "VERB" and lemma not in _PLAIN_VERBS:
        # any other act: blamed when its phrase judges it ("rebooted the *wrong* rack") or a clause says it did harm
        return _judged(verb, subject) or (lemma not in REMEDY_VERBS and _consequence(verb))
    return False


def _judged(verb: Token, skip: Token) -> bool:
    """Return True when the verb's own phrase holds a judgement word ("wrong", "carelessly", "by accident")."""
    skipped = {t.i for t in skip.subtree}
    return any(t.lower_ in lexicon.JUDGEMENT_WORDS or t.lower_ == "accident" for t in verb.subtree
               if t.i not in skipped and not (t.dep_ in ("advcl", "relcl", "ccomp") and t.head == verb))


# Verbs that say what someone knew, had or was: no act to blame.
_PLAIN_VERBS = frozenset({"be", "have", "know", "think", "say", "tell", "feel", "seem", "want", "need", "mean",
                          "own", "lead", "join", "help", "thank", "ask", "see", "hear", "write", "explain"})
# Verbs of the response: what follows them ("and the errors stopped") is the response working.
REMEDY_VERBS = frozenset({"notice", "page", "acknowledge", "escalate", "investigate", "restore", "fix", "mitigate",
                          "revert", "roll", "rollback", "open", "declare", "raise", "spot", "find", "flag", "report",
                          "alert", "call", "contact", "restart", "recover", "resolve", "patch", "drain", "fail"})


_DAMAGE = frozenset({"outage", "outages", "loss", "breach", "meltdown", "downtime", "corruption", "leak",
                     "incident", "crash", "storm", "disruption", "degradation"})
_AFFECTED = frozenset({"customer", "user", "player", "client", "subscriber", "merchant", "patient", "device",
                       "request", "order", "payment", "transaction", "account"})
_PARTICLE_ONLY = frozenset({"take", "bring", "knock", "blow"})
_LAPSES = frozenset({"expire", "lapse", "fill", "slip", "fail", "rot", "run", "grow", "overflow", "drift"})


_STATEMENTS = frozenset({"confirm", "say", "report", "verify", "check", "find", "notice", "show", "see", "note",
                         "explain", "write", "tell", "announce", "know", "think", "realise", "realize", "mention"})
_PURPOSES = frozenset({"prevent", "stop", "avoid", "protect", "mitigate", "contain", "free", "recover", "restore",
                       "unblock", "fix", "limit", "reduce", "keep", "save"})


def _remedial(verb: Token) -> bool:
    """Return True when the act has a remedial purpose: "deleted the ingress *to prevent* new sessions"."""
    return any(c.dep_ in ("advcl", "xcomp") and c.lemma_ in _PURPOSES and any(a.lower_ == "to" for a in c.children)
               for c in verb.children)


_PASSING = frozenset({"approve", "sign", "merge", "ship", "release", "promote", "wave", "stamp", "publish", "push",
                      "deploy", "accept", "green-light", "greenlight", "okay", "ok"})
_BAD_STATES = frozenset({"exposed", "open", "public", "world-readable", "readable", "unprotected", "unencrypted",
                         "unlocked", "on", "enabled", "disabled", "off", "empty", "broken", "wrong", "stale", "behind"})


def _passed_harm(verb: Token) -> bool:
    """Return True when someone approved or shipped a thing that did harm: "signed off on a build that crashed"."""
    if lemma_of(verb) not in _PASSING:
        return False
    things = [t for c in verb.children if c.dep_ in ("dobj", "prep", "prt") for t in (c, *c.children)
              if t.dep_ in ("dobj", "pobj")]
    for thing in things:
        for c in thing.children:
            if c.dep_ == "relcl" and not _negated(c) and (
                    lemma_of(c) in lexicon.FAULT_VERBS - lexicon.NEEDS_HARM or lemma_of(c) in CONSEQUENCES):
                return True
            if c.dep_ == "prep" and c.lower_ == "with" and any(
                    t.lower_ in EVIDENCE | _FLAWS for t in c.subtree):
                return True  # "approved a PR with an obvious SQL injection in it"
    return False


_FLAWS = frozenset({"injection", "vulnerability", "bug", "bugs", "typo", "regression", "backdoor", "leak", "obvious"})


def _left_in_bad_state(verb: Token) -> bool:
    """Return True for "left the bucket world-readable", "left debug mode on", "left the page up for six hours"."""
    if lemma_of(verb) not in ("leave", "keep"):
        return False
    return any(t.lower_ in _BAD_STATES or (t.dep_ == "prt" and t.lower_ in ("up", "on", "open"))
               for c in verb.children if c.dep_ in ("oprd", "ccomp", "xcomp", "acomp", "prt", "advmod", "dobj")
               for t in (c, *c.children) if t.i > verb.i)


def _consequence(verb: Token) -> bool:
    """Return True when a clause after the act says it did harm: "…, which filled the disks", "…, taking down…"."""
    if _passed_harm(verb) or _left_in_bad_state(verb):
        return True
    for clause in verb.subtree:
        if clause.i <= verb.i or clause.pos_ not in ("VERB", "AUX") or clause.dep_ not in (
                "relcl", "advcl", "conj", "ccomp", "xcomp"):
            continue
        if _negated(clause) or any(c.lower_ in _TIME_MARKS for c in clause.children if c.dep_ == "mark"):
            continue
        if clause.dep_ == "conj" and not _has_own_subject(clause):
            continue  # the same person's next act ("…and stopped the rollout") is judged as an act, not an effect
        if clause.dep_ == "relcl" and not (clause.i > 1 and any(
                c.lower_ == "which" for c in clause.children) and clause.doc[clause.left_edge.i - 1].text == ","):
            continue  # "the query that had been locking…" describes the thing; ", which filled…" tells the effect
        if clause.dep_ == "ccomp" and clause.head.lemma_ in _STATEMENTS:
            continue  # "confirmed that no data was lost" reports a finding
        if any(d.lower_ in ("no", "nothing", "none") for c in clause.children for d in c.subtree):
            continue
        lemma = lemma_of(clause)
        if any(t.lemma_ in _AFFECTED and any(d.lower_ in ("every", "all") for d in t.children)
               for t in clause.subtree):
            return True  # "…, which logged out every customer"
        if lemma in ("lead", "result", "turn", "contribute") and any(
                t.lower_ in _DAMAGE for t in clause.subtree):
            return True  # "…, which led to the three-hour outage"
        if lemma == "end" and any(lemma_of(c) in lexicon.FAULT_VERBS for c in clause.children if c.dep_ == "xcomp"):
            return True  # "…and ended up deleting the namespace"
        if lemma not in CONSEQUENCES and lemma not in lexicon.FAULT_VERBS - lexicon.NEEDS_HARM:
            continue
        needed = _OUT_PARTICLES.get(lemma)
        if needed is not None and not needed & _particles(clause):
            continue
        objects = [c for c in clause.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
        if any(o.lower_ in lexicon.HARM_WORDS - {"production", "prod", "live", "customer", "customers", "all",
                                                  "every", "whole", "entire", "only"} for o in objects):
            continue  # "…, which stopped the errors": the act ended the harm
        return True
    return False


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
HUMAN_ONLY = frozenset({"forget", "neglect", "overlook", "misread", "mistype", "botch", "mishandle", "misjudge",
                         "sleep", "stamp", "finger", "bother"})
_RULE_VERBS = lexicon.FAULT_VERBS | ACT_VERBS | _THING_HARM | HUMAN_ONLY
_VERB_CLASSES = (("fault", lexicon.FAULT_VERBS), ("human", HUMAN_ONLY), ("remedy", REMEDY_VERBS),
                 ("work", ACT_VERBS), ("consequence", CONSEQUENCES), ("diligence", lexicon.DILIGENCE_VERBS),
                 ("plain", _PLAIN_VERBS))


_POSSESSIVE_PRONOUNS = {"his": 0.85, "her": 0.85, "their": 0.7}


def _indirect_score(token: Token, context: Context, earlier: float) -> float:
    """A person named by a pronoun or a part of a group: "his change", "they left…", "one of the developers"."""
    lowered = token.lower_
    if token.dep_ == "poss" and lowered in _POSSESSIVE_PRONOUNS:
        return _POSSESSIVE_PRONOUNS[lowered]
    if lowered == "they" and earlier > 0:
        return min(earlier, 0.75)  # "our contractors had the keys, and they left the bucket open"
    if lowered in lexicon.PARTITIVES:
        groups = [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children
                  if p.dep_ == "pobj" and not _victims(p)]
        return max((person_score(g, context) for g in groups), default=0.0)
    return 0.0


def _victims(token: Token) -> bool:
    """Return True for people described as those the incident hit: "the people affected", "impacted users"."""
    return any(c.lower_ in ("affected", "impacted") for c in token.children)


def _people(sent: Span, context: Context) -> Iterator[tuple[Token, float]]:
    earlier = 0.0
    for token in sent:
        indirect = _indirect_score(token, context, earlier)
        if indirect > 0:
            yield token, indirect
            continue
        if (token.pos_ in ("NOUN", "PROPN", "PRON", "X") or token.text.startswith("@")) and token.dep_ != "compound":
            score = person_score(token, context)
            verbs = [token.head, *(c for c in token.head.children if c.dep_ == "conj")]
            if score == 0 and token.pos_ == "PROPN" and token.dep_ == "nsubj" and any(
                    lemma_of(v) in HUMAN_ONLY for v in verbs) and token.lower_ not in lexicon.TECHNOLOGY and not (
                    context.is_system(token.text)):
                score = 0.7
            if score > 0 and not _victims(token):
                earlier = max(earlier, score)
                yield token, score


def _as_subject(person: Token, score: float) -> Iterator[Hit]:
    subject = person
    while subject.dep_ == "conj":
        subject = subject.head
    role = subject.dep_
    if role in ("npadvmod", "intj", "dep", "nmod", "advmod") and subject.i < subject.head.i and (
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
            if is_harm(verb, phrase) or (lemma_of(verb) in _THING_HARM and not _negated(verb) and phrase is not person):
                yield Hit("person-as-cause", person, verb, score, rewrite.drop_possessor(person))
                return
    clefts = [v for v in (*phrase.children, *phrase.head.children) if v.dep_ in ("relcl", "ccomp") and any(
        c.lower_ in ("who", "that", "what") and c.dep_ == "nsubj" for c in v.children)]
    if phrase.dep_ in ("attr", "nsubj") and any(is_harm(v, phrase) or (
            phrase is not person and lemma_of(v) in _THING_HARM | CONSEQUENCES) for v in clefts):
        yield Hit("person-as-cause", person, phrase, score)  # "it was Ana's script that wiped…", "…is what broke…"
        return
    if phrase.dep_ == "nsubj" and phrase is not person and any(
            lemma_of(v) in ("lead", "result", "turn", "contribute") and any(t.lower_ in _DAMAGE for t in v.subtree)
            for v in _verbs_of(phrase)):
        yield Hit("person-as-cause", person, phrase, score, rewrite.drop_possessor(person))
        return
    if phrase.dep_ == "attr" and any(c.lemma_ in ("cause", "reason") for c in phrase.head.children
                                     if c.dep_ == "nsubj"):
        yield Hit("person-as-cause", person, phrase, score)
        return
    if phrase.dep_ == "pobj":
        prep = phrase.head
        if prep.dep_ == "agent" and (lemma_of(prep.head) in lexicon.FAULT_VERBS - {"allow", "let"}
                                     or _evidence(prep.head, prep, harm=False)
                                     or (prep.head.lemma_ in ("allow", "let") and is_harm(prep.head, prep))):
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
    # "we hold Jason responsible for the data loss", "Ana is accountable for the outage"
    answerable = person.dep_ == "nsubj" and (
        head.lower_ in _ANSWERABLE or any(c.lower_ in _ANSWERABLE for c in head.children if c.dep_ == "acomp")) and (
        any(t.lower_ in lexicon.HARM_WORDS | {"loss", "outage", "incident"} for t in head.subtree)
        or head.head.lemma_ in ("hold", "consider", "find", "deem"))
    if held or named or answerable:
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


_ANSWERABLE = frozenset({"responsible", "accountable", "culpable", "liable"})


_RULES: tuple[Callable[[Token, float], Iterator[Hit]], ...] = (_as_subject, _as_possessor, _as_named_cause)


def people(sent: Span, context: Context) -> list[tuple[Token, float]]:
    """Return the people of a sentence with how sure we are of each (names, roles, teams, pronouns, handles)."""
    return list(_people(sent, context))


def rule_hits(sent: Span, context: Context) -> tuple[list[Hit], list[tuple[Token, float]]]:
    """Return the rule matches of one sentence that no denial takes back, and its people with how sure each is."""
    hits: list[Hit] = []
    people = list(_people(sent, context))
    for person, score in people:
        for rule in _RULES:
            hits += rule(person, score)
        if person.dep_ in ("pobj", "attr"):
            hits += _as_link(person, person, score)
    hits += _wording(sent)
    if sent.text.rstrip().endswith("?"):
        # a question is not rewritten as a statement: its advice is the rule's ("ask what allowed it")
        hits = [dataclasses.replace(h, suggestion=None) for h in hits] + list(_questions(sent, people))
    return [h for h in hits if not _exonerated(h)], people


_ACTED_UPON = frozenset({"dobj", "dative", "iobj"})
_PERSONAL = frozenset({"he", "she", "they", "you", "i"})
"""Pronouns that may stand for someone who acted; "we" is the organisation telling its own story."""


def someone(sent: Span, people: list[tuple[Token, float]], context: Context) -> list[tuple[Token, float]]:
    """Return who the sentence may name: its people, someone unnamed ("somebody", "whoever", "who…?"), and a
    capitalised subject or owner that is no known system ("Platform shipped…", "Billing's migration…"), a handle, a
    personal pronoun that acts."""
    out = list(people)
    seen = {t.i for t, _ in out}
    lower_case = sent.text == sent.text.lower()
    for token in sent:
        if token.i in seen:
            continue
        word = token.text.replace("-", "").replace("'", "")
        if token.lower_ in lexicon.INDEFINITE or (token.lower_ == "who" and token.dep_ == "nsubj"):
            out.append((token, 0.6))
        elif token.text.startswith("@") and len(token.text) > 1:
            out.append((token, 0.95))  # a handle the parser took for a modifier ("@hsato misread…")
        elif token.lower_ in _PERSONAL and token.dep_ == "nsubj":
            out.append((token, 0.3))  # "they ignored the alert", "you pushed the wrong cert"
        elif token.dep_ in ("nsubj", "poss") and token.pos_ in ("PROPN", "NOUN") and word.isalpha() and (
                token.text[:1].isupper() or (lower_case and token.pos_ == "PROPN")) and (
                token.lower_ not in lexicon.TECHNOLOGY and not context.is_system(token.text)):
            out.append((token, 0.3))
    return out


def verb_class(verb: Token) -> str:
    """Return the kind of act a verb names, from the rules' word lists: a fault, a remedy, ordinary work…"""
    lemma = lemma_of(verb)
    for name, words in _VERB_CLASSES:
        if lemma in words:
            return name
    return "other" if verb.pos_ in ("VERB", "AUX") else "none"


def find(sent: Span, context: Context, *, learned_model: bool = True) -> list[Hit]:
    """Return the blame found in one sentence, surest first: the rules' matches, then, with ``learned_model``, the
    learned judge's verdict on them and on the sentence (it may keep them, drop them, or find blame they missed)."""
    hits, people = rule_hits(sent, context)
    if not learned_model:
        return sorted(hits, key=lambda h: -h.confidence)
    who = someone(sent, people, context)
    if not who and not hits:
        return []
    judge = learned.model()
    probability = judge.probability(
        learned.features(sent, who, [(h.rule, h.confidence) for h in hits], verb_class))
    if probability < judge.threshold:  # the judge overrules the rules; what they offered as advice stays advice
        return sorted((h for h in hits if h.confidence < CONFIDENT), key=lambda h: -h.confidence)
    if not who:  # no one named ("human error", "obviously…"): the rule's own confidence says whether it blocks
        return sorted(hits, key=lambda h: -h.confidence)
    confidence = CONFIDENT + (1 - CONFIDENT) * (probability - judge.threshold) / max(1e-9, 1 - judge.threshold)
    if hits:
        surest = max(hits, key=lambda h: h.confidence)
        return [dataclasses.replace(surest, confidence=round(confidence, 2))]
    # blame lands on someone who acts, owns or is the agent; someone notified or paged is where the sentence acts
    # ("Notified Maria Lopez by SMS", a paging log's line), and a line with no verb states no act
    standing = [(t, s) for t, s in who if t.dep_ not in _ACTED_UPON]
    if not standing or not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return []
    person = max(standing, key=lambda p: p[1])[0]
    acts = person.dep_ == "nsubj" and person.head.pos_ == "VERB" and not sent.text.rstrip().endswith("?")
    hit = Hit("person-blamed", person, person if person.head.i < person.i else person.head, round(confidence, 2),
              rewrite.person_as_cause(person, person.head) if acts else None)
    return [] if _exonerated(hit) else [hit]


_NEGATIVE_SUBJECTS = frozenset({"none", "nobody", "nothing", "neither", "no"})
_FRAMING = frozenset({"be", "say", "think", "frame", "claim", "suggest", "blame", "sign", "call", "mean",
                      "consider", "hold", "believe", "let"})


def _exonerated(hit: Hit) -> bool:
    """Return True when the sentence denies the blame it holds: "this was not Ana's fault", "nobody dropped it"."""
    if hit.rule in ("counterfactual", "hindsight", "hindsight-generic", "blame-question"):
        return False  # "if Ana had checked, it would not have happened": the negation is part of the blame
    verb = hit.last
    if hit.rule == "person-as-cause" and verb.dep_ in ("xcomp", "ccomp", "acl", "relcl") and any(
            any(c.dep_ == "neg" for c in a.children) for a in verb.ancestors):
        return True  # "they did not feel confident to re-deploy…", "had no clue that they'd switched…"
    for i, token in enumerate([verb, *verb.ancestors]):
        negated = any(c.dep_ == "neg" or c.lower_ in ("never", "nothing") for c in token.children)
        if negated and (token.lemma_ in _FRAMING or (i == 0 and token.lemma_ in ("be", "break", "cause", "do"))
                        or hit.rule == "blame-word"):
            return True
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in _NEGATIVE_SUBJECTS for c in token.children):
            return True
    return False


def _questions(sent: Span, people: list[tuple[Token, float]]) -> Iterator[Hit]:
    """Rhetorical questions that single someone out: "Why did Hana push to main?", "Who deleted the backups?"."""
    first = next((t for t in sent if not t.is_punct and t.lower_ not in ("so", "seriously", "honestly", "and", "but")),
                 None)
    if first is None:
        return
    if first.lower_ in ("why", "how"):
        for person, score in people:
            if person.dep_ in ("nsubj", "nsubjpass") and person.head.lemma_ not in _PLAIN_VERBS:
                yield Hit("blame-question", person, person.head, min(score, 0.75))
                return
    for token in sent:
        if token.lower_ in ("who", "whoever") and token.dep_ == "nsubj" and token.head.tag_ == "VBD" and (
                lemma_of(token.head) not in REMEDY_VERBS | _PLAIN_VERBS):
            yield Hit("blame-question", token, token.head, 0.75)
            return


def span_of(hit: Hit) -> tuple[int, int]:
    """Return the character span of a hit within its document, from the person's phrase to the verb."""
    first, last = _span(hit.first, hit.last)
    if first.pos_ in ("NOUN", "PROPN", "PRON") and first.left_edge.i >= first.sent.start:
        first = first.left_edge
    return first.idx, last.idx + len(last.text)
