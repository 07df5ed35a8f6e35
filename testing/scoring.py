"""Precision and recall of the language checks on labelled corpora, split dev (tuned on) and test (held out).

The corpora are ``testing/data/{blameless,actions}_{dev,test,fresh3}.tsv``: ``label<TAB>kind<TAB>text``, ``#``
starts a comment line. The dev/test split was made by a hash of each text before any rule was tuned. ``fresh3`` was
written later by an author who had read neither the checks nor the corpora, as a second held-out set. Dev also
holds sets written the same way to learn from (``blameless_dev2``, ``dev3``, ``dev5``, ``dev6``, ``narration`` 1
to 4) and the earlier held-out sets whose figures were read after each change for a session (``blameless_dev4``,
``actions_dev2``).
The held-out splits are never read while tuning: callers print only their
figures, never their sentences. The older ``blameless.tsv`` set (``label<TAB>
text``) was written together with the regular-expression rules and fitted by them, so it counts only as dev.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core import language

DATA = Path(__file__).parent / "data"
LEGACY_BLAMELESS = DATA / "blameless.tsv"
"""The first labelled set, fitted by the old rules: part of dev only."""

DEV_SETS = {"blameless": ("dev2", "dev3", "dev4", "dev5", "dev6", "narration", "narration2", "narration3",
                          "narration4"),
            "actions": ("dev2",)}
"""The sets that are part of dev besides ``{corpus}_dev.tsv``: written apart, read and learned from."""
HELD_OUT = ("test", "fresh3")
"""The splits never read while tuning: only their figures are printed."""

POSITIVE = {"blameless": "blame", "actions": "vague"}
"""The label the check must flag, per corpus."""


@dataclass(frozen=True)
class Example:
    """One labelled text of a corpus."""

    label: str
    kind: str
    text: str


@dataclass(frozen=True)
class Score:
    """Counts and rates of one evaluation run, with the texts it got wrong."""

    corpus: str
    split: str
    examples: int
    positives: int
    precision: float
    recall: float
    false_positives: tuple[Example, ...]
    false_negatives: tuple[Example, ...]


def load(corpus: str, split: str) -> list[Example]:
    """Return the labelled examples of ``corpus`` ("blameless" or "actions") in ``split`` ("dev" or "test")."""
    paths = [DATA / f"{corpus}_{split}.tsv"]
    if split == "dev":
        paths += [DATA / f"{corpus}_{name}.tsv" for name in DEV_SETS[corpus]]
    if corpus == "blameless" and split == "dev":
        paths.append(LEGACY_BLAMELESS)
    examples: list[Example] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            label, kind, text = (fields[0], "legacy", fields[1]) if len(fields) == 2 else fields
            examples.append(Example(label, kind, text))
    return examples


def _flags(corpus: str) -> Callable[[str], bool]:
    if corpus == "actions":
        return lambda text: any(f.rule in language.ACTION_RULES and f.confident for f in language.check_action(text))
    return lambda text: any(f.confident for f in language.check_blameless(text))


def evaluate(corpus: str = "blameless", split: str = "dev") -> Score:
    """Run the check on every example of one corpus split and score the confident findings."""
    examples = load(corpus, split)
    flags = _flags(corpus)
    positive = POSITIVE[corpus]
    tp = 0
    false_pos: list[Example] = []
    false_neg: list[Example] = []
    for example in examples:
        flagged = flags(example.text)
        if flagged and example.label == positive:
            tp += 1
        elif flagged:
            false_pos.append(example)
        elif example.label == positive:
            false_neg.append(example)
    positives = sum(e.label == positive for e in examples)
    return Score(corpus, split, len(examples), positives, tp / max(tp + len(false_pos), 1), tp / max(positives, 1),
                 tuple(false_pos), tuple(false_neg))
