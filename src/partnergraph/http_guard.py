"""Who may talk to `partnergraph serve`, and what every answer tells the browser.

The explorer is a local tool on 127.0.0.1, but the browser that reads it also runs other
sites' pages. Two attacks reach a loopback server from there. DNS rebinding: a page on
`evil.example` has its name re-pointed to 127.0.0.1 and then reads our pages as its
own origin — its requests still carry `Host: evil.example`, so only the names the
server was bound to are accepted. Cross-site requests: a form or `fetch()` on another
site posts to /sparql — the browser says where it comes from in `Origin`, so a request
whose Origin is not this server's own is refused (one without Origin, from curl or a
SPARQL client, is not a browser's cross-site request). No CORS header is ever sent, so
no other origin may read an answer, and every answer forbids sniffing, framing, loading
from elsewhere and sending the address on in a Referer.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse

MAX_BODY = 1_000_000
"""Bytes a request body may hold (a SPARQL query or a form); more is refused unread."""
CONTENT_SECURITY_POLICY = (
    "default-src 'self' 'unsafe-inline' data: blob:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
_WILDCARDS = {"", "0.0.0.0", "::"}


def host_names(bound: str) -> frozenset[str]:
    """The names a browser may use for a server bound to `bound`: that address and the
    loopback names; for a wildcard address also this machine's own names (any IP
    literal is accepted too, see `host_allowed`)."""
    names = {bound.lower().strip("[]"), "localhost", "127.0.0.1", "::1"}
    if bound in _WILDCARDS:
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return frozenset(names - {""})


def host_allowed(header: str | None, names: frozenset[str], port: int, wildcard: bool) -> bool:
    """Whether a Host header names this server: one of `names` (or, bound to every
    interface, an IP literal, which no rebinding DNS answer can produce) with its port."""
    if not header:
        return False
    split = urllib.parse.urlsplit("//" + header.strip())
    try:
        name, given = (split.hostname or ""), split.port
    except ValueError:  # a port that is not a number
        return False
    if (given if given is not None else 80) != port or split.username or split.path:
        return False
    if name in names:
        return True
    if not wildcard:
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def origin_allowed(origin: str | None, host: str) -> bool:
    """No Origin (not a browser's cross-site request) or this server's own `http://HOST`."""
    return origin is None or origin.lower() == f"http://{host.strip().lower()}"


def content_disposition(filename: str) -> str:
    """An attachment header any client reads: an ASCII fallback name and the UTF-8 one
    (RFC 6266, RFC 8187), since HTTP headers cannot carry an en dash as it is."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\/' else "_" for c in filename)
    encoded = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
