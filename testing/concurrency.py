"""Concurrent writers, each with its own repository (as app replicas have), for tests and `bench.storage`."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from core import postmortem_service
from core.errors import StaleWriteError
from core.models import PostMortem, SourceKind
from core.storage import engine
from core.storage.repository import SqlPostMortemRepository
from testing.factories import NOW, START

MAX_ATTEMPTS = 500  # per edit: far more than 20 writers on 3 post-mortems ever need


@dataclass(frozen=True)
class Edit:
    """One saved edit: who made it, on which post-mortem, and the marker it added (a service or a gap)."""

    writer: str
    pm_id: str
    marker: str
    field: str  # "services" or "gaps"


@dataclass(frozen=True)
class WritersOutcome:
    """What the writers did: saved edits, refused stale writes, failures and the time taken."""

    pm_ids: tuple[str, ...]
    saved: tuple[Edit, ...]
    stale_refusals: int
    errors: tuple[str, ...]
    unfinished: int
    seconds: float

    @property
    def throughput(self) -> float:
        """Saved edits per second."""
        return len(self.saved) / self.seconds if self.seconds else 0.0

    def saved_on(self, pm_id: str) -> list[Edit]:
        """Return the edits saved on ``pm_id``."""
        return [e for e in self.saved if e.pm_id == pm_id]


def marker(writer: int, edit: int) -> str:
    """Return the distinct service name (even edits) or gap reason (odd edits) an edit adds."""
    return f"w{writer:02d}-e{edit:02d}"


def create_postmortems(url: str, count: int) -> tuple[str, ...]:
    """Create ``count`` post-mortems with no services and return their ids."""
    repo = engine.open_repository(url)
    try:
        return tuple(
            postmortem_service.create(title=f"Concurrency {n}", start=START + timedelta(days=n),
                                      end=START + timedelta(days=n, hours=1), services=(), actor="setup",
                                      now=NOW, repo=repo).id
            for n in range(count)
        )
    finally:
        repo.close()


def run_writers(url: str, pm_ids: tuple[str, ...], *, writers: int = 20, edits: int = 6,
                timeout: float = 60.0) -> WritersOutcome:
    """Let ``writers`` threads, each with its own engine, make ``edits`` read-modify-write edits each.

    Writer ``w``'s edit ``k`` goes to post-mortem ``(w + k) % len(pm_ids)``: even edits add the
    service ``marker(w, k)`` through ``update_incident``, odd ones a data gap with that reason
    through ``add_gap``. A refused stale write is retried on a fresh read.
    """
    repos = [engine.open_repository(url) for _ in range(writers)]
    start = threading.Barrier(writers)
    lock = threading.Lock()
    saved: list[Edit] = []
    stale = Counter[str]()
    errors: list[str] = []

    def edit_once(repo: SqlPostMortemRepository, pm: PostMortem, name: str, actor: str, k: int) -> None:
        if k % 2 == 0:
            postmortem_service.update_incident(
                pm, title=pm.title, start=pm.start, end=pm.end, severity=pm.severity, incident_type=pm.type,
                services=(*pm.services, name), actor=actor, now=NOW, repo=repo)
        else:
            postmortem_service.add_gap(pm, source=SourceKind.LOGS, reason=f"gap {name}", actor=actor, now=NOW,
                                       repo=repo)

    def write(w: int, repo: SqlPostMortemRepository) -> None:
        actor = f"writer-{w:02d}"
        try:
            start.wait(timeout=timeout)
            for k in range(edits):
                pm_id = pm_ids[(w + k) % len(pm_ids)]
                for _ in range(MAX_ATTEMPTS):
                    try:
                        edit_once(repo, repo.get(pm_id), marker(w, k), actor, k)
                    except StaleWriteError:
                        with lock:
                            stale[actor] += 1
                        continue
                    with lock:
                        saved.append(Edit(actor, pm_id, marker(w, k), "services" if k % 2 == 0 else "gaps"))
                    break
                else:
                    raise RuntimeError(f"{actor} gave up edit {k} after {MAX_ATTEMPTS} stale writes")
        except Exception as exc:  # noqa: BLE001 (reported to the caller, which asserts there are none)
            with lock:
                errors.append(f"{actor}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=write, args=(w, repo), name=f"writer-{w}", daemon=True)
               for w, repo in enumerate(repos)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    deadline = started + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.perf_counter()))
    seconds = time.perf_counter() - started
    unfinished = sum(t.is_alive() for t in threads)
    if not unfinished:  # a writer still running keeps its engine; the caller fails on `unfinished`
        for repo in repos:
            repo.close()
    return WritersOutcome(pm_ids, tuple(saved), sum(stale.values()), tuple(errors), unfinished, seconds)


def lost_updates(url: str, outcome: WritersOutcome) -> int:
    """Count the saved edits whose marker is not in the stored post-mortem exactly once."""
    repo = engine.open_repository(url)
    try:
        lost = 0
        for pm_id in outcome.pm_ids:
            pm = repo.get(pm_id)
            present = Counter((*pm.services, *(g.reason.removeprefix("gap ") for g in pm.gaps)))
            lost += sum(1 for e in outcome.saved_on(pm_id) if present[e.marker] != 1)
        return lost
    finally:
        repo.close()
