"""One JSON GET with an explicit timeout, its failures translated into plain-words ``ConnectorError``s."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import requests

from core.connectors import egress
from core.connectors.errors import ConnectorError

Params = Mapping[str, str | int | float | list[str]]
Describe = Callable[[requests.Response], str]


def base_url(url: str) -> str:
    """Return ``url`` without a trailing slash, checked to be http(s)://host[:port][/path]."""
    cleaned = url.strip().rstrip("/")
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConnectorError(f"{egress.redact(url)!r} is not a server address: give it as http://host:port (or https://…).")
    return cleaned


def get_json(
    session: requests.Session,
    url: str,
    *,
    source: str,
    server: str,
    timeout: float,
    params: Params | None = None,
    headers: Mapping[str, str] | None = None,
    describe: Describe | None = None,
) -> object:
    """GET ``url`` and return its decoded JSON body; ``server`` is the address named in error messages."""
    server = egress.redact(server)
    try:
        response = session.get(url, params=params, headers=headers, timeout=timeout)
    except requests.Timeout as exc:
        raise ConnectorError(
            f"{source} did not answer within {timeout:g} s: is the server at {server} reachable?"
        ) from exc
    except requests.exceptions.SSLError as exc:
        raise ConnectorError(
            f"The TLS certificate of {source} at {server} could not be verified: check the address ({exc})."
        ) from exc
    except requests.ConnectionError as exc:
        raise ConnectorError(f"Could not connect to {source}: is the server at {server} reachable?") from exc
    except requests.RequestException as exc:
        raise ConnectorError(f"The request to {source} at {server} failed: {exc}") from exc
    if response.status_code >= 400:
        message = _status_message(response, source=source, server=server, describe=describe)
        raise ConnectorError(_scrub(message, headers))
    try:
        return response.json()
    except ValueError as exc:  # requests' JSONDecodeError is a ValueError
        raise ConnectorError(
            f"{source} at {server} did not answer with JSON: is {server} the address of a {source} server?"
        ) from exc


def _status_message(response: requests.Response, *, source: str, server: str, describe: Describe | None) -> str:
    code = response.status_code
    detail = (describe or _body_text)(response).strip()
    suffix = f" ({detail})" if detail else ""
    if code in (401, 403):
        return f"{source} refused the request (HTTP {code}): check the token.{suffix}"
    if code == 404:
        where = egress.redact(response.url)
        return f"{source} at {server} has nothing at {where} (HTTP 404): check the address and ids.{suffix}"
    if code == 429:
        wait = response.headers.get("Retry-After", "")
        when = f"in {wait} s" if wait.isdigit() else "in a minute"
        return f"{source} is limiting requests (HTTP 429): try again {when}."
    if code >= 500:
        return f"{source} at {server} had a server error (HTTP {code}): try again later.{suffix}"
    return f"{source} rejected the request (HTTP {code}): {detail or response.reason}"


def _scrub(text: str, headers: Mapping[str, str] | None) -> str:
    """Return ``text`` with the credentials of ``headers`` blanked out, should a server ever echo them."""
    for name, value in (headers or {}).items():
        if name.lower() == "authorization":
            for part in value.split():  # "Bearer xoxb-…", "Token token=…"
                secret = part.split("=", 1)[-1]
                if len(secret) >= 8:
                    text = text.replace(secret, "***")
    return text


def _body_text(response: requests.Response) -> str:
    text = response.text
    return text if len(text) <= 300 else text[:300] + "…"
