"""The JSON document: the whole post-mortem, versioned by ``schema_version``, round-tripping exactly."""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import TypeAdapter, ValidationError

from core.errors import InvalidInputError
from core.models import PostMortem

SCHEMA_VERSION = 1

_ADAPTER: TypeAdapter[PostMortem] = TypeAdapter(PostMortem)


def to_data(pm: PostMortem) -> dict[str, Any]:
    """Return the post-mortem as JSON-ready data, with ``schema_version`` first."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    data.update(_ADAPTER.dump_python(pm, mode="json"))
    return data


def dumps(pm: PostMortem) -> str:
    """Return the post-mortem as an indented, strict JSON document (no NaN or Infinity: samples are null)."""
    return json.dumps(to_data(pm), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def from_data(data: object, *, origin: str = "document") -> PostMortem:
    """Validate JSON data as a post-mortem; errors name the field and what was expected."""
    if not isinstance(data, dict):
        raise InvalidInputError(f"{origin}: expected a JSON object with a post-mortem, got {type(data).__name__}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InvalidInputError(
            f"{origin}: schema_version is {version!r}; this version of the wizard reads schema_version "
            f"{SCHEMA_VERSION}"
        )
    body = {k: v for k, v in data.items() if k != "schema_version"}
    try:
        return _ADAPTER.validate_python(body)
    except ValidationError as exc:
        raise InvalidInputError(f"{origin}: {_describe(exc)}") from exc


def loads(text: str, *, origin: str = "document") -> PostMortem:
    """Parse a JSON document into a post-mortem (NaN, written by versions before strict JSON, still reads)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise InvalidInputError(f"{origin}: not readable JSON (arrays or objects nested too deeply)") from exc
    except ValueError as exc:  # the one other refusal of json.loads: an integer too long to convert
        raise InvalidInputError(
            f"{origin}: not readable JSON (a number longer than {sys.get_int_max_str_digits():,} digits)"
        ) from exc
    return from_data(data, origin=origin)


def decode(raw: bytes, *, origin: str = "document") -> str:
    """Return the text of a document file; anything but UTF-8 is refused naming ``origin``."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{origin}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}): a post-mortem "
            "document must be JSON saved as UTF-8"
        ) from exc


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the document (published in ``docs/``)."""
    schema = _ADAPTER.json_schema(mode="serialization")
    schema["properties"] = {"schema_version": {"const": SCHEMA_VERSION}, **schema["properties"]}
    schema["required"] = ["schema_version", *schema.get("required", [])]
    schema["title"] = "Postmortem Wizard document"
    return schema


def _describe(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        problems.append(f"field {where}: {err['msg']}")
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more problem(s)" if more > 0 else "")


if __name__ == "__main__":
    # python -m core.export.document > docs/document.schema.json
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))  # noqa: T201
