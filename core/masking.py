"""Internal details found in free text: e-mail addresses, IPs, internal hosts, ticket links and tokens.

Each finding is masked by a bracketed word ("[email]", "[IP address]"…) in the public version of a
post-mortem. Detection errs on the side of masking: the author reviews every mask before sharing.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

EMAIL = "[email]"
IP = "[IP address]"
HOST = "[internal host]"
TICKET = "[ticket]"
LINK = "[internal link]"
TOKEN = "[token]"

_INTERNAL_SUFFIXES = (
    "internal", "local", "localdomain", "corp", "lan", "intra", "intranet", "priv", "private", "home", "svc",
    "cluster.local", "localhost", "test", "example", "invalid",
)
# ticket systems: a link to one names an internal work item, never something the public can open
_TICKET_URL = re.compile(
    r"(atlassian\.net|jira|youtrack|linear\.app|servicenow|zendesk|/browse/[A-Z][A-Z0-9]+-\d+|/issues?/\d+|"
    r"/pull/\d+|/merge_requests/\d+|/tickets?/|pagerduty\.com/incidents)", re.IGNORECASE)
_URL = re.compile(r"\b(?:https?|ftp|ssh)://[^\s<>\"'`|)\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_TOKENS = (
    re.compile(r"\b(?:ghp|gho|ghs|ghu|ghr|github_pat)_[A-Za-z0-9_]{16,}"),
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"),
    re.compile(r"\bsk-[A-Za-z0-9_-]{20,}"),
    re.compile(r"\bglpat-[A-Za-z0-9_-]{16,}"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{12,}"),
    re.compile(r"(?i)\b(?:token|secret|password|passwd|pwd|api[_-]?key|access[_-]?key)\s*[=:]\s*[^\s,;]{6,}"),
    # a long run of letters and digits mixed: a key, a hash, a session id
    re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{24,}\b"),
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?::\d{1,5})?(?!\.?\w)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_AWS_HOST = re.compile(r"\bip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b")
_HOSTNAME = re.compile(r"(?<![\w@.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])")
_PUBLIC_TLDS = frozenset({
    "com", "net", "org", "io", "dev", "co", "cloud", "app", "ai", "biz", "info", "tech", "xyz", "me", "us", "eu", "de",
    "uk", "fr", "nl", "se", "no", "dk", "fi", "es", "it", "pl", "ch", "at", "be", "ie", "ca", "au", "jp", "in", "br",
})
# a label or setting that names a machine: its value is a host whatever it looks like ("host=db-prod-01")
_MACHINE = re.compile(r"\b(?:instance|host|hostname|pod|pod_name|node|nodename|ip|server|machine|container|"
                      r"kubernetes_pod_name|kubernetes_node)\s*[=:]\s*\"?([^\s,;\"}]+)", re.IGNORECASE)
_POD = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)*-[a-f0-9]{8,10}-[a-z0-9]{5}\b")  # a Deployment's pod name
_NOT_TICKETS = "AI|PM|ISO|UTF|RFC|SHA|CVE|TLS|SSL|HTTP|IPV|UTC|GMT"  # our action ids, ids and standards
_TICKET_KEY = re.compile(rf"\b(?!(?:{_NOT_TICKETS})-)[A-Z][A-Z0-9]{{1,9}}-\d{{2,}}\b")


@dataclass(frozen=True)
class Found:
    """One internal detail in a text: where it is, what it is and its mask."""

    start: int
    end: int
    text: str
    mask: str


def find(text: str) -> list[Found]:
    """Return the internal details of ``text``, left to right, none overlapping."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, mask: str) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(Found(start, end, text[start:end], mask))

    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?")
        add(m.start(), m.start() + len(url), TICKET if _TICKET_URL.search(url) else LINK)
    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), EMAIL)
    for pattern in _TOKENS:
        for m in pattern.finditer(text):
            add(m.start(), m.end(), TOKEN)
    for m in _IPV4.finditer(text):
        if _is_ip(m.group().split("/")[0].split(":")[0]):
            add(m.start(), m.end(), IP)
    for m in _IPV6.finditer(text):
        if ("::" in m.group() or m.group().count(":") >= 5) and _is_ip(m.group()):
            add(m.start(), m.end(), IP)
    for m in _AWS_HOST.finditer(text):
        add(m.start(), m.end(), HOST)
    for m in _POD.finditer(text):
        add(m.start(), m.end(), HOST)
    for m in _MACHINE.finditer(text):
        if not m.group(1).startswith("["):  # already masked as an IP or a host
            add(m.start(1), m.end(1), HOST)
    for m in _HOSTNAME.finditer(text):
        if is_internal_host(m.group()):
            add(m.start(), m.end(), HOST)
    for m in _TICKET_KEY.finditer(text):
        add(m.start(), m.end(), TICKET)
    return sorted(found, key=lambda f: f.start)


def mask(text: str) -> str:
    """Return ``text`` with every internal detail replaced by its mask."""
    out, last = [], 0
    for f in find(text):
        out += [text[last:f.start], f.mask]
        last = f.end
    return "".join([*out, text[last:]])


def is_internal_host(name: str) -> bool:
    """Return True for a host name the public should not see.

    A name under an internal suffix (``.internal``, ``.corp``, ``.svc.cluster.local``…) is internal; so is
    a public-looking name of three labels or more (``db1.prod.acme.com``): it names a machine, not a site.
    """
    labels = name.lower().rstrip(".").split(".")
    if len(labels) < 2:
        return False
    if labels[-1] in _INTERNAL_SUFFIXES or ".".join(labels[-2:]) in _INTERNAL_SUFFIXES:
        return True
    return labels[-1] in _PUBLIC_TLDS and len(labels) >= 3 and labels[0] != "www"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
