"""Runbook and alerting-rule drafts, checked by the real `promtool`."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from core import demo, drafts, postmortem_service
from core.export import document
from core.models import FactorCategory
from tests.factories import NOW

PM = document.loads(demo.DEMO_DOCUMENT.read_text(encoding="utf-8"))


def factor_of(category):
    return next(f for f in PM.factors if f.category is category)


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail("promtool is missing: install Debian's prometheus package (make test does it)", pytrace=False)
    return path


def test_the_demo_alert_rule_draft_passes_promtool(tmp_path):
    rule = drafts.alert_rule(PM, factor_of(FactorCategory.MONITORING_GAP), runbook_url="https://wiki/runbook")
    path = tmp_path / "rule.yml"
    path.write_text(rule)
    result = subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rules found" in result.stdout
    for needle in ("for: 5m", "severity: critical", "team:", "summary:", "description:", "runbook_url:",
                   "checkout:db_pool_connections_in_use:max > 16"):
        assert needle in rule


def test_a_rule_without_a_matching_metric_uses_a_clearly_marked_placeholder(tmp_path):
    bare = PM.__class__(**{**PM.__dict__, "series": ()})
    rule = drafts.alert_rule(bare, factor_of(FactorCategory.MONITORING_GAP), runbook_url="https://wiki/runbook")
    assert "Placeholder expression: replace it" in rule
    path = tmp_path / "rule.yml"
    path.write_text(rule)
    assert subprocess.run([promtool(), "check", "rules", str(path)], capture_output=True, check=False).returncode == 0


def test_the_runbook_draft_is_prefilled_from_the_postmortem():
    text = drafts.runbook(PM, factor_of(FactorCategory.RUNBOOK_GAP), today=date(2026, 3, 16))
    for section in ("## Symptoms", "## Diagnostic steps", "## Resolution steps", "## Verification",
                    "## Escalation", "## Communication", "## Post-incident", "## Revision history"):
        assert section in text
    assert "First 5xx at the edge" in text  # symptoms come from the first events after impact
    assert f"What worked in {PM.id}" in text  # the mitigation that worked comes first
    assert f"Post-mortem: {PM.id}" in text


def test_a_draft_is_attached_to_the_factors_action_item(repo):
    pm = repo.add(PM, actor="t", now=NOW)
    monitoring = factor_of(FactorCategory.MONITORING_GAP)
    pm = postmortem_service.attach_draft(pm, monitoring.id, kind="alert-rule", public_url="https://pm.example",
                                         actor="t", now=NOW, repo=repo)
    attached = [a for a in repo.get(pm.id).actions if a.attachment]
    assert len(attached) == 1 and monitoring.id in attached[0].factor_ids
    assert attached[0].attachment_name.endswith("-alert-rule.yml") and "groups:" in attached[0].attachment
