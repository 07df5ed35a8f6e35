"""GitHub's primary and secondary rate limits: bounded waits through the injected sleep, then a plain failure."""

from __future__ import annotations

from werkzeug import Request

from core.trackers import sync
from core.trackers.base import ItemResult
from tests.trackers.conftest import CLOCK, LOGINS, NOW, PM_URL, FakeGitHub, json_response, six_item_postmortem


def outcomes(results: list[ItemResult]) -> list[str]:
    return [r.outcome.value for r in results]


def rate_limited(status: int, **headers: str):
    """Return a canned answer: the next write is refused with a rate limit."""

    def answer(request: Request):
        if request.method in ("POST", "PATCH"):
            body = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes.",
                    "documentation_url": "https://docs.github.com/rest"}
            return json_response(body, status, headers)
        return None

    return answer


def test_secondary_rate_limit_waits_retry_after_then_succeeds(github: FakeGitHub, gh_tracker, sleeps):
    github.canned.append(rate_limited(403, **{"retry-after": "7"}))
    _, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert sleeps == [7.0]
    assert outcomes(results) == ["created"] * 6
    assert len(github.issues) == 6


def test_primary_rate_limit_waits_until_the_reset(github: FakeGitHub, gh_tracker, sleeps):
    reset = str(int(CLOCK) + 30)
    github.canned.append(rate_limited(403, **{"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}))
    _, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert sleeps == [31.0]
    assert outcomes(results) == ["created"] * 6


def test_429_without_a_wait_header_waits_a_minute(github: FakeGitHub, gh_tracker, sleeps):
    github.canned.append(rate_limited(429))
    _, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert sleeps == [60.0] and outcomes(results) == ["created"] * 6


def test_a_wait_beyond_the_cap_fails_at_once_and_stops_the_run(github: FakeGitHub, gh_tracker, sleeps):
    github.canned.append(rate_limited(403, **{"retry-after": "3600"}))
    pm, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert sleeps == []
    assert outcomes(results) == ["failed"] * 6
    assert results[0].reason == "GitHub rate limited, retry later (it asks to wait 3600 s)"
    assert results[1].reason == "not tried: GitHub rate limited, retry later (it asks to wait 3600 s)"
    assert len(github.writes()) == 1 and all(a.ticket_url == "" for a in pm.actions)


def test_repeated_short_limits_are_bounded_by_the_total_wait(github: FakeGitHub, gh_tracker, sleeps):
    github.canned.extend(rate_limited(429, **{"retry-after": "25"}) for _ in range(3))
    _, results = sync.create_tickets(six_item_postmortem(), gh_tracker, pm_url=PM_URL, logins=LOGINS, now=NOW)
    assert sleeps == [25.0, 25.0]  # a third wait would pass 60 s in all
    assert results[0].reason == "GitHub rate limited, retry later"
    assert outcomes(results) == ["failed"] * 6
