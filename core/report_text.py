"""The free text of a post-mortem as the report sees it: durations in words, and open language findings."""

from __future__ import annotations

from datetime import datetime, timedelta

from core import language
from core.models import PostMortem


def format_duration(delta: timedelta) -> str:
    """Return a duration in plain words, e.g. "1 h 35 min" or "2 min 13 s"."""
    seconds = int(abs(delta).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    if seconds and not days and not hours:
        parts.append(f"{seconds} s")
    text = " ".join(parts) or "0 s"
    return "-" + text if delta < timedelta(0) else text


def free_text(pm: PostMortem) -> list[tuple[str, str]]:
    """Return every free-text field of the post-mortem as (field name, text) pairs."""
    fields: list[tuple[str, str]] = [
        ("Title", pm.title),
        ("Summary", pm.report.summary),
        ("Impact", pm.report.impact),
        ("Root cause", pm.report.root_cause),
        ("What went well", pm.report.went_well),
        ("Lessons learned", pm.report.lessons),
        ("Prevention", pm.report.prevention),
        ("Immediate cause", pm.immediate_cause),
    ]
    fields += [(f"Factor {f.id}", f.text) for f in pm.factors]
    for n, chain in enumerate(pm.why_chains, start=1):
        fields.append((f"Five whys {n} question", chain.question))
        fields += [(f"Five whys {n}, why {i}", a) for i, a in enumerate(chain.answers, start=1)]
    fields += [(f"Systemic issue {n}", s.text) for n, s in enumerate(pm.systemic_issues, start=1)]
    fields += [(f"Action {a.id}", a.action) for a in pm.actions]
    fields += [(f"Timeline event at {e.time:%H:%M:%S}", e.event) for e in pm.events if not e.hidden]
    return [(name, text) for name, text in fields if text.strip()]


_NOT_PEOPLE = frozenset({"", "-", "system"})


def language_context(pm: PostMortem) -> language.Context:
    """Return what the post-mortem knows of its people (actors, authors, reviewers, owners) and its systems."""
    people = {e.actor for e in pm.events} | set(pm.authors) | set(pm.reviewers)
    people |= {a.owner for a in pm.actions} | {a.sponsor for a in pm.actions}
    systems = set(pm.services) | {e.source for e in pm.events} | {i.origin for i in pm.imports}
    systems |= {a.name for a in pm.alerts} | {value for s in pm.series for _, value in s.labels}
    systems |= {value for a in pm.alerts for _, value in a.labels}
    return language.Context(
        people=frozenset(p for p in people if p.strip().lower() not in _NOT_PEOPLE),
        systems=frozenset(s for s in systems if s.strip() and s.strip().lower() not in _NOT_PEOPLE) - people,
    )


def open_findings(pm: PostMortem) -> list[tuple[str, language.Finding]]:
    """Return the blameless-language findings of every free-text field that were not dismissed, surest first."""
    dismissed = {(d.field, d.text) for d in pm.dismissals}
    context = language_context(pm)
    found = []
    for name, text in free_text(pm):
        for finding in language.check_blameless(text, context=context):
            if (name, finding.text) not in dismissed:
                found.append((name, finding))
    return sorted(found, key=lambda pair: not pair[1].confident)


def publication_clock(end: datetime, published_at: datetime | None, now: datetime) -> tuple[str, str]:
    """Return (state, words) of the 48-hour publication clock: state is on-time, due, late or stale."""
    if published_at is not None:
        delay = published_at - end
        state = "on-time" if delay <= timedelta(hours=48) else ("late" if delay <= timedelta(weeks=1) else "stale")
        return state, f"published {format_duration(delay)} after the incident"
    elapsed = now - end
    if elapsed <= timedelta(hours=48):
        return "due", f"publish within {format_duration(timedelta(hours=48) - elapsed)}"
    if elapsed <= timedelta(weeks=1):
        return "late", f"late by {format_duration(elapsed - timedelta(hours=48))}"
    return "stale", f"stale: {format_duration(elapsed)} since the incident"
