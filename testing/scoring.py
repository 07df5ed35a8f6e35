"""Precision and recall of the blameless-language check on a labelled set of sentences (goal ≥ 0.9 each)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core import language

DATA = Path(__file__).parent / "data" / "blameless.tsv"
"""The labelled sentences: ``blame`` or ``ok``, a tab, the sentence; ``#`` starts a comment line."""


@dataclass(frozen=True)
class Score:
    """Counts and rates of one evaluation run."""

    sentences: int
    precision: float
    recall: float
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]


def evaluate(path: Path = DATA) -> Score:
    """Run the check on every labelled sentence and score it."""
    tp = fp = fn = 0
    false_pos: list[str] = []
    false_neg: list[str] = []
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, sentence = line.split("\t", 1)
        total += 1
        flagged = bool(language.check_blameless(sentence))
        if flagged and label == "blame":
            tp += 1
        elif flagged:
            fp += 1
            false_pos.append(sentence)
        elif label == "blame":
            fn += 1
            false_neg.append(sentence)
    return Score(total, tp / max(tp + fp, 1), tp / max(tp + fn, 1), tuple(false_pos), tuple(false_neg))
