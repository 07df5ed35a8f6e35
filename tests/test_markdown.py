"""The Markdown report: the demo's report against a golden file, and the template order."""

from __future__ import annotations

from pathlib import Path

from core import demo
from core.export import document, markdown
from tests.factories import NOW

GOLDEN = Path(__file__).parent / "golden" / "demo-report.md"
SECTIONS = ["# Post-Mortem:", "**Date:**", "**Duration:**", "**Severity:**", "**Authors:**", "**Reviewed:**",
            "## Summary", "## Impact", "## Root Cause", "## Timeline (all times UTC)", "## Contributing Factors",
            "### Immediate Cause", "### Contributing Factors", "### Five Whys", "### Systemic Issues",
            "## Action Items", "## What Went Well", "## Lessons Learned", "## Prevention", "## Data Gaps",
            "## Checklist"]


def demo_report() -> str:
    pm = document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8"))
    return markdown.render(pm, now=NOW)


def test_the_demo_report_matches_its_golden_file(regenerate):
    text = demo_report()
    if regenerate:
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "run pytest --regenerate after an intended change"


def test_the_report_follows_the_template_order_with_a_computed_duration():
    text = demo_report()
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)
    assert "**Duration:** 1 h 30 min (14:00–15:30 UTC)" in text
    assert "| ID | Action | Owner | Deadline | Priority | Ticket |" in text
