"""The shared view for the review meeting: the whole report, or one section per screen, following the edits live.

The page redraws itself every few seconds (a fragment), so what the facilitator saves shows up without a
reload; Streamlit sends only what changed. A viewer's place in the presentation is in the URL (``slide``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from core import public, timeline
from core.export import markdown, report_model
from core.models import PostMortem
from ui import deps, timeline_view, views

FOLLOW_SECONDS = 3
"""How often an open view looks for saved changes."""


@dataclass(frozen=True)
class Slide:
    """One screen of the presentation: its title and how to draw it."""

    title: str
    draw: Callable[[PostMortem, dict[str, str]], None]


def _sections(pm: PostMortem, now: datetime) -> dict[str, str]:
    """Return the report's Markdown cut at our own section headings (user text never forms a heading)."""
    text = markdown.render(pm, now=now)
    found: dict[str, str] = {}
    heading = "Title"
    for line in text.splitlines():
        title = line[3:].strip() if line.startswith("## ") else None
        if title in report_model.SECTIONS:
            heading = title
            found[heading] = ""
            continue
        found[heading] = found.get(heading, "") + line + "\n"
    return found


def _show(*names: str) -> Callable[[PostMortem, dict[str, str]], None]:
    def draw(_pm: PostMortem, sections: dict[str, str]) -> None:
        for name in names:
            if name != "Title" and len(names) > 1:  # one section: the slide's own title says it
                st.subheader(name)
            st.markdown(views.on_screen(sections.get(name, "")))
    return draw


def _chart(pm: PostMortem, _sections: dict[str, str]) -> None:
    sentences = [d.sentence for d in timeline.durations(pm)]
    if sentences:
        st.markdown("  \n".join(views.md(s) for s in sentences))
    timeline_view.shared_chart(pm)


SLIDES: tuple[Slide, ...] = (
    Slide("What happened", _show("Title", report_model.SUMMARY, report_model.IMPACT)),
    Slide("The incident at a glance", _chart),
    Slide("The story", _show(report_model.TIMELINE)),
    Slide("Why it happened", _show(report_model.ROOT_CAUSE, report_model.FACTORS)),
    Slide("What we will change", _show(report_model.ACTIONS)),
    Slide("Checklist", _show(report_model.CHECKLIST)),
)
"""The presentation, in the order the review meeting reads it."""


def slide_number() -> int:
    """Return the 1-based slide in the URL, kept within the presentation."""
    raw = st.query_params.get("slide", "1")
    number = int(raw) if raw.isdigit() else 1
    return min(max(number, 1), len(SLIDES))


def _go(number: int) -> None:
    st.query_params["slide"] = str(number)


def updated_words(pm: PostMortem, now: datetime) -> str:
    """Return "updated 12 s ago" from the newest change of the post-mortem."""
    trail = deps.repository().audit(pm.id)
    if not trail:
        return ""
    seconds = max(int((now - trail[0].at).total_seconds()), 0)
    if seconds < 90:
        return f"updated {seconds} s ago"
    if seconds < 90 * 60:
        return f"updated {seconds // 60} min ago"
    return f"updated {trail[0].at:%Y-%m-%d %H:%M} UTC"


def view(pm_id: str, token: str, *, present: bool) -> None:
    """Draw the shared view (or the presentation), redrawn every few seconds with what was saved since.

    The link is checked again on every redraw: a link revoked during the meeting stops showing anything.
    """

    @st.fragment(run_every=FOLLOW_SECONDS)
    def follow() -> None:
        link = deps.repository().resolve_share_link(token)
        if link is None or link.pm_id != pm_id:
            st.error("This link is no longer valid. Ask the post-mortem's facilitator for a new one.")
            return
        pm = deps.repository().get(pm_id)
        now = deps.now()
        version = "public version" if link.public else "read-only view"
        st.caption(f"{version.capitalize()} of {views.md(pm.id)} · status {pm.status.value} · all times UTC · "
                   f"{updated_words(pm, now)}")
        if link.public:  # people as roles, internal parts left out, hosts, addresses and tokens masked
            pm = public.public_version(pm)
        if present:
            _presentation(pm, now)
        else:
            _whole(pm, now)

    follow()


def _whole(pm: PostMortem, now: datetime) -> None:
    report = markdown.render(pm, now=now)
    # split at the section heading's own line: user text saying "## Timeline" is escaped, never a heading
    head, timeline_heading, rest = report.partition(f"\n## {report_model.TIMELINE}\n")
    st.markdown(views.on_screen(head))
    timeline_view.shared_chart(pm)
    st.markdown(views.on_screen(timeline_heading + rest))


def _presentation(pm: PostMortem, now: datetime) -> None:
    number = slide_number()
    slide = SLIDES[number - 1]
    back, dots, forward = st.columns([1, 6, 1], vertical_alignment="center")
    if back.button("←", key="present.back", disabled=number == 1, shortcut="Left", help="Previous (← key)"):
        _go(number - 1)
        st.rerun()
    dots.markdown(" ".join("●" if n == number else "○" for n in range(1, len(SLIDES) + 1))
                  + f"  {number} / {len(SLIDES)}")
    if forward.button("→", key="present.forward", disabled=number == len(SLIDES), shortcut="Right",
                      help="Next (→ key)"):
        _go(number + 1)
        st.rerun()
    st.header(slide.title)
    slide.draw(pm, _sections(pm, now))
