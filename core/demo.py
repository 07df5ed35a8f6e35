"""The bundled demo incident: a realistic checkout outage a newcomer can walk through."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from core import limits
from core.export import document
from core.models import PostMortem
from core.storage.repository import PostMortemRepository

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
DEMO_DOCUMENT = DEMO_DIR / "postmortem.json"


def load_document(pm: PostMortem, *, actor: str, now: datetime, repo: PostMortemRepository) -> PostMortem:
    """Store a post-mortem read from a JSON document as a new one (a free id is chosen on clashes)."""
    limits.check_postmortem(None, pm)
    return repo.add(dataclasses.replace(pm, version=0), actor=actor, now=now)


def seed_if_empty(*, now: datetime, repo: PostMortemRepository) -> PostMortem | None:
    """Load the demo post-mortem when the database holds none; return it, or None when not seeded."""
    if repo.list_summaries(today=now.date()) or not DEMO_DOCUMENT.exists():
        return None
    pm = document.loads(DEMO_DOCUMENT.read_text(encoding="utf-8"), origin=str(DEMO_DOCUMENT.name))
    return load_document(pm, actor="demo", now=now, repo=repo)
