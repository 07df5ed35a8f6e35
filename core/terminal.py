"""Text the ``postmortem`` command prints: user text can never drive the terminal.

A title, log line or file name may hold escape sequences ("\\x1b]0;…\\x07" retitles the window,
others move the cursor or rewrite what was printed before); printed raw, the terminal obeys them.
"""

from __future__ import annotations

import json
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab and newline, DEL, C1
_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # what json.dumps leaves unescaped (it escapes all of C0)


def printable(text: str) -> str:
    """Return ``text`` without C0/C1 control characters (tab and newline kept), safe to print."""
    return _CONTROL.sub("", text)


def json_text(data: object) -> str:
    """Return ``data`` as indented JSON whose control characters are all escapes (same data, nothing raw)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    # inside JSON these characters can only be in strings, where \\u00XX is the same character
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
