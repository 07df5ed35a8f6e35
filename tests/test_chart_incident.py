"""The chart on a real-shaped incident: seven files imported as they come, then ``postmortem chart``."""

from __future__ import annotations

import json
import re

import pytest

from core import chart, cli
from core.export import document
from tests import incident_files

PM_ID = "PM-2026-05-20"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The seven files gathered through the CLI and the suggested milestones accepted; returns the database URL."""
    folder = tmp_path_factory.mktemp("incident")
    url = f"sqlite:///{folder / 'app.db'}"
    assert cli.main(["--db", url, "new", "--title", "Orders timeouts", "--start", incident_files.START.isoformat(),
                     "--end", incident_files.END.isoformat(), "--severity", "P1", "--service", "orders"]) == 0
    for path in incident_files.write(folder / "files"):
        assert cli.main(["--db", url, "gather", PM_ID, "--file", str(path)]) == 0, path.name
    assert cli.main(["--db", url, "milestones", PM_ID, "--accept"]) == 0
    return url, folder


def test_the_default_chart_tells_the_story_in_at_most_four_panels(imported, capsys):
    url, folder = imported
    capsys.readouterr()
    assert cli.main(["--db", url, "chart", PM_ID, "--output", str(folder / "chart.json")]) == 0
    spec = json.loads((folder / "chart.json").read_text())
    panels = spec["vconcat"][1:]
    assert 1 <= len(panels) <= 4
    first = panels[0]
    assert first["title"]["text"] == "5xx responses per minute — edge"
    assert first["layer"][1]["encoding"]["y"]["title"] == "responses/min"
    # how bad: the share of requests that failed from impact start to mitigation, under the title
    share = re.search(r"(\d+)% of requests failed from 09:14 to 09:40 UTC", first["title"]["subtitle"])
    assert share and 35 <= int(share[1]) <= 55
    titles = [p["title"]["text"] for p in panels]
    assert titles[1] == "Requests per minute — edge"
    assert "Orders worker queue depth — orders, Prometheus" in titles
    assert not any(name in json.dumps(spec) for name in incident_files.FILES)  # never a file name
    assert "peak'" not in json.dumps(spec) and "% of each" not in json.dumps(spec)
    # the milestones are on the first panel, as rules, and labelled once above the panels
    (rules,) = (layer for layer in first["layer"] if layer["mark"]["type"] == "rule")
    marked = {row["milestone"] for row in spec["datasets"][rules["data"]["name"]]}
    assert marked == {"Impact start", "Detected", "Acknowledged", "Mitigated", "Resolved"}
    labels = [row["label"] for rows in spec["datasets"].values() for row in rows if "label" in row and "y" in row]
    assert "Impact start 09:14" in labels and "Mitigated 09:40" in labels
    assert f"wrote {folder / 'chart.json'}" in capsys.readouterr().err


def test_the_decoys_stay_one_click_away(imported):
    url, folder = imported
    assert cli.main(["--db", url, "export", PM_ID, "--format", "json", "--output", str(folder / "pm.json")]) == 0
    pm = document.loads((folder / "pm.json").read_text())
    shown = {s.title for s in chart.shown(pm)}
    every = {s.title for s in chart.describe(pm)}
    assert not any("memory" in t.lower() or "cpu" in t.lower() for t in shown)
    assert any("memory" in t.lower() for t in every) and "Unnamed Prometheus series (service=orders)" in every
    assert "Errors and warnings per minute — orders-api" in every


def test_the_png_renders(imported):
    url, folder = imported
    assert cli.main(["--db", url, "chart", PM_ID, "--output", str(folder / "chart.png")]) == 0
    png = (folder / "chart.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 50_000


def test_another_extension_is_refused(imported, capsys):
    url, folder = imported
    assert cli.main(["--db", url, "chart", PM_ID, "--output", str(folder / "chart.svg")]) == 2
    assert "name a .png or a .json file" in capsys.readouterr().err
