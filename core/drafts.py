"""Drafts a post-mortem can hand to its action items: a runbook (Runbook gap) and an alerting rule
(Monitoring gap), pre-filled from what the post-mortem knows. Structure follows method.md §3 and §4."""

from __future__ import annotations

import json
import re
from datetime import date

from core.export.markdown import escape
from core.models import ContributingFactor, Milestone, PostMortem


def runbook(pm: PostMortem, factor: ContributingFactor, *, today: date) -> str:
    """Return a Markdown runbook draft for the failure mode behind ``factor`` (user text escaped, as in the report)."""
    service = escape(pm.services[0]) if pm.services else "the service"
    visible = [e for e in pm.events if not e.hidden]
    impact = pm.milestone_time(Milestone.IMPACT_START) or pm.start
    symptoms = [e for e in visible if e.time >= impact][:4]
    mitigation = next((e for e in visible if e.milestone is Milestone.MITIGATED), None)
    sources = sorted({escape(i.origin) for i in pm.imports})
    lines = [
        f"# {service} — {escape(pm.title)} Runbook",
        "",
        "| Metadata | |",
        "|---|---|",
        f"| Service | {service} |",
        "| Owned by | _team_ |",
        f"| Severity | {_runbook_severity(pm)} |",
        "| On-call rotation | _link_ |",
        f"| Last updated | {today.isoformat()} |",
        "| Version | 0.1 (draft) |",
        "",
        "## Overview",
        "",
        f"What this covers: {escape(factor.text)}",
        f"Drafted from post-mortem {pm.id} ({pm.start:%Y-%m-%d}). Success: the service is back within its SLO.",
        "",
        "## Symptoms",
        "",
        *[f"- {escape(e.event)} (seen in {escape(e.source)})" for e in symptoms],
        *(["- _describe what responders see first_"] if not symptoms else []),
        "",
        "## Diagnostic steps (first 5 minutes)",
        "",
        f"1. Service health: is {service} up and answering?",
        "2. Error rate: is it above 1 %?",
        "3. Logs: look for the first error signature of this incident.",
        "4. Resources: CPU < 70 %, memory < 80 %, connection pool < 80 %.",
        "5. Recent changes: deployments, config pushes, infrastructure changes in the last hour.",
        "6. Dependencies: are the services it calls healthy?",
        *([f"\nData used in {pm.id}: " + ", ".join(sources)] if sources else []),
        "",
        "## Resolution steps",
        "",
        (f"1. **What worked in {pm.id}:** {escape(mitigation.event)}. Verify: error rate back under 1 %, p99 latency "
         "under its threshold. Roll back: undo the step if the metrics do not recover within 10 minutes.")
        if mitigation else "1. _The mitigation that worked, with its verification and rollback._",
        "2. Roll back the latest deployment if the symptoms started after it.",
        "3. Scale up (about +50 %) if the symptoms grow with traffic.",
        "",
        "## Verification",
        "",
        "- Error rate < 1 %, latency under threshold, throughput at baseline",
        "- No active alerts; user-facing checks pass",
        "",
        "## Escalation",
        "",
        "- Primary on-call: _name/rotation_ (respond within 5 min)",
        "- Secondary: automatic after 15 min",
        "- Escalate at once for a customer-facing outage over 15 min or suspected data loss",
        "",
        "## Communication",
        "",
        "- Declare in _#incident channel_; update every 15–30 min; status page for customer impact",
        "",
        "## Post-incident",
        "",
        f"- Post-mortem: {pm.id}. Ask: what was the root cause, why did monitoring not detect it earlier, what "
        "could have prevented it, what should change?",
        "",
        "## Revision history",
        "",
        "| Date | Author | Changes |",
        "|---|---|---|",
        f"| {today.isoformat()} | Postmortem Wizard | Drafted from {pm.id} |",
        "",
    ]
    return "\n".join(lines)


def alert_rule(pm: PostMortem, factor: ContributingFactor, *, runbook_url: str) -> str:
    """Return a Prometheus alerting-rule file (YAML) for the monitoring gap ``factor``.

    The expression uses the gathered metric that best matches the factor's words, firing at 80 % of the
    peak it reached during the incident; without one, a placeholder the team must replace.
    """
    service = pm.services[0] if pm.services else "service"
    name = _camel(service) + _camel(_topic(factor.text)) + "Degraded"
    expr, description = _expression(pm, factor)
    rule = [
        "groups:",
        f"  - name: {_slug(service)}-postmortem-{pm.id.lower()}",
        "    rules:",
        f"      - alert: {name}",
        f"        expr: {json.dumps(expr)}",
        "        for: 5m",
        "        labels:",
        f"          severity: {'critical' if pm.severity and pm.severity.value in ('P1', 'P2') else 'warning'}",
        f"          team: {json.dumps(_slug(service))}",
        "        annotations:",
        f"          summary: {json.dumps(f'{service}: {_first_sentence(factor.text)}')}",
        f"          description: {json.dumps(description + ' Current value: {{ $value }}.')}",
        f"          runbook_url: {json.dumps(runbook_url)}",
        "",
    ]
    return "\n".join(rule)


def _expression(pm: PostMortem, factor: ContributingFactor) -> tuple[str, str]:
    words = set(re.findall(r"[a-z]{4,}", factor.text.lower()))
    best, best_score = None, 0
    for series in pm.series:
        score = len(words & set(re.findall(r"[a-z]{4,}", series.query.lower())))
        if score > best_score and series.points:
            best, best_score = series, score
    if best is None:
        return (f'up{{job="{_slug(pm.services[0]) if pm.services else "service"}"}} == 0',
                "Placeholder expression: replace it with the metric that shows this degradation.")
    peak = max(p.value for p in best.points)
    threshold = round(peak * 0.8, 3)
    return (f"{best.query} > {threshold:g}",
            f"{best.query} is above {threshold:g}, 80% of the peak ({peak:g}) it reached during {pm.id}.")


def _first_sentence(text: str, limit: int = 100) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "…"


def _topic(text: str) -> str:
    stop = {"the", "was", "were", "not", "and", "for", "with", "its", "this", "that", "had", "has", "did", "any",
            "monitored", "monitoring", "alert", "alerted", "no", "on", "of", "is", "a", "an"}
    words = [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in stop]
    return " ".join(words[:2]) or "Health"


def _camel(text: str) -> str:
    return "".join(w[:1].upper() + w[1:].lower() for w in re.findall(r"[A-Za-z0-9]+", text))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "service"


def _runbook_severity(pm: PostMortem) -> str:
    return {"P1": "Critical", "P2": "High", "P3": "Medium", "P4": "Low"}.get(
        pm.severity.value if pm.severity else "", "Medium")
