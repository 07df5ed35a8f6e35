"""Message and URL-path templates: the variable parts of a log line masked, so repeats group together.

Masks, applied in this order: UUIDs ``<uuid>``, date-times ``<time>``, ``key=value`` values
(``order_id=<*>``), quoted strings (``"<str>"``), IPv4 addresses ``<ip>``, Kubernetes pod names
``<pod>``, hex ids of six or more characters with a digit and a letter ``<hex>``, and numbers
``<n>`` (``took 5000ms`` becomes ``took <n>ms``; a version such as ``v2.3.0`` is kept). URL paths
mask UUIDs, hex ids, long tokens with digits (``<id>``) and numbers not glued to letters. Deploy lines
use ``deploy_template``, which keeps numbers, hex commits and versions (they tell two deploys apart).
"""

from __future__ import annotations

import re

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_KEY_VALUE = re.compile(r"\b[A-Za-z_][\w.-]*=(?:\"[^\"]*\"|'[^']*'|[^\s,;)\]}]+)")
_QUOTED = re.compile(r"\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b")
# a pod name starts a token ((?<![\w-]), not \b): trying it from every hyphen made "a-a-a-…" quadratic
_POD = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?=[a-z0-9]*\d)[a-z0-9]{5,10}-[a-z0-9]{5}\b")
_HEX = re.compile(r"\b(?:0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,})\b")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)*")
# all of them in one pass, tried in the order above at each position (faster than a pass for each)
_MASKS = re.compile("|".join(f"(?P<{name}>{pattern.pattern})" for name, pattern in (
    ("uuid", _UUID), ("time", _TIME), ("kv", _KEY_VALUE), ("str", _QUOTED), ("ip", _IP), ("pod", _POD),
    ("hex", _HEX), ("n", _NUMBER))))
_DIGIT = re.compile(r"\d")
_PATH_ID = re.compile(  # one pass over a path: UUIDs, hex ids, long tokens with digits, numbers not glued to letters
    r"(?P<uuid>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"
    r"|(?P<hex>\b(?:0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{6,})\b)"
    r"|(?P<id>(?<![\w-])(?=[\w-]*\d)[\w-]{16,}(?![\w-]))"
    r"|(?P<n>(?<![A-Za-z])\d+(?![A-Za-z]))")
_PATH_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?![A-Za-z])")
_PATH_MASKS = {"uuid": "<uuid>", "hex": "<hex>", "id": "<id>", "n": "<n>"}
_LEADING_MASKS = re.compile(r"^(?:<(?:uuid|time|ip|pod|hex|n)>[\s:|-]*)+")
_LEADING_EMITTER = re.compile(rf"^(?:(?:{_POD.pattern}|{_IP.pattern}|{_UUID.pattern})[\s:|-]+)+")
_MAX_TEMPLATE = 200
MESSAGE_PREFIX = 1000
"""How much of a message its template looks at: messages with the same prefix have the same template."""
_MAX_PATH = 120


def message_template(message: str) -> str:
    """Return ``message`` with its variable parts masked, so lines that differ only in them compare equal."""
    text = _MASKS.sub(_mask, message[:MESSAGE_PREFIX])
    return " ".join(text.split())[:_MAX_TEMPLATE]


def _mask(match: re.Match[str]) -> str:
    kind, text = match.lastgroup, match[0]
    if kind == "kv":
        return text.split("=", 1)[0] + "=<*>"
    if kind == "str":
        return text[0] + "<str>" + text[0]
    return f"<{kind}>"


def deploy_template(message: str) -> str:
    """Return a deploy line with only who-said-it masked (pods, IPs, ids, times); versions and commits stay."""
    text = _UUID.sub("<uuid>", message[:MESSAGE_PREFIX])
    text = _TIME.sub("<time>", text)
    text = _IP.sub("<ip>", text)
    text = _POD.sub("<pod>", text)
    return " ".join(text.split())[:_MAX_TEMPLATE]


def display(template: str) -> str:
    """Return a template without the masks it starts with (the emitting pod or host says nothing)."""
    return _LEADING_MASKS.sub("", template) or template


def without_emitter(message: str) -> str:
    """Return a message without the pod names, IPs and UUIDs it starts with (who said it, not what)."""
    return _LEADING_EMITTER.sub("", message, count=1) or message


def path_template(target: str) -> str:
    """Return the path of a request target with the query dropped and the ids in it masked."""
    path = target.split("?", 1)[0].split("#", 1)[0] or "/"
    if _DIGIT.search(path) is None:
        return path[:_MAX_PATH]
    masked = _PATH_NUMBER.sub("<n>", path)  # the common case, plain numeric ids, at a quarter of the cost
    if _DIGIT.search(masked) is not None:
        masked = _PATH_ID.sub(_path_mask, path)
    return masked[:_MAX_PATH]


def _path_mask(match: re.Match[str]) -> str:
    return _PATH_MASKS[match.lastgroup or "n"]
