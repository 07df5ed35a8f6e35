"""Large telemetry files by URL or by path on the server, for imports too big to upload."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO, cast

import requests

from core.connectors import egress
from core.connectors.errors import ConnectorError
from core.connectors.http import base_url
from core.errors import InvalidInputError


def download(session: egress.GuardedSession, url: str, *, timeout: float = 30.0) -> BinaryIO:
    """Stream ``url`` into a temporary file within the session's caps and return it rewound.

    Memory stays small whatever the size; the size after decompression and the total time are capped by the
    session's policy, and an answer over the caps leaves nothing behind.
    """
    address = base_url(url)
    where = egress.redact(address)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
    try:
        response = session.get(address, stream=True, timeout=timeout)
        if response.status_code >= 400:
            response.close()
            raise ConnectorError(f"{where} answered HTTP {response.status_code}: check the address.")
        for chunk in egress.iter_body(response, policy=session.policy):
            spool.write(chunk)
    except requests.Timeout as exc:
        spool.close()
        raise ConnectorError(f"{where} did not answer within {timeout:g} s: is it reachable?") from exc
    except requests.RequestException as exc:
        spool.close()
        raise ConnectorError(f"Could not download {where}: is it reachable? ({exc.__class__.__name__})") from exc
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return cast(BinaryIO, spool)


def server_file(path: str, *, import_dir: str) -> Path:
    """Return ``path`` resolved inside ``import_dir``; anything outside it (``..``, links) is refused."""
    root = Path(import_dir).resolve()
    try:
        candidate = (root / path).resolve()  # follows every link, so a link pointing outside lands outside
        if root != candidate and root not in candidate.parents:
            raise InvalidInputError(
                f"{path!r} is outside the import folder {import_dir}: copy the file there and give its name."
            )
        found = candidate.is_file()
    except (ValueError, OSError) as exc:  # a NUL byte, a name too long for the file system
        raise InvalidInputError(f"{path!r} is not a file name the import folder {import_dir} can hold.") from exc
    if not found:
        raise InvalidInputError(f"There is no file {path!r} in the import folder {import_dir}.")
    return candidate
