"""The JSON document: exact round trip, clear errors naming the field, a published schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import InvalidInputError
from core.export import document
from tests.factories import complete_postmortem


def test_the_document_round_trips_exactly():
    pm = complete_postmortem()
    text = document.dumps(pm)
    assert document.loads(text) == pm
    assert document.dumps(document.loads(text)) == text
    data = json.loads(text)
    assert data["schema_version"] == document.SCHEMA_VERSION
    assert data["events"][0]["time"] == "2026-03-14T14:02:17Z"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(start="2026-03-14T14:00:00"), "field start: .*time zone"),
        (lambda d: d.update(severity="P9"), "field severity"),
        (lambda d: d["events"][0].pop("time"), r"field events\.0\.time: Field required"),
        (lambda d: d.update(schema_version=99), "schema_version is 99"),
    ],
)
def test_a_bad_document_names_the_field_and_what_was_expected(mutate, expected):
    data = json.loads(document.dumps(complete_postmortem()))
    mutate(data)
    with pytest.raises(InvalidInputError, match=expected):
        document.from_data(data, origin="incident.json")


def test_broken_json_names_the_line():
    with pytest.raises(InvalidInputError, match="incident.json: not valid JSON \\(line 2"):
        document.loads('{\n  "id": }', origin="incident.json")


def test_the_published_schema_matches_the_code():
    published = json.loads((Path(__file__).parent.parent / "docs" / "document.schema.json").read_text())
    assert published == document.json_schema(), "regenerate with: python -m core.export.document > docs/..."
    assert published["required"][0] == "schema_version"
