"""Grouping log messages into templates with Drain (drain3), after masking the obvious variables.

Drain is the reference parser of the public log-parsing benchmarks: it groups messages of the same
length whose first words agree and whose other words mostly agree, so ``user 42 not found`` and
``user bob not found`` share one template. Messages are masked first (``templates.message_template``:
ids, numbers, quoted strings, ``key=value`` values), which makes Drain's job easier and its
clusters fewer. Only the lines that can become candidates are mined (errors and warnings), never
every line: the miner is the slow part of an import.
"""

from __future__ import annotations

import re

from core.ingest import templates

SIMILARITY = 0.5
DEPTH = 4
MAX_TEMPLATES = 2_000  # Drain forgets the least recently seen templates beyond this
_CACHE_LIMIT = 10_000
# "[req-<uuid> - - -] [instance: <uuid>]": request context, not what happened; Drain would group on it
_CONTEXT = re.compile(r"\[[^\[\]]*<(?:uuid|hex|n|ip|\*)>[^\[\]]*\]\s*")


# a host, a program or a class ("api.github.com:443", "chrome.exe", "dfs.DataNode"): which one, not what happened;
# masked for grouping only, the event still reads the first line as it was written
_NAMES = re.compile(r"(?<![\w<.])[A-Za-z][\w$-]*(?:\.[\w$-]+)+(?::(?:\d+|<n>))?(?![\w>])")


class Miner:
    """Give each message the id of its template; the same file always gives the same ids."""

    def __init__(self) -> None:
        # imported here: drain3 brings jsonpickle and cachetools (~0.15 s), needed only when a log is read
        from drain3.drain import Drain  # type: ignore[import-untyped]

        self._drain = Drain(sim_th=SIMILARITY, depth=DEPTH, max_children=100, max_clusters=MAX_TEMPLATES)
        self._known: dict[str, int] = {}  # masked message -> template id: repeats skip Drain

    def template_id(self, message: str) -> int:
        """Return the id of the template ``message`` belongs to, learning a new template when none fits."""
        masked = _NAMES.sub("<name>", _CONTEXT.sub("", templates.message_template(message))) or message[:1]
        known = self._known.get(masked)
        if known is not None:
            return known
        cluster, _ = self._drain.add_log_message(masked)
        if len(self._known) >= _CACHE_LIMIT:
            self._known.clear()
        found: int = cluster.cluster_id
        self._known[masked] = found
        return found
