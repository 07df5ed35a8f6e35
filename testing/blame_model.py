"""Train the learned blame model (``core.language.learned``) on the dev corpus; write its shipped weights.

Run ``python -m testing.blame_model``. Only dev is read: the regularisation and the two probability thresholds are
chosen by five-fold cross-validation on dev (out-of-fold predictions, combined with the rules as the check combines
them), the model is then fitted on all of dev, and the held-out splits are left to ``make bench``. Deterministic:
the same corpus gives the same weights.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from core.language import blame, learned, model, prefilter
from core.language.findings import CONFIDENT, NO_CONTEXT
from testing import scoring

OUT = Path(__file__).resolve().parents[1] / "core" / "language" / learned.WEIGHTS
GOAL_PRECISION = 0.92
NARRATION_ALARMS = 1
"""At most this many of the narration's blameless sentences may the model flag (out of fold) beyond the rules."""
"""The precision the combined check must keep, out of fold, on the dev examples that name someone."""


def narration() -> set[str]:
    """Return the texts of the narration set: ordinary post-mortem prose, where a false alarm costs most."""
    path = scoring.DATA / "blameless_narration.tsv"
    return {line.split("\t")[2] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def rows(split: str = "dev") -> list[tuple[list[str], bool, bool, bool]]:
    """Return, per example that names someone: features of its sentences, labelled blame, a rule flags it, and
    whether it is narration."""
    prose = narration()
    out = []
    for example in scoring.load("blameless", split):
        pieces = [sentence for _, sentence in prefilter.candidates(example.text)]
        features: list[str] = []
        ruled = False
        for doc in model.parse_lines(pieces):
            for sent in doc.sents:
                verbal = any(t.pos_ in ("VERB", "AUX") for t in sent)
                people = [t for t, _ in blame.actors(blame.people(sent, NO_CONTEXT))] if verbal else []
                if people:
                    features += learned.features(sent, people)
                ruled = ruled or any(h.confidence >= CONFIDENT and h.rule != "person-blamed"
                                     for h in blame.find(sent, NO_CONTEXT, learned_model=False))
        if features:
            out.append((features, example.label == "blame", ruled, example.text in prose))
    return out


def main(out: Path = OUT) -> int:
    """Train on dev and write the weights to ``out``; return 0, or 1 when no setting keeps the precision goal."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    data = rows()
    vectoriser = DictVectorizer()
    x = vectoriser.fit_transform([dict.fromkeys(f, 1) for f, _, _, _ in data])
    y = [label for _, label, _, _ in data]
    ruled = [r for _, _, r, _ in data]
    prose = [n and not label for _, label, _, n in data]  # narration that blames no one
    positives = sum(1 for e in scoring.load("blameless", "dev") if e.label == "blame")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    best = None
    for c in (0.3, 1.0, 3.0, 10.0):
        proba = cross_val_predict(LogisticRegression(C=c, max_iter=2000), x, y, cv=folds,
                                  method="predict_proba")[:, 1]
        for threshold in [t / 100 for t in range(40, 100, 3)]:
            flagged = [r or p >= threshold for r, p in zip(ruled, proba, strict=True)]
            tp = sum(f and t for f, t in zip(flagged, y, strict=True))
            fp = sum(f and not t for f, t in zip(flagged, y, strict=True))
            precision, recall = tp / max(1, tp + fp), tp / positives
            added = sum(f and not r for f, r, n in zip(flagged, ruled, prose, strict=True) if n)
            if precision >= GOAL_PRECISION and added <= NARRATION_ALARMS and (best is None or recall > best[0]):
                best = (recall, precision, c, threshold)
    if best is None:
        print("no setting keeps the precision goal")  # noqa: T201 (a command's report)
        return 1
    recall, precision, c, threshold = best
    fitted = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    names = vectoriser.get_feature_names_out()
    weights = {str(n): round(float(w), 4) for n, w in zip(names, fitted.coef_[0], strict=True) if abs(w) >= 0.01}
    out.write_text(json.dumps({
        "about": "core.language.learned: trained by testing/blame_model.py on the dev corpus only",
        "bias": round(float(fitted.intercept_[0]), 4), "threshold": threshold,
        "cross_validated_on_dev": {"precision": round(precision, 3), "recall": round(recall, 3), "C": c},
        "weights": dict(sorted(weights.items())),
    }, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"C={c} threshold={threshold}: dev out of fold P {precision:.3f} R {recall:.3f}; "  # noqa: T201
          f"{len(weights)} weights written to {out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
