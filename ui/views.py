"""Small screen helpers shared by the pages: UTC conversion of widget values, list rows, badges."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import streamlit as st

from core import report_text, time_range
from core.export import markdown
from core.models import AuditEntry, PostMortem, ShareLink, Summary
from core.steps import Step

FIRST_STEP = Step.INCIDENT

FIRST_TIME = time_range.EARLIEST.replace(tzinfo=None)
"""The earliest time a date/time input offers (naive UTC, as Streamlit's inputs take it)."""

LAST_TIME = time_range.LATEST.replace(tzinfo=None, microsecond=0)
"""The latest time a date/time input offers (naive UTC)."""


def md(text: str) -> str:
    """Return user ``text`` escaped for st.markdown, captions, alerts and Markdown labels: shown literally.

    Every page interpolates user text (titles, services, factors, file names, error messages that quote
    them) through this one helper, so "[x](javascript:…)", "**x**", "$x$", "<b>", ":red[x]" or
    ":material/home:" never render.
    """
    return on_screen(markdown.escape_lines(text))


# Streamlit's own syntax starts with a colon before a letter (":red[x]", ":blue-badge[x]", ":material/home:",
# ":smile:") or opens one of the few emoji shortcodes that start otherwise (its emoji list, Streamlit 1.67)
_STREAMLIT_COLON = r":(?=[A-Za-z]|(?:100|1234|1st_place_medal|2nd_place_medal|3rd_place_medal|8ball|\+1|-1):)"
# a link destination of ours, "](https://…)", stays as it is; user text cannot make one ("]" is escaped)
_COLON_OR_LINK = re.compile(rf"(?<!\\)\]\([^)\s]*\)|{_STREAMLIT_COLON}")
_WORD_JOINER = "\u2060"


def on_screen(escaped: str) -> str:
    """Return escaped Markdown ready for Streamlit: its own colon syntax in user text shows literally.

    Streamlit reads ":red[x]", ":blue-badge[x]" and ":material/home:" in the source, and emoji such as
    ":smile:" in the text after Markdown has decoded it, so neither a backslash nor the entity ``&#58;``
    stops them all. An invisible word joiner (U+2060) after each colon that could start one does: the
    text still reads ":red[x]" ("14:02" and "see: x" are left alone). The Markdown files we export do not
    need this: it is for the screen only.
    """
    return _COLON_OR_LINK.sub(lambda m: ":" + _WORD_JOINER if m.group() == ":" else m.group(), escaped)


def as_utc(value: datetime | None) -> datetime:
    """Return a widget's naive datetime as UTC (every time input in the app is labelled UTC)."""
    if value is None:
        raise ValueError("no time given")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def naive_utc(value: datetime) -> datetime:
    """Return a UTC datetime without zone, as Streamlit's date/time inputs expect."""
    return value.astimezone(UTC).replace(tzinfo=None)


def keep_seconds(original: datetime, edited: datetime) -> datetime:
    """Return ``original`` when the widget only dropped its seconds, otherwise the edited time."""
    return original if original.replace(second=0, microsecond=0) == edited else edited


def split_list(text: str) -> list[str]:
    """Split comma-separated input into clean items."""
    return [item.strip() for item in text.split(",") if item.strip()]


_CLOCK_COLOURS = {"on-time": "green", "due": "blue", "late": "orange", "stale": "red"}


def summary_row(s: Summary, *, now: datetime) -> None:
    """Draw one post-mortem of the home list with status, severity, date, 48-hour clock and overdue badge."""
    with st.container(border=True):
        left, middle, right = st.columns([5, 3, 3])
        left.page_link(
            f"app_pages/{FIRST_STEP.value}.py", label=f"**{md(s.id)}** — {md(s.title) or 'Untitled'}",
            icon=":material/description:", query_params={"pm": s.id},
        )
        severity = s.severity.value if s.severity else "no severity"
        middle.markdown(f":gray-badge[{severity}] :blue-badge[{s.status.value}]  \n{s.start:%Y-%m-%d %H:%M} UTC")
        state, words = report_text.publication_clock(s.end, s.published_at, now)
        badges = f":{_CLOCK_COLOURS[state]}-badge[{words}]"
        if s.overdue_actions:
            badges += f" :red-badge[{s.overdue_actions} overdue action item(s)]"
        right.markdown(badges)


def duration(pm: PostMortem) -> str:
    """Return the incident's duration in words."""
    return report_text.format_duration(pm.end - pm.start)


REPORT_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("summary", "Summary", "Symptom and magnitude, the mechanism, how service was restored, whether data was lost."),
    ("impact", "Impact", "Numbers: failed requests, customers affected, minutes of downtime, revenue."),
    ("root_cause", "Root cause", "A short technical narrative of the mechanism."),
    ("went_well", "What went well", "Detection speed, mitigation speed, communication…"),
    ("lessons", "Lessons learned", "General takeaways, written about systems and processes."),
    ("prevention", "Prevention", "How the action items prevent a recurrence (optional: defaults to the items)."),
)


def share_url(public_url: str, link: ShareLink) -> str:
    """Return the full read-only link of a just-created ``link`` (the only time its token is known)."""
    return f"{public_url}/view?{urlencode({'pm': link.pm_id, 'token': link.token})}"


def large_type() -> None:
    """Enlarge the text of the page for a shared screen in a meeting."""
    st.html("<style>.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer td "
            "{font-size: 1.15rem;}</style>")


def audit_frame(entries: list[AuditEntry]) -> list[dict[str, str]]:
    """Return the audit trail as rows for a table: when, who, what, version."""
    return [
        {"When (UTC)": f"{e.at:%Y-%m-%d %H:%M:%S}", "Who": e.actor, "What": e.summary, "Version": str(e.version)}
        for e in entries
    ]


def fishbone(pm: PostMortem) -> None:
    """Draw the factors grouped by category, one column per category used, the immediate cause at the head."""
    if not pm.factors:
        st.caption("Add contributing factors to see them grouped by category.")
        return
    st.markdown(f"**Effect:** {md(pm.immediate_cause or pm.title)}")
    groups: dict[str, list[str]] = {}
    for factor in pm.factors:
        groups.setdefault(factor.category.value, []).append(f"**{md(factor.id)}** {md(factor.text)}")
    for column, (category, texts) in zip(st.columns(len(groups)), sorted(groups.items()), strict=True):
        with column.container(border=True):
            st.markdown(f"**{category}**")
            for text in texts:
                st.markdown(f"- {text}")


