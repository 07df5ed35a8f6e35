"""JSON requests to a tracker API: explicit timeouts, bounded rate-limit waits, plain-words transport failures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError

from core.errors import InvalidInputError
from core.trackers.base import TrackerError

Model = TypeVar("Model", bound=BaseModel)

DEFAULT_WAIT = 60.0  # GitHub's advice when a secondary limit names no wait: at least one minute
MAX_ATTEMPTS = 4


def base_url(url: str, *, source: str) -> str:
    """Return ``url`` without a trailing slash, checked to be http(s)://host[/path]."""
    cleaned = url.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidInputError(f"{url!r} is not a {source} address: give it as https://host (or http://…).")
    return cleaned


class Client:
    """Send requests to one tracker API, waiting out short rate limits and translating transport failures."""

    def __init__(
        self,
        session: requests.Session,
        *,
        source: str,
        base: str,
        headers: Mapping[str, str],
        secret: str,
        timeout: float,
        max_wait: float,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self.source = source
        self.base = base
        self._session = session
        self._headers = dict(headers)
        self._secret = secret
        self._timeout = timeout
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    def __repr__(self) -> str:
        return f"Client(source={self.source!r}, base={self.base!r})"

    def send(
        self, method: str, path: str, *, item_id: str, json: object = None, params: Mapping[str, str] | None = None
    ) -> requests.Response:
        """Send one request and return the response of any status but a rate limit, which is waited out.

        A rate limit whose wait would take the item past ``max_wait`` in total fails the item at once.
        """
        waited, attempt = 0.0, 1
        while True:
            response = self._send_once(method, path, item_id=item_id, json=json, params=params)
            wait = self._rate_limit_wait(response)
            if wait is None:
                return response
            if attempt == MAX_ATTEMPTS or waited + wait > self._max_wait:
                hint = f" (it asks to wait {wait:.0f} s)" if wait > self._max_wait else ""
                raise TrackerError(item_id, f"{self.source} rate limited, retry later{hint}", fatal=True)
            self._sleep(wait)
            waited, attempt = waited + wait, attempt + 1

    def scrub(self, text: str) -> str:
        """Return ``text`` with the secret blanked out, should a server ever echo it."""
        return text.replace(self._secret, "***") if self._secret else text

    def parse(self, response: requests.Response, model: type[Model], *, item_id: str) -> Model:
        """Return the response body validated as ``model``; anything else is a plain-words failure."""
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise TrackerError(
                item_id,
                f"{self.source} at {self.base} answered with something unexpected (HTTP {response.status_code}): "
                f"is it the {self.source} API address?",
                fatal=True,
            ) from exc

    def _send_once(
        self, method: str, path: str, *, item_id: str, json: object, params: Mapping[str, str] | None
    ) -> requests.Response:
        try:
            return self._session.request(
                method, self.base + path, json=json, params=params, headers=self._headers, timeout=self._timeout
            )
        except requests.Timeout as exc:
            # a create that timed out may still have happened: say so rather than invite a duplicate
            raise TrackerError(
                item_id,
                f"{self.source} did not answer within {self._timeout:g} s; the change may have been made, "
                "check the tracker before retrying",
            ) from exc
        except requests.ConnectionError as exc:
            raise TrackerError(
                item_id, f"could not connect to {self.source} at {self.base}: is the address right?", fatal=True
            ) from exc
        except requests.RequestException as exc:
            raise TrackerError(
                item_id, f"the request to {self.source} failed ({type(exc).__name__})", fatal=True
            ) from exc

    def _rate_limit_wait(self, response: requests.Response) -> float | None:
        """Return how long to wait before retrying, or None when the response is not a rate limit."""
        headers = response.headers
        remaining = headers.get("x-ratelimit-remaining")
        retry_after = headers.get("retry-after")
        limited = response.status_code == 429 or (
            response.status_code == 403
            and (remaining == "0" or retry_after is not None or "rate limit" in response.text.lower())
        )
        if not limited:
            return None
        if retry_after is not None and retry_after.strip().isdigit():
            return float(retry_after)
        reset = headers.get("x-ratelimit-reset")
        if remaining == "0" and reset is not None and reset.strip().isdigit():
            return max(float(reset) - self._clock(), 0.0) + 1.0  # the reset second itself may still be limited
        return DEFAULT_WAIT
