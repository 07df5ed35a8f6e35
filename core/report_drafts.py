"""Drafts of the Summary and the Impact in plain English, from the post-mortem's own data.

No external service: each sentence is built from the milestones, durations, metric peaks, alerts and action
items, and every number in it is listed with where it came from, so a reader can check it. A draft carries
``DRAFT_MARK`` on its first line until a person accepts or edits it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import report_text
from core.chart import series as chart_series
from core.models import Milestone, PostMortem, Priority, TimelineEvent

DRAFT_MARK = "[Draft from the data: check every number, then edit or accept it]"
"""The first line of a drafted section until a person accepts or edits it."""

SECTIONS = ("summary", "impact")
"""The report sections that can be drafted."""

_LAG = timedelta(minutes=5)


@dataclass(frozen=True)
class Figure:
    """A number in a draft and where it came from."""

    value: str
    source: str


@dataclass(frozen=True)
class Draft:
    """A drafted section: its text (marked as a draft) and the origin of each number in it."""

    section: str
    text: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class _Peak:
    title: str
    value: float
    unit: str
    at: datetime
    before: float | None


def is_draft(text: str) -> bool:
    """Return True while ``text`` is a draft nobody has accepted or edited away the mark of."""
    return text.lstrip().startswith(DRAFT_MARK)


def accepted(text: str) -> str:
    """Return the draft ``text`` without its mark: the person's accepted version."""
    return text.lstrip().removeprefix(DRAFT_MARK).lstrip("\n") if is_draft(text) else text


def draft(pm: PostMortem, section: str) -> Draft:
    """Return the draft of ``section`` ("summary" or "impact")."""
    if section == "summary":
        return draft_summary(pm)
    if section == "impact":
        return draft_impact(pm)
    raise ValueError(f"no draft for the section {section!r}: expected one of {', '.join(SECTIONS)}")


def draft_summary(pm: PostMortem) -> Draft:
    """Return a Summary: when, how long, how bad, how it was detected and resolved, what follows."""
    figures: list[Figure] = []
    start, end = _impact_span(pm, figures)
    span = f"from {start:%H:%M} to {end:%H:%M} UTC ({_minutes(end - start)})"
    figures.append(Figure(_minutes(end - start), "the difference of the two times above"))
    service = pm.services[0] if pm.services else "the service"
    errors = _peak(pm, chart_series.Role.ERRORS, start, end)
    if errors is not None and errors.unit == "%":
        figures.append(_peak_figure(errors))
        what = f"up to {_number(errors.value)} % of {service} requests failed"
    elif errors is not None:
        figures.append(_peak_figure(errors))
        what = f"{service} had errors, up to {_number(errors.value)} {errors.unit} ({errors.title})"
    else:
        what = f"{service} was affected"
    sentences = [f"On {start:%A} {start.day} {start:%B}, {span}, {what}."]
    detected = _milestone(pm, Milestone.DETECTED)
    if detected is not None:
        delay = detected.time - start
        figures.append(_event_figure(f"{detected.time:%H:%M}", detected))
        figures.append(Figure(report_text.format_duration(delay), "detected minus impact start"))
        alert = _alert_at(pm, detected.time)
        how = f"the {alert} alert" if alert else "the team"
        sentences.append(f"It was detected by {how} at {detected.time:%H:%M}, "
                         f"{report_text.format_duration(delay)} after impact began.")
    mitigated = _milestone(pm, Milestone.MITIGATED)
    if mitigated is not None:
        figures.append(_event_figure(f"{mitigated.time:%H:%M}", mitigated))
        sentences.append(f"Service was restored at {mitigated.time:%H:%M} UTC ({_first_clause(mitigated.event)}).")
    resolved = _milestone(pm, Milestone.RESOLVED)
    if resolved is not None and resolved is not mitigated:
        figures.append(_event_figure(f"{resolved.time:%H:%M}", resolved))
        sentences.append(f"The incident was resolved at {resolved.time:%H:%M} UTC.")
    if pm.actions:
        high = sum(1 for a in pm.actions if a.priority is Priority.HIGH)
        figures.append(Figure(str(len(pm.actions)), "the action items: " + ", ".join(a.id for a in pm.actions)))
        if high:
            figures.append(Figure(str(high), "action items of priority High"))
        urgent = f" ({high} of them high priority)" if high else ""
        sentences.append(f"{len(pm.actions)} action items{urgent} address the contributing factors.")
    return Draft("summary", _marked(" ".join(sentences)), tuple(figures))


def draft_impact(pm: PostMortem) -> Draft:
    """Return an Impact list: duration, peak errors and latency, estimated failed requests, alerts."""
    figures: list[Figure] = []
    start, end = _impact_span(pm, figures)
    figures.append(Figure(_minutes(end - start), "the difference of the two times above"))
    lines = [f"- Users of {' and '.join(pm.services) or 'the service'} affected for {_minutes(end - start)} "
             f"({start:%H:%M}–{end:%H:%M} UTC)."]
    for role in (chart_series.Role.ERRORS, chart_series.Role.SATURATION):
        peak = _peak(pm, role, start, end)
        if peak is None:
            continue
        figures.append(_peak_figure(peak))
        change = ""
        if peak.before is not None:
            figures.append(Figure(_with_unit(peak.before, peak.unit), f"{peak.title}: median before impact start"))
            change = f", from {_with_unit(peak.before, peak.unit)} before"
        lines.append(f"- {peak.title.split(' — ')[0]} peaked at {_with_unit(peak.value, peak.unit)} "
                     f"at {peak.at:%H:%M}{change}.")
    failed = _failed_requests(pm, start, end)
    if failed is not None:
        figures.append(Figure(f"{failed:,}", "request rate × error share, summed over the impact (an estimate)"))
        lines.append(f"- About {failed:,} requests failed (estimated from the request rate and the error share).")
    for alert in sorted(pm.alerts, key=lambda a: a.start):
        until = f"–{alert.end:%H:%M}" if alert.end else " (still firing at the end of the data)"
        figures.append(Figure(f"{alert.start:%H:%M}", f"alert {alert.name} ({alert.severity}): started firing"))
        if alert.end:
            figures.append(Figure(f"{alert.end:%H:%M}", f"alert {alert.name} ({alert.severity}): resolved"))
        lines.append(f"- Alert {alert.name} ({alert.severity}) fired {alert.start:%H:%M}{until} UTC.")
    return Draft("impact", _marked("\n".join(lines)), tuple(figures))


def _marked(text: str) -> str:
    return f"{DRAFT_MARK}\n{text}"


def _impact_span(pm: PostMortem, figures: list[Figure]) -> tuple[datetime, datetime]:
    """Return when users were affected: impact start to mitigated (or resolved), else the incident window."""
    first = _milestone(pm, Milestone.IMPACT_START)
    last = _milestone(pm, Milestone.MITIGATED) or _milestone(pm, Milestone.RESOLVED)
    if first is not None:
        figures.append(_event_figure(f"{first.time:%H:%M}", first))
    else:
        figures.append(Figure(f"{pm.start:%H:%M}", "the incident window's start (no impact-start milestone)"))
    if last is not None:
        figures.append(_event_figure(f"{last.time:%H:%M}", last))
    else:
        figures.append(Figure(f"{pm.end:%H:%M}", "the incident window's end (no mitigated or resolved milestone)"))
    return (first.time if first else pm.start), (last.time if last else pm.end)


def _milestone(pm: PostMortem, milestone: Milestone) -> TimelineEvent | None:
    return next((e for e in pm.events if e.milestone is milestone), None)


def _event_figure(value: str, event: TimelineEvent) -> Figure:
    label = event.milestone.label.lower() if event.milestone else "event"
    return Figure(value, f"{label} milestone: event {event.id} at {event.time:%H:%M:%S} UTC, “{event.event}” "
                         f"({event.source})")


def _alert_at(pm: PostMortem, when: datetime) -> str:
    near = [a for a in pm.alerts if abs(a.start - when) <= timedelta(minutes=1)]
    return min(near, key=lambda a: abs(a.start - when)).name if near else ""


def _peak(pm: PostMortem, role: chart_series.Role, start: datetime, end: datetime) -> _Peak | None:
    """Return the highest value during impact of the first series of ``role`` (the chart's ranking), with its baseline.

    The peak is looked for from ``start`` to ``end`` (plus the 5 min a rate over 5 min lags), else anywhere.
    """
    described = sorted((s for s in chart_series.describe(pm) if s.role is role and s.points), key=lambda s: s.rank)
    for s in described:
        finite = [p for p in s.points if math.isfinite(p.value)]
        during = [p for p in finite if start <= p.time <= end + _LAG]
        if not finite:
            continue
        top = max(during or finite, key=lambda p: p.value)
        before = sorted(p.value for p in finite if p.time < start)
        baseline = before[len(before) // 2] if before else None
        return _Peak(s.title, top.value, s.unit, top.time, baseline)
    return None


def _peak_figure(peak: _Peak) -> Figure:
    return Figure(_with_unit(peak.value, peak.unit), f"{peak.title}: highest value, at {peak.at:%H:%M:%S} UTC")


def _failed_requests(pm: PostMortem, start: datetime, end: datetime) -> int | None:
    """Return the requests that failed during impact: request rate (per s) × error share, summed over time."""
    described = chart_series.describe(pm)
    rate = next((s for s in described if s.role is chart_series.Role.TRAFFIC and s.unit == "requests/s"), None)
    share = next((s for s in described if s.role is chart_series.Role.ERRORS and s.unit == "%"), None)
    if rate is None or share is None:
        return None
    shares = {p.time: p.value for p in share.points if math.isfinite(p.value)}
    points = [p for p in rate.points if start <= p.time <= end and p.time in shares and math.isfinite(p.value)]
    total = 0.0
    for left, right in zip(points, points[1:], strict=False):
        total += left.value * shares[left.time] / 100 * (right.time - left.time).total_seconds()
    return int(round(total, -2)) if total >= 1 else None


def _minutes(delta: timedelta) -> str:
    """Return a span to the minute for the prose ("17 min", "1 h 5 min"); seconds only under a minute."""
    if delta >= timedelta(minutes=1):
        delta = timedelta(minutes=int(delta.total_seconds() // 60))
    return report_text.format_duration(delta)


def _number(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"


def _with_unit(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}".strip()


def _first_clause(text: str) -> str:
    clause = text.split(":")[0].split(";")[0].strip()
    return clause[:1].lower() + clause[1:]


def story(pm: PostMortem) -> str:
    """Return the incident's story in one sentence (when, how long, how bad): e.g. a text alternative for the chart."""
    return draft_summary(pm).text.removeprefix(DRAFT_MARK).strip().split(". ")[0].rstrip(".") + "."
