"""Calendar file with the weekly review of open action items and the 4-week follow-up review."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from core import ids
from core.models import PostMortem


def render(pm: PostMortem, *, first_review: date, created_at: datetime, public_url: str) -> bytes:
    """Return an iCalendar file: a weekly review (RRULE) and, when scheduled, the follow-up review."""
    cal = Calendar()
    cal.add("prodid", "-//Postmortem Wizard//EN")
    cal.add("version", "2.0")
    link = f"{public_url}/track?pm={ids.url_value(pm.id)}"
    weekly = Event()
    weekly.add("uid", f"{pm.id}-weekly-review@postmortem-wizard")
    weekly.add("dtstamp", created_at)
    weekly.add("summary", f"Weekly review of open action items: {pm.id}")
    weekly.add("description", _items(pm) + f"\n\nPost-mortem: {link}")
    start = datetime.combine(first_review, time(9, 30), tzinfo=UTC)
    weekly.add("dtstart", start)
    weekly.add("dtend", start + timedelta(minutes=30))
    weekly.add("rrule", {"freq": "weekly", "count": 8})
    cal.add_component(weekly)
    if pm.follow_up is not None:
        follow = Event()
        follow.add("uid", f"{pm.id}-follow-up@postmortem-wizard")
        follow.add("dtstamp", created_at)
        follow.add("summary", f"Follow-up review (4 weeks): {pm.id} {pm.title}")
        follow.add("description", "Record each action item's outcome and whether it worked.\n\n"
                   + _items(pm) + f"\n\nPost-mortem: {link}")
        when = datetime.combine(pm.follow_up.scheduled_for, time(14, 0), tzinfo=UTC)
        follow.add("dtstart", when)
        follow.add("dtend", when + timedelta(hours=1))
        cal.add_component(follow)
    result: bytes = cal.to_ical()
    return result


def _items(pm: PostMortem) -> str:
    return "\n".join(
        f"{a.id} ({a.priority.value if a.priority else '-'}, {a.owner or 'no owner'}, due "
        f"{a.deadline.isoformat() if a.deadline else '-'}): {a.action}"
        for a in pm.actions
    ) or "No action items."
