"""QR codes of share links, for the meeting-room screen and phones (segno: pure Python, no imaging library)."""

from __future__ import annotations

import io

import segno


def png(text: str, *, scale: int = 6) -> bytes:
    """Return a PNG of the QR code of ``text`` (medium error correction: still reads from a projector)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
