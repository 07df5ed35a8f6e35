"""The wizard's ordered steps: the one place that says which steps exist and in what order."""

from __future__ import annotations

from enum import Enum


class Step(Enum):
    """A step of the wizard, in order; the value is its URL path and page file name."""

    INCIDENT = "incident"
    GATHER = "gather"
    TIMELINE = "timeline"
    FACTORS = "factors"
    ACTIONS = "actions"
    REPORT = "report"
    TRACK = "track"

    @property
    def number(self) -> int:
        """Return the 1-based position of the step."""
        return list(Step).index(self) + 1

    @property
    def title(self) -> str:
        """Return the step's short title."""
        return _TITLES[self][0]

    @property
    def purpose(self) -> str:
        """Return one sentence telling a newcomer what the step is for."""
        return _TITLES[self][1]

    @property
    def label(self) -> str:
        """Return the numbered label used in navigation, e.g. "3. Timeline"."""
        return f"{self.number}. {self.title}"

    def next(self) -> Step | None:
        """Return the step after this one, or None for the last step."""
        steps = list(Step)
        i = steps.index(self)
        return steps[i + 1] if i + 1 < len(steps) else None

    def previous(self) -> Step | None:
        """Return the step before this one, or None for the first step."""
        steps = list(Step)
        i = steps.index(self)
        return steps[i - 1] if i > 0 else None


_TITLES: dict[Step, tuple[str, str]] = {
    Step.INCIDENT: ("Incident", "Say what happened, when (UTC), to which services and how bad it was."),
    Step.GATHER: (
        "Gather data",
        "Bring in the logs, metrics and alerts of the incident window, and record honestly what is missing.",
    ),
    Step.TIMELINE: (
        "Timeline",
        "Build one ordered, UTC timeline of what happened and mark the key moments "
        "(impact, detection, acknowledgement, mitigation, resolution).",
    ),
    Step.FACTORS: (
        "Contributing factors",
        "Explain what made the incident possible: the immediate cause, several contributing factors, "
        "five whys and the systemic issues. Focus on systems, never on people.",
    ),
    Step.ACTIONS: (
        "Action items",
        "Turn each contributing factor into a specific, owned, dated improvement.",
    ),
    Step.REPORT: (
        "Report",
        "Write the summary, check the language is blameless, get it reviewed and publish it "
        "within 48 hours of the incident.",
    ),
    Step.TRACK: (
        "Track",
        "Keep the action items alive: tickets, a weekly review and a follow-up review four weeks later.",
    ),
}
