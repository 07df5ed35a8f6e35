"""The review calendar parses with icalendar and holds the weekly review and the 4-week follow-up."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from icalendar import Calendar

from core.export import ics
from core.models import FollowUpReview
from tests.factories import END, NOW, complete_postmortem


def test_the_calendar_has_a_weekly_review_and_the_four_week_follow_up():
    published = END + timedelta(hours=20)
    follow_up = FollowUpReview(scheduled_for=(published + timedelta(weeks=4)).date())
    pm = dataclasses.replace(complete_postmortem(), published_at=published, follow_up=follow_up)
    data = ics.render(pm, first_review=date(2026, 3, 16), created_at=NOW, public_url="https://pm.example")
    calendar = Calendar.from_ical(data)
    weekly, review = calendar.walk("VEVENT")
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"]
    assert weekly.decoded("DTSTART").date() == date(2026, 3, 16)
    assert "AI-001" in str(weekly["DESCRIPTION"]) and "https://pm.example/track?pm=PM-2026-03-14" in str(
        weekly["DESCRIPTION"])
    assert review.decoded("DTSTART").date() == follow_up.scheduled_for == date(2026, 4, 12)
    assert "Follow-up review" in str(review["SUMMARY"])


def test_without_a_follow_up_the_calendar_has_only_the_weekly_review():
    data = ics.render(complete_postmortem(), first_review=date(2026, 3, 16), created_at=NOW, public_url="http://x")
    assert len(Calendar.from_ical(data).walk("VEVENT")) == 1
