"""Precision and recall of the blameless-language check (goal ≥ 0.9 each), with the sentences it gets wrong.

The scorer and its labelled sentences are in ``testing/scoring.py``, shared with ``tests/test_language.py``.
Run: ``python -m bench.language_eval``.
"""

from __future__ import annotations

import sys

from testing import scoring


def main() -> int:
    score = scoring.evaluate()
    print(f"{score.sentences} sentences: precision {score.precision:.3f}, recall {score.recall:.3f} (goal ≥ 0.9 each)")
    for s in score.false_positives:
        print(f"  flagged but fine: {s}")
    for s in score.false_negatives:
        print(f"  missed blame:     {s}")
    return 0 if score.precision >= 0.9 and score.recall >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
