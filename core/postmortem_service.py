"""Use cases of the wizard: create, edit step by step, publish. Pages and the CLI both call these."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from urllib.parse import quote

from core import changes, drafts, gates, ids, limits, time_range
from core.errors import GateBlockedError, InvalidInputError, NotFoundError, PermissionDeniedError, StaleWriteError
from core.export import document, markdown
from core.models import (
    ActionItem,
    ActionType,
    DataGap,
    Dismissal,
    FollowUpReview,
    IncidentType,
    ItemOutcome,
    Milestone,
    PostMortem,
    Report,
    Severity,
    ShareLink,
    Snapshot,
    SourceImport,
    SourceKind,
    Status,
    TimelineEvent,
    TrackerSettings,
)
from core.steps import Step
from core.storage import documents
from core.storage.repository import PostMortemRepository


def make_id(start: datetime) -> str:
    """Return the base id of a post-mortem from its incident start, e.g. PM-2026-03-14."""
    return f"PM-{start:%Y-%m-%d}"


def create(
    *,
    title: str,
    start: datetime,
    end: datetime,
    severity: Severity | None = None,
    services: Sequence[str] = (),
    incident_type: IncidentType | None = IncidentType.OUTAGE,
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Create and store a new post-mortem; the id comes from the start date (suffixed on clashes)."""
    _check_window(start, end)
    pm = PostMortem(
        id=make_id(start),
        title=title.strip(),
        start=start,
        end=end,
        created_at=now,
        severity=severity,
        type=incident_type,
        services=_clean(services),
        authors=(actor,) if actor else (),
    )
    limits.check_postmortem(None, pm)
    return repo.add(pm, actor=actor, now=now)


def commit(
    before: PostMortem,
    after: PostMortem,
    *,
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
    summary: str | None = None,
) -> PostMortem:
    """Save ``after`` if it differs from ``before``; the audit entry names the fields changed (or ``summary``).

    A change over a cap of ``core.limits`` (a text too long, too many events, too big to store) is refused
    before the write, with ``LimitExceededError``.
    """
    changed = changed_fields(before, after)
    if not changed:
        return before
    limits.check_postmortem(before, after)
    try:
        return repo.save_changes(before, after, actor=actor, now=now,
                                 summary=summary or "changed " + ", ".join(changed))
    except StaleWriteError as exc:
        exc.attempted = after
        raise


def changed_fields(before: PostMortem, after: PostMortem) -> list[str]:
    """Return the names of the fields that differ between two versions of a post-mortem."""
    return [
        f.name
        for f in dataclasses.fields(PostMortem)
        if f.name != "version" and getattr(before, f.name) != getattr(after, f.name)
    ]


def reapply(latest: PostMortem, base: PostMortem, mine: PostMortem) -> PostMortem:
    """Return ``latest`` with what this user changed (``base`` → ``mine``, field by field and item by item) on top.

    Used when the user chose to put their text in place of someone else's after a conflict: only the fields and
    items they changed are replaced; everything else others saved stays.
    """
    mine_changes, _ = documents.changes_between(base, mine, {}, {})
    data = changes.apply(document.to_data(dataclasses.replace(latest, imports=(), series=(), alerts=(),
                                                             candidates=())), mine_changes)
    merged = document.from_data(data, origin="your change")
    parts = {name: getattr(mine if getattr(mine, name) != getattr(base, name) else latest, name)
             for name in ("imports", "series", "alerts", "candidates")}
    return dataclasses.replace(merged, version=latest.version, **parts)


_FIXED = ("id", "version", "schema_version", "created_at")


def apply_patch(pm_id: str, patch: object, *, base_version: int | None, actor: str, now: datetime,
                repo: PostMortemRepository) -> PostMortem:
    """Apply a JSON merge patch (RFC 7396) of the document, made on ``base_version`` (None: the current one).

    What the patch changes lands unless someone changed the same field or item after ``base_version``
    (ConflictError names it). A patch that would make the document invalid is refused naming the field.
    """
    if not isinstance(patch, dict):
        raise InvalidInputError("The patch must be a JSON object (a merge patch of the post-mortem document).")
    fixed = [key for key in _FIXED if key in patch]
    if fixed:
        raise InvalidInputError(f"The patch may not change {', '.join(fixed)}: those are set by the wizard.")
    current = repo.get(pm_id)
    base = current.version if base_version is None else base_version
    if not 1 <= base <= current.version:
        raise InvalidInputError(f"--base-version {base} is not a version of {pm_id} (1 to {current.version}).")
    patched = changes.merge_patch(document.to_data(current), patch)
    after = dataclasses.replace(document.from_data(patched, origin="the patch"), version=base)
    return commit(dataclasses.replace(current, version=base), after, actor=actor, now=now, repo=repo,
                  summary="applied a patch")


def update_incident(
    pm: PostMortem,
    *,
    title: str,
    start: datetime,
    end: datetime,
    severity: Severity | None,
    incident_type: IncidentType | None,
    services: Sequence[str],
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Save the incident details of step 1."""
    _check_window(start, end)
    after = dataclasses.replace(
        pm, title=title.strip(), start=start, end=end, severity=severity, type=incident_type, services=_clean(services)
    )
    return commit(pm, after, actor=actor, now=now, repo=repo)


def add_gap(
    pm: PostMortem, *, source: SourceKind, reason: str, actor: str, now: datetime, repo: PostMortemRepository
) -> PostMortem:
    """Record that a source could not be had for the incident window, and why."""
    if not reason.strip():
        raise InvalidInputError("Say why the data is missing (e.g. \"logs are kept for 7 days only\").")
    gap = DataGap(source=source, reason=reason.strip(), window=pm.window)
    return commit(pm, dataclasses.replace(pm, gaps=(*pm.gaps, gap)), actor=actor, now=now, repo=repo)


def remove_gap(pm: PostMortem, index: int, *, actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Remove the data gap at ``index``."""
    gaps = tuple(g for i, g in enumerate(pm.gaps) if i != index)
    return commit(pm, dataclasses.replace(pm, gaps=gaps), actor=actor, now=now, repo=repo)


def record_file(
    pm: PostMortem,
    *,
    kind: SourceKind,
    origin: str,
    content: bytes,
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Record an uploaded file as a source of ``kind`` (re-recording the same file replaces it)."""
    if not content.strip():
        raise InvalidInputError(f"{origin}: the file is empty.")
    lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    record = SourceImport(kind=kind, origin=origin, imported_at=now, records_read=lines)
    kept = tuple(i for i in pm.imports if not (i.kind is kind and i.origin == origin))
    return commit(pm, dataclasses.replace(pm, imports=(*kept, record)), actor=actor, now=now, repo=repo)


def set_runbook(pm: PostMortem, runbook: str, *, actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Keep the runbook used during the response (a link or pasted text)."""
    return commit(pm, dataclasses.replace(pm, runbook=runbook.strip()), actor=actor, now=now, repo=repo)


def set_timeline(
    pm: PostMortem,
    events: Sequence[TimelineEvent],
    *,
    not_applicable: Sequence[Milestone],
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Replace the timeline with ``events`` (kept ordered by time) and the not-applicable milestones."""
    ordered = tuple(sorted(events, key=lambda e: (e.time, e.id)))
    na = tuple(m for m in Milestone if m in not_applicable and m.optional)
    return commit(pm, dataclasses.replace(pm, events=ordered, not_applicable=na), actor=actor, now=now, repo=repo)


def next_event_id(pm: PostMortem, taken: Sequence[str] = ()) -> str:
    """Return an event id not used in ``pm`` nor in ``taken``."""
    used = {e.id for e in pm.events} | set(taken)
    n = len(used) + 1
    while f"E{n:03d}" in used:
        n += 1
    return f"E{n:03d}"


def update_analysis(pm: PostMortem, analysis: PostMortem, *, actor: str, now: datetime,
                    repo: PostMortemRepository) -> PostMortem:
    """Save the factors step: immediate cause, factors, five whys and systemic issues from ``analysis``."""
    after = dataclasses.replace(
        pm,
        immediate_cause=analysis.immediate_cause.strip(),
        factors=analysis.factors,
        why_chains=analysis.why_chains,
        systemic_issues=analysis.systemic_issues,
    )
    return commit(pm, after, actor=actor, now=now, repo=repo)


def set_actions(
    pm: PostMortem, actions: Sequence[ActionItem], *, actor: str, now: datetime, repo: PostMortemRepository
) -> PostMortem:
    """Replace the action items; new items get the next AI-nnn id, ids are never reused."""
    number = pm.next_action_number
    kept: list[ActionItem] = []
    for item in actions:
        if not item.id:
            item = dataclasses.replace(item, id=f"AI-{number:03d}")
            number += 1
        kept.append(item)
    after = dataclasses.replace(pm, actions=tuple(kept), next_action_number=number)
    return commit(pm, after, actor=actor, now=now, repo=repo)


def attach_draft(
    pm: PostMortem,
    factor_id: str,
    *,
    kind: str,
    public_url: str,
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Attach a runbook ("runbook") or alerting-rule ("alert-rule") draft for a factor to an action item.

    The draft goes to the first action item linked to the factor; when there is none, a new item is added
    with the draft attached, for the team to complete (owner, deadline, priority).
    """
    factor = next((f for f in pm.factors if f.id == factor_id), None)
    if factor is None:
        raise InvalidInputError(f"There is no contributing factor {factor_id!r}.")
    runbook_name = f"{pm.id}-{factor.id}-runbook.md"
    if kind == "runbook":
        name, text = runbook_name, drafts.runbook(pm, factor, today=now.date())
        action_text = f"Publish the runbook {runbook_name} for this failure mode and link it from its alerts"
    elif kind == "alert-rule":
        runbook_url = f"{public_url}/actions?pm={ids.url_value(pm.id)}#{quote(runbook_name, safe='')}"
        name, text = f"{pm.id}-{factor.id}-alert-rule.yml", drafts.alert_rule(pm, factor, runbook_url=runbook_url)
        action_text = f"Deploy the alerting rule {name} (checked with promtool) and route it to the on-call"
    else:
        raise InvalidInputError(f"Unknown draft kind {kind!r}: expected runbook or alert-rule.")
    target = next((a for a in pm.actions if factor.id in a.factor_ids and not a.attachment), None)
    if target is not None:
        actions = tuple(
            dataclasses.replace(a, attachment_name=name, attachment=text) if a.id == target.id else a
            for a in pm.actions
        )
        after = dataclasses.replace(pm, actions=actions)
    else:
        item = ActionItem(id=f"AI-{pm.next_action_number:03d}", action=action_text, factor_ids=(factor.id,),
                          type=ActionType.DETECT if kind == "alert-rule" else ActionType.MITIGATE,
                          attachment_name=name, attachment=text)
        after = dataclasses.replace(pm, actions=(*pm.actions, item), next_action_number=pm.next_action_number + 1)
    return commit(pm, after, actor=actor, now=now, repo=repo)


def update_report(
    pm: PostMortem,
    report: Report,
    *,
    reviewers: Sequence[str],
    reviewed_at: date | None,
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Save the report's text sections and its review sign-off."""
    after = dataclasses.replace(pm, report=report, reviewers=_clean(reviewers), reviewed_at=reviewed_at)
    if after.status is Status.DRAFT and (after.reviewers or after.reviewed_at):
        after = dataclasses.replace(after, status=Status.IN_REVIEW)
    return commit(pm, after, actor=actor, now=now, repo=repo)


def dismiss_finding(
    pm: PostMortem, *, field: str, text: str, reason: str, actor: str, now: datetime, repo: PostMortemRepository
) -> PostMortem:
    """Dismiss a blameless-language finding with a reason (kept in the document and the audit trail)."""
    if not reason.strip():
        raise InvalidInputError("Say why this wording is acceptable before dismissing the finding.")
    dismissal = Dismissal(field=field, text=text, reason=reason.strip())
    return commit(pm, dataclasses.replace(pm, dismissals=(*pm.dismissals, dismissal)), actor=actor, now=now,
                  repo=repo, summary=f"dismissed the language finding “{text}” in {field}: {dismissal.reason}")


def publish(
    pm: PostMortem,
    *,
    render_pdf: Callable[[PostMortem], bytes],
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
    refusal: str | None = None,
) -> tuple[PostMortem, Snapshot]:
    """Publish the report and freeze a snapshot (document, Markdown, PDF); every hard gate of steps 1–6 must pass.

    Publishing again after later edits adds a new snapshot; earlier ones stay as they were. ``refusal`` says
    why this person may not publish (not among the operator's editors).
    """
    if refusal:
        raise PermissionDeniedError(refusal)
    failures = tuple(
        f"{r.gate.step.label}: {r.message}"
        for step in Step
        if step is not Step.TRACK
        for r in gates.failed_gates(pm, step, now=now)
    )
    if failures:
        raise GateBlockedError("The report cannot be published yet:", failures)
    follow_up = pm.follow_up or FollowUpReview(scheduled_for=(now + timedelta(weeks=4)).date())
    status = pm.status if pm.status in (Status.FOLLOW_UP, Status.CLOSED) else Status.PUBLISHED
    after = dataclasses.replace(pm, status=status, published_at=pm.published_at or now, follow_up=follow_up)
    frozen = dataclasses.replace(after, version=after.version + 1)
    try:
        snapshot = repo.publish(pm, after, actor=actor, now=now, markdown=markdown.render(frozen, now=now),
                                pdf=render_pdf(frozen))
    except StaleWriteError as exc:
        exc.attempted = after
        raise
    return frozen, snapshot


def create_share_link(pm: PostMortem, *, actor: str, now: datetime, repo: PostMortemRepository,
                      refusal: str | None = None, public: bool = False) -> ShareLink:
    """Create a read-only link for the review meeting (audited); ``public``: it opens the public version only.

    ``refusal`` says why this person may not.
    """
    if refusal:
        raise PermissionDeniedError(refusal)
    return repo.create_share_link(pm.id, actor=actor, now=now, public=public)


def revoke_share_link(pm: PostMortem, link_id: str, *, actor: str, now: datetime, repo: PostMortemRepository,
                      refusal: str | None = None) -> None:
    """Revoke one of ``pm``'s share links (audited); ``refusal`` says why this person may not."""
    if refusal:
        raise PermissionDeniedError(refusal)
    if link_id not in {link.id for link in repo.share_links(pm.id)}:
        raise NotFoundError(f"{pm.id} has no share link {link_id[:8]}.")
    repo.revoke_share_link(link_id, actor=actor, now=now)


def set_action_states(pm: PostMortem, actions: Sequence[ActionItem], *, actor: str, now: datetime,
                      repo: PostMortemRepository, summary: str | None = None) -> PostMortem:
    """Save the action items' tracking fields (tickets, status) as the track step edits them."""
    return commit(pm, dataclasses.replace(pm, actions=tuple(actions)), actor=actor, now=now, repo=repo,
                  summary=summary)


def set_follow_up_date(pm: PostMortem, when: date, *, actor: str, now: datetime,
                       repo: PostMortemRepository) -> PostMortem:
    """Move the follow-up review to ``when``."""
    review = dataclasses.replace(pm.follow_up, scheduled_for=when) if pm.follow_up else FollowUpReview(when)
    return commit(pm, dataclasses.replace(pm, follow_up=review), actor=actor, now=now, repo=repo)


def mark_weekly_review_issued(pm: PostMortem, *, actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Record that the weekly review calendar was issued (first time only)."""
    if pm.weekly_review_issued_at is not None:
        return pm
    return commit(pm, dataclasses.replace(pm, weekly_review_issued_at=now), actor=actor, now=now, repo=repo,
                  summary="issued the weekly review calendar")


def record_follow_up(
    pm: PostMortem,
    outcomes: Sequence[ItemOutcome],
    sponsors: Mapping[str, str],
    *,
    actor: str,
    now: datetime,
    repo: PostMortemRepository,
) -> PostMortem:
    """Record each item's outcome at the follow-up review and the executive sponsors; opens the Follow-up status."""
    review = pm.follow_up or FollowUpReview(scheduled_for=now.date())
    actions = tuple(dataclasses.replace(a, sponsor=sponsors.get(a.id, a.sponsor).strip()) for a in pm.actions)
    status = Status.FOLLOW_UP if pm.status is Status.PUBLISHED else pm.status
    after = dataclasses.replace(pm, actions=actions, follow_up=dataclasses.replace(review, outcomes=tuple(outcomes)),
                                status=status)
    return commit(pm, after, actor=actor, now=now, repo=repo)


def complete_follow_up(pm: PostMortem, *, actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Close the post-mortem after its follow-up review: every outcome recorded, stalled High items sponsored."""
    if pm.published_at is None or pm.follow_up is None:
        raise InvalidInputError("Publish the report first: the follow-up review comes after publication.")
    held = dataclasses.replace(pm, follow_up=dataclasses.replace(pm.follow_up, held_on=now.date()))
    failures = tuple(r.message for r in gates.failed_gates(held, Step.TRACK, now=now))
    if failures:
        raise GateBlockedError("The follow-up review cannot be completed yet:", failures)
    return commit(pm, dataclasses.replace(held, status=Status.CLOSED), actor=actor, now=now, repo=repo,
                  summary="completed the follow-up review and closed the post-mortem")


def set_tracker(pm: PostMortem, tracker: TrackerSettings, *, actor: str, now: datetime,
                repo: PostMortemRepository) -> PostMortem:
    """Remember where this post-mortem's tickets go and how owners map to tracker logins."""
    return commit(pm, dataclasses.replace(pm, tracker=tracker), actor=actor, now=now, repo=repo)


def _check_window(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise InvalidInputError("Give the incident start and end with a time zone (they are stored in UTC).")
    time_range.require(start, field="Incident start")
    time_range.require(end, field="Incident end")


def _clean(values: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip(), None)
    return tuple(seen)


def set_chart_series(pm: PostMortem, keys: Sequence[str], *, actor: str, now: datetime,
                     repo: PostMortemRepository) -> PostMortem:
    """Keep the series the chart shows, by key; no keys brings back the default choice."""
    return commit(pm, dataclasses.replace(pm, chart_series=_clean(keys)), actor=actor, now=now, repo=repo,
                  summary="chose the chart's series")


def set_internal(pm: PostMortem, *, fields: Sequence[str], event_ids: Sequence[str], factor_ids: Sequence[str],
                 actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Mark report parts, timeline events and factors internal: the public version leaves them out."""
    events = tuple(dataclasses.replace(e, internal=e.id in event_ids) for e in pm.events)
    factors = tuple(dataclasses.replace(f, internal=f.id in factor_ids) for f in pm.factors)
    after = dataclasses.replace(pm, internal_fields=_clean(fields), events=events, factors=factors)
    return commit(pm, after, actor=actor, now=now, repo=repo, summary="changed what the public version leaves out")


def fill_drafts(pm: PostMortem, sections: Sequence[str], *, actor: str, now: datetime,
                repo: PostMortemRepository) -> PostMortem:
    """Fill each empty one of ``sections`` with its draft from the data; text a person typed is never replaced."""
    from core import report_drafts  # the drafts read the chart's series names, which bring Altair in

    texts = {name: report_drafts.draft(pm, name).text for name in sections
             if name in report_drafts.SECTIONS and not getattr(pm.report, name).strip()}
    return commit(pm, dataclasses.replace(pm, report=dataclasses.replace(pm.report, **texts)), actor=actor, now=now,
                  repo=repo, summary="drafted " + ", ".join(texts) + " from the data" if texts else None)


def accept_draft(pm: PostMortem, section: str, *, actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Accept the drafted ``section`` as it stands: its draft mark is removed."""
    from core import report_drafts

    text = report_drafts.accepted(getattr(pm.report, section))
    return commit(pm, dataclasses.replace(pm, report=dataclasses.replace(pm.report, **{section: text})), actor=actor,
                  now=now, repo=repo, summary=f"accepted the drafted {section}")
