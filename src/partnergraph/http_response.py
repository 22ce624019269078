"""What a route of `partnergraph serve` answers, whichever module built it.

The explorer's pages and the SPARQL endpoint (sparql_endpoint.py) both return these, so
the one request handler in explorer.py writes every answer the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    filename: str | None = None
    location: str | None = None
    # Further headers as (name, value): content negotiation's Vary, the endpoint's Link, Allow.
    headers: tuple[tuple[str, str], ...] = ()


def error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    return Response(status, message.encode("utf-8"), "text/plain; charset=utf-8", headers=headers)


__all__ = ["HTTPStatus", "Response", "error"]
