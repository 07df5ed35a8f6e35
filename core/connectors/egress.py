"""What the server may fetch on a visitor's behalf: which addresses, how much, for how long.

Every request the app makes for a visitor (a configured connection, or an ad-hoc URL the operator allows)
goes through a ``GuardedSession``:

- a configured connection is **locked to its origin** (scheme, host, port): its token can reach no other
  server, not even through a redirect;
- an ad-hoc address may not be loopback, link-local, private or otherwise non-public, unless the
  operator allowed that host by name; the address is checked before connecting, again after every
  redirect, and once more on the connected socket itself (so a DNS answer that changes between the
  check and the connection does not get through);
- bodies are capped in bytes after decompression and in total time, not just per read;
- cookies are never kept, proxies and ``.netrc`` from the environment are ignored.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from core.connectors.addresses import AddressRefusedError as AddressRefusedError
from core.connectors.addresses import origin_of as origin_of
from core.connectors.addresses import redact as redact
from core.connectors.errors import ConnectorError

CHUNK = 64 * 1024
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class LimitExceededError(ConnectorError):
    """Raised when an answer is larger, or takes longer, than the caps allow."""


@dataclass(frozen=True)
class EgressPolicy:
    """Where requests may go and how much they may bring back.

    ``origin`` set: only that scheme://host:port is reachable (a configured connection; the operator chose it,
    so it may be on a private network). ``origin`` unset: any public address, plus the private hosts named in
    ``allowed_hosts`` (host names, IP addresses or networks such as ``10.1.0.0/16``).
    """

    origin: str | None = None
    allowed_hosts: frozenset[str] = frozenset()
    max_bytes: int = 64 * 1024 * 1024
    max_seconds: float = 60.0
    max_redirects: int = 5

    @classmethod
    def for_origin(cls, url: str, **caps: Any) -> EgressPolicy:
        """Return a policy locked to the origin of ``url``."""
        return cls(origin=origin_of(url), **caps)


def check_url(url: str, policy: EgressPolicy) -> None:
    """Refuse ``url`` unless it is http(s) and reaches only addresses ``policy`` allows (DNS resolved here)."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise AddressRefusedError(f"{redact(url)!r} is not a web address.") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefusedError(f"{redact(url)!r} is not an http(s) address: only http:// and https:// are fetched.")
    if policy.origin is not None:
        if origin_of(url) != policy.origin:
            raise AddressRefusedError(
                f"{redact(url)} is not the configured server {policy.origin}: requests with its credentials go "
                "nowhere else."
            )
        return
    host = parts.hostname.lower()
    if _host_allowed(host, None, policy):
        return
    for address in _resolve(host, parts.port or (443 if parts.scheme == "https" else 80)):
        check_address(address, host, policy)


def check_address(address: Address, host: str, policy: EgressPolicy) -> None:
    """Refuse a non-public ``address`` unless ``policy`` allows ``host`` (or the address) by name."""
    if policy.origin is not None or _is_public(address) or _host_allowed(host, address, policy):
        return
    raise AddressRefusedError(
        f"{host} is a private, loopback or link-local address ({address}); the wizard does not fetch from those. "
        "Ask the operator to configure it as a named server, or to allow the host by name (ALLOWED_PRIVATE_HOSTS)."
    )


def _is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _host_allowed(host: str, address: Address | None, policy: EgressPolicy) -> bool:
    for entry in policy.allowed_hosts:
        if entry == host:
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:  # a host name, not an address or network
                continue
    return False


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ConnectorError(f"The server name {host} could not be resolved: check the address.") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


class _PeerCheck:
    """Mixed into urllib3 connections: check the address actually connected to, after DNS."""

    policy: EgressPolicy
    host: str

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        try:
            peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
            check_address(peer, self.host.lower().strip("[]"), self.policy)
        except BaseException:
            sock.close()
            raise
        return sock


def _adapter(policy: EgressPolicy) -> HTTPAdapter:
    connection = type("GuardedConnection", (_PeerCheck, HTTPConnection), {"policy": policy})
    tls_connection = type("GuardedTLSConnection", (_PeerCheck, HTTPSConnection), {"policy": policy})
    pools = {
        "http": type("GuardedPool", (HTTPConnectionPool,), {"ConnectionCls": connection}),
        "https": type("GuardedTLSPool", (HTTPSConnectionPool,), {"ConnectionCls": tls_connection}),
    }

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

    return GuardedAdapter(max_retries=0)


class GuardedSession(requests.Session):
    """A ``requests.Session`` that only goes where ``policy`` allows, keeps no cookies and caps every answer.

    Redirects are followed by hand, each hop checked; a hop to another origin drops the credentials (and a
    session locked to an origin refuses it outright).
    """

    def __init__(self, policy: EgressPolicy) -> None:
        super().__init__()
        self.policy = policy
        self.trust_env = False  # no proxies, no .netrc credentials from the server's environment
        self.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.mount("http://", _adapter(self.policy))
        self.mount("https://", _adapter(self.policy))

    def request(  # type: ignore[override]
        self, method: str, url: str, *, stream: bool = False, timeout: float | tuple[float, float] = 30.0,
        headers: Mapping[str, str] | None = None, **kwargs: Any,
    ) -> requests.Response:
        """Send ``method url`` within the policy; the body is read (capped) unless ``stream`` is set."""
        deadline = time.monotonic() + self.policy.max_seconds
        kwargs.pop("allow_redirects", None)
        sent_headers = dict(headers or {})
        for _ in range(self.policy.max_redirects + 1):
            check_url(url, self.policy)
            response = super().request(method, url, stream=True, allow_redirects=False, headers=sent_headers,
                                       timeout=_remaining(deadline, timeout, url), **kwargs)
            location = response.headers.get("Location") if response.is_redirect else None
            if location is None:
                if not stream:
                    body = b"".join(iter_body(response, policy=self.policy, deadline=deadline))
                    response._content = body  # noqa: SLF001 (the documented way to hand requests a read body)
                    response._content_consumed = True  # type: ignore[attr-defined]  # noqa: SLF001
                response.deadline = deadline  # type: ignore[attr-defined]
                return response
            response.close()
            target = urljoin(url, location)
            if origin_of(target) != origin_of(url):
                sent_headers = {k: v for k, v in sent_headers.items() if k.lower() not in ("authorization", "cookie")}
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, kwargs = "GET", {k: v for k, v in kwargs.items() if k not in ("data", "json", "files")}
            url = target
        raise AddressRefusedError(f"{redact(url)} redirected more than {self.policy.max_redirects} times.")


def iter_body(response: requests.Response, *, policy: EgressPolicy, deadline: float | None = None) -> Iterator[bytes]:
    """Yield the decoded body of a streamed ``response``, refusing more than the byte cap or past the deadline."""
    if deadline is None:
        deadline = getattr(response, "deadline", time.monotonic() + policy.max_seconds)
    where = redact(response.url)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes and "Content-Encoding" not in response.headers:
        response.close()
        raise _too_large(where, policy)
    total = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise LimitExceededError(
                    f"{where} took longer than {policy.max_seconds:g} s to send its answer: the import was stopped. "
                    "Try a smaller time range, or download the file and upload it."
                )
            chunk = response.raw.read1(CHUNK, decode_content=True)
            if not chunk:
                return
            total += len(chunk)
            if total > policy.max_bytes:
                raise _too_large(where, policy)
            yield chunk
    finally:
        response.close()


def _too_large(where: str, policy: EgressPolicy) -> LimitExceededError:
    return LimitExceededError(
        f"{where} sent more than {policy.max_bytes / 1e6:,.0f} MB (after decompression), the cap for one "
        "answer: the import was stopped and nothing was kept. Narrow the query or time range."
    )


def _remaining(deadline: float, timeout: float | tuple[float, float], url: str) -> tuple[float, float]:
    left = deadline - time.monotonic()
    if left <= 0:
        raise LimitExceededError(f"{redact(url)} did not answer in time: the request was stopped.")
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return min(connect, left), min(read, left)
