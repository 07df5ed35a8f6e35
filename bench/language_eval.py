"""The language checks on the labelled corpora, dev and test, and the lint speed of a long post-mortem.

Dev is what the rules are tuned on: its misses are listed. Test is held out: only its figures are printed, so that
nobody reads its sentences while tuning. A gap between the two is reported, not hidden.
Run: ``python -m bench.language_eval`` (``--dev-misses`` lists what dev gets wrong).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from importlib import resources

from core import language, report_text
from core.demo import DEMO_DOCUMENT
from core.export import document
from core.language import checks, learned, model
from testing import scoring

GOAL = 0.9
WORDS = 5000


def score_rows() -> list[tuple[str, str, str]]:
    """Return one row per corpus and split: precision and recall, and the dev-test gap."""
    rows = []
    for corpus, name in (("blameless", "Blameless check"), ("actions", "Action specificity")):
        scores = {split: scoring.evaluate(corpus, split) for split in ("dev", *scoring.HELD_OUT)}
        for split, s in scores.items():
            verdict = "ok" if s.precision >= GOAL and s.recall >= GOAL else "MISSED"
            rows.append((f"{name}, {split} ({s.examples} items, {s.positives} to flag)",
                         f"P {s.precision:.2f} R {s.recall:.2f}", f"≥ {GOAL} each {verdict}"))
        if corpus == "blameless":  # dev above is in-sample for the learned judge; its cross-validated figures:
            cv = json.loads((resources.files("core.language") / learned.WEIGHTS).read_text(encoding="utf-8"))
            figures = cv["cross_validated_on_dev"]
            rows.append((f"  {name}, dev out of fold (the learned judge cross-validated, 5 folds)",
                         f"P {figures['precision']:.2f} R {figures['recall']:.2f}", "reported, not a goal"))
            rows.append(("  Blameless check, narration's blameless sentences flagged out of fold",
                         f"{figures['narration_alarms']} of {figures['narration_sentences']}", "reported, not a goal"))
        for held in scoring.HELD_OUT:
            gap = scores["dev"].recall - scores[held].recall
            rows.append((f"  {name}, dev recall minus {held} recall", f"{gap:+.2f}", "reported, not a goal"))
    return rows


def demo_prose() -> list[str]:
    """Return the lines of free text of the demo post-mortem: prose as a post-mortem holds it."""
    pm = document.loads(DEMO_DOCUMENT.read_text(encoding="utf-8"))
    return [line for _, text in report_text.free_text(pm) for line in text.splitlines() if line.strip()]


def corpus_sentences() -> list[str]:
    """Return the dev sentences: nearly every one holds a person, a fault verb or a hindsight form."""
    return [e.text for e in scoring.load("blameless", "dev")]


def long_postmortem(sentences: list[str], words: int = WORDS) -> str:
    """Return a text of about ``words`` words from ``sentences``, one per line, each line new."""
    lines: list[str] = []
    count = 0
    while count < words:
        sentence = sentences[len(lines) % len(sentences)]
        lines.append(f"{sentence} (line {len(lines) + 1})")
        count += len(lines[-1].split())
    return "\n".join(lines)


def lint_seconds(sentences: list[str]) -> tuple[float, float]:
    """Return (first lint of a 5,000-word text, model load included; median warm lint of a new such text)."""
    model.load_model.cache_clear()
    model.forget_parses()
    checks.forget_answers()
    started = time.perf_counter()
    language.check_blameless(long_postmortem(sentences))
    cold = time.perf_counter() - started
    warm = []
    for _ in range(3):
        text = long_postmortem(sentences)
        model.forget_parses()  # a new text: nothing comes from the parse cache or the answers kept per text
        checks.forget_answers()
        started = time.perf_counter()
        language.check_blameless(text)
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm)


def speed_rows() -> list[tuple[str, str, str]]:
    """Return the lint speed rows."""
    cold, warm = lint_seconds(demo_prose())
    _, worst = lint_seconds(corpus_sentences())
    return [
        (f"Lint {WORDS:,} words of post-mortem prose, first run (model load included)", f"{cold:.2f} s", "—"),
        (f"Lint {WORDS:,} words of post-mortem prose, warm, new text (median)", f"{warm:.2f} s",
         f"≤ 1 s {'ok' if warm <= 1 else 'MISSED'}"),
        (f"Lint {WORDS:,} words of blame-corpus sentences, warm (worst case: every line parsed)", f"{worst:.2f} s",
         "—"),
    ]


def main() -> int:
    rows = score_rows() + speed_rows()
    width = max(len(r[0]) for r in rows)
    for name, figure, goal in rows:
        print(f"{name:<{width}}  {figure:>14}  {goal}")
    if "--dev-misses" in sys.argv:
        for corpus in ("blameless", "actions"):
            s = scoring.evaluate(corpus, "dev")
            for e in s.false_positives:
                print(f"  {corpus} dev, flagged but fine ({e.kind}): {e.text}")
            for e in s.false_negatives:
                print(f"  {corpus} dev, missed ({e.kind}): {e.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
