"""Synthetic incidents for the chart's choice of series: a development set to tune on, a test set to check on.

Each incident has an edge access log (per-minute counts by status class), an application log (per level), and
Prometheus gauges: one saturation or latency signal that moved with the errors (the cause), and decoys that did
not (a slow drift, a spike before impact, a step long before, a sawtooth, plain noise). The truth of each
incident says which series a reader needs: the edge 5xx first, traffic, and the signal that moved.

Run ``python -m tests.chart_scenarios`` for the figures of both sets (tune only on the development set).
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core import chart
from core.models import EventKind, MetricPoint, MetricSeries, Milestone, PostMortem
from tests.factories import make_event, make_postmortem

DEV_SEEDS = range(0, 80)
TEST_SEEDS = range(1000, 1080)
_CAUSES = {  # the effect of the incident on each kind of signal, from barely visible to off the scale
    "db_pool_connections_in_use": lambda r, base, hit: min(20.0, base + hit * r.uniform(3, 25)),
    "checkout:http_request_duration_seconds:p99_5m": lambda r, base, hit: base * (1 + hit * r.uniform(0.3, 12)),
    "orders_worker_queue_depth": lambda r, base, hit: base + hit * r.uniform(6, 600),
    "node_cpu_utilisation_ratio": lambda r, base, hit: min(1.0, base + hit * r.uniform(0.1, 0.6)),
    "jvm_threads_busy_threads": lambda r, base, hit: base + hit * r.uniform(10, 180),
}
_BASES = {"db_pool_connections_in_use": 6.0, "checkout:http_request_duration_seconds:p99_5m": 0.35,
          "orders_worker_queue_depth": 3.0, "node_cpu_utilisation_ratio": 0.3, "jvm_threads_busy_threads": 25.0}
_NOISE = {"db_pool_connections_in_use": 1.2, "checkout:http_request_duration_seconds:p99_5m": 0.04,
          "orders_worker_queue_depth": 2.0, "node_cpu_utilisation_ratio": 0.04, "jvm_threads_busy_threads": 4.0}


@dataclass(frozen=True)
class Scenario:
    """One synthetic incident and what its default chart should show."""

    pm: PostMortem
    errors: str  # the key of the user-facing error series, which must come first
    traffic: str
    cause: str  # the key of the saturation or latency signal that moved
    decoys: frozenset[str]  # keys of series that did not move with the incident


def scenario(seed: int) -> Scenario:
    """Return the synthetic incident of ``seed``."""
    r = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=seed % 300, hours=r.randint(0, 23))
    before = r.choice([4, 10, 20, 30])
    impact = start + timedelta(minutes=before)
    length = r.randint(6, 60)
    fixed = impact + timedelta(minutes=length)
    end = fixed + timedelta(minutes=r.randint(5, 40))
    minutes = [start + timedelta(minutes=n) for n in range(int((end - start) / timedelta(minutes=1)) + 1)]

    def hit(t: datetime) -> float:  # how hard the incident bites at t: ramps in over a few minutes
        if not impact <= t < fixed:
            return 0.0
        return min(1.0, ((t - impact) / timedelta(minutes=1) + 1) / r.choice([1, 2, 4]))

    edge, app = r.choice(["nginx", "edge", "ingress"]), r.choice(["api", "checkout-api", "orders"])
    rate, share = r.uniform(15, 2_000), r.uniform(0.02, 0.6)
    drop = r.uniform(0, 0.3)
    counts = {"2xx": [], "5xx": [], "4xx": [], "": []}
    for t in minutes:
        total = max(0.0, r.gauss(rate * (1 - drop * hit(t)) * (1 + 0.1 * math.sin(seed + len(counts[""]) / 7)),
                                 math.sqrt(rate)))
        errors = round(total * (share * hit(t) + r.uniform(0, 0.004)))
        clients = round(total * r.uniform(0.01, 0.03))
        counts["5xx"].append(errors)
        counts["4xx"].append(clients)
        counts["2xx"].append(max(0, round(total) - errors - clients))
        counts[""].append(round(total))
    series = [MetricSeries(f"{edge} requests/min", (("class", c),) if c else (), _points(minutes, v))
              for c, v in counts.items()]
    noisy_app = r.random() < 0.3  # an application that logs errors all day long, incident or not
    levels = {"info": [r.gauss(200, 15) for _ in minutes],
              "error": [max(0.0, r.gauss(30 if noisy_app else 0.5, 5 if noisy_app else 0.5)) + 40 * hit(t) * r.random()
                        for t in minutes]}
    series.append(MetricSeries(f"{app} log lines/min", (), _points(minutes, [a + b for a, b in
                                                                          zip(*levels.values(), strict=True)])))
    series += [MetricSeries(f"{app} log lines/min", (("level", level),), _points(minutes, v))
               for level, v in levels.items()]
    steps = [start + timedelta(seconds=15 * n) for n in range(len(minutes) * 4 - 3)]
    cause, *others = r.sample(sorted(_CAUSES), k=len(_CAUSES))
    labels = (("service", app),)
    series.append(MetricSeries(cause, labels, _points(steps, [
        max(0.0, _CAUSES[cause](r, _BASES[cause], hit(t)) + r.gauss(0, _NOISE[cause])) for t in steps])))
    decoys = set()
    for n, name in enumerate(others[: r.randint(2, 4)]):
        base, noise = _BASES[name], _NOISE[name]
        shape = (n + seed) % 4
        values = [base + r.gauss(0, noise) + {
            0: base * 0.5 * (t - start) / (end - start),  # a slow drift all along
            1: base * 6 if abs((t - (impact - timedelta(minutes=before / 2))).total_seconds()) < 20 else 0,  # a spike
            2: base * 0.3 * ((t - start).total_seconds() // 60 % 10) / 10,  # a sawtooth (a cron job)
            3: 0.0,  # plain noise
        }[shape] for t in steps]
        series.append(MetricSeries(name, labels, _points(steps, values)))
        decoys.add(chart.series_key(series[-1]))
    if r.random() < 0.5:
        series.append(MetricSeries("process_resident_memory_bytes", labels, _points(
            steps, [4e8 + 2e5 * (t - start).total_seconds() / 60 + r.gauss(0, 2e6) for t in steps])))
        decoys.add(chart.series_key(series[-1]))
    events = (make_event("E1", impact, "First 5xx", Milestone.IMPACT_START, kind=EventKind.LOG),
              make_event("E2", fixed, "Rolled back", Milestone.MITIGATED, kind=EventKind.DEPLOY),
              make_event("E3", fixed + timedelta(minutes=3), "Resolved", Milestone.RESOLVED, kind=EventKind.PAGE))
    r.shuffle(series)
    pm = make_postmortem(start=impact - timedelta(minutes=min(before, 5)), end=end, series=tuple(series),
                         events=events)
    if not noisy_app:
        decoys.discard("")
    return Scenario(pm, f"{edge} requests/min{{class=5xx}}", f"{edge} requests/min{{}}",
                    chart.series_key(next(s for s in series if s.query == cause)), frozenset(decoys))


def _points(times: list[datetime], values: list[float] | list[int]) -> tuple[MetricPoint, ...]:
    return tuple(MetricPoint(t, float(v)) for t, v in zip(times, values, strict=True))


def figures(seeds: range) -> dict[str, float]:
    """Return, over the incidents of ``seeds``, the share whose default chart gets each part of the story right."""
    first = traffic = cause = clean = small = 0
    for seed in seeds:
        s = scenario(seed)
        keys = chart.default_keys(chart.describe(s.pm), chart.impact_window(s.pm))
        first += keys[:1] == (s.errors,)
        traffic += s.traffic in keys[1:2]
        cause += s.cause in keys
        clean += not (set(keys) & s.decoys)
        small += len(keys) <= chart.MAX_PANELS
    n = len(seeds)
    return {"5xx first": first / n, "traffic second": traffic / n, "cause shown": cause / n,
            "no decoy shown": clean / n, "at most four panels": small / n}


def main() -> None:
    for name, seeds in (("development", DEV_SEEDS), ("test", TEST_SEEDS)):
        shown = ", ".join(f"{k} {v:.0%}" for k, v in figures(seeds).items())
        sys.stdout.write(f"{name} set ({len(seeds)} incidents): {shown}\n")


if __name__ == "__main__":
    main()
