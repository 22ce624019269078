"""The Graph Store Protocol side of the `sparql:` backend: where a server keeps its
graphs, how a build is sent there, and what a refusal means in words a user can act on.

The build is sent as N-Triples rather than the Turtle file itself: every IRI written in
full and no prefixes or escapes to interpret, so servers whose Turtle readers differ
(Virtuoso 7.2.5 keeps the backslash of `id:concept\\/trust`) store the same triples.

The request is made with `http.client`, not `urllib`: a server that refuses a PUT often
answers and hangs up before reading the body, and only a connection we hold lets us
read that answer after the send failed, instead of reporting "Broken pipe". A proxy
named by the environment is used as urllib would use it for the queries.
"""

from __future__ import annotations

import http.client
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from ..errors import StoreError

TIMEOUT_SECONDS = 120
PROBE_TIMEOUT_SECONDS = 10
VIRTUOSO_GRAPH_STORE_SUFFIX = "-graph-crud"
# Answers that mean "no Graph Store here", not "your data is wrong".
NOT_A_GRAPH_STORE = {404, 405, 501}
VIRTUOSO_GRANT_HINT = (
    '; Virtuoso writes graphs as its SQL user "SPARQL": allow it in isql: GRANT SPARQL_UPDATE TO "SPARQL";'
)
GSP_HINT = "give its Graph Store URL with sparql:QUERY_URL#gsp=STORE_URL"


def guess_graph_store_url(query_url: str, server: str = "") -> str:
    """Where the common servers put the Graph Store beside their query endpoint: Oxigraph
    `/query` -> `/store`, Fuseki `/ds/query` or `/ds/sparql` -> `/ds/data`, Virtuoso
    (told by its `Server:` header, since its `/sparql` looks like Fuseki's) -> `/sparql-graph-crud`."""
    trimmed = query_url.rstrip("/")
    if trimmed.endswith("/sparql"):
        if server.startswith("Virtuoso"):
            return trimmed + VIRTUOSO_GRAPH_STORE_SUFFIX
        return trimmed[: -len("/sparql")] + "/data"
    if trimmed.endswith("/query"):
        base = trimmed[: -len("/query")]
        # Oxigraph serves /query and /store at the root; Fuseki serves /<dataset>/data.
        return base + ("/store" if urllib.parse.urlsplit(base).path in {"", "/"} else "/data")
    raise StoreError(f"cannot tell the Graph Store Protocol endpoint of {query_url}: {GSP_HINT}")


def needs_server_name(query_url: str) -> bool:
    """Only a `/sparql` URL is ambiguous (Fuseki or Virtuoso); others are told by the path."""
    return query_url.rstrip("/").endswith("/sparql")


def server_name(query_url: str) -> str:
    """The endpoint's `Server:` header, from the cheapest query there is; "" if none."""
    probe = f"{query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    try:
        with urllib.request.urlopen(probe, timeout=PROBE_TIMEOUT_SECONDS) as response:
            return response.headers.get("Server", "")
    except urllib.error.HTTPError as exc:
        return exc.headers.get("Server", "")
    except OSError:
        return ""  # the write that follows reports the unreachable server


def origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def put_graph(store_url: str, graph: str, turtle: Path) -> None:
    """Make `graph` on the server hold exactly the triples of the Turtle file."""
    with tempfile.TemporaryFile() as body:
        ox.serialize(ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE), body, ox.RdfFormat.N_TRIPLES)
        size = body.tell()
        body.seek(0)
        _send("PUT", store_url, graph, body, size)


def delete_graph(store_url: str, graph: str) -> None:
    """Empty `graph` on the server; one that does not exist (404) is already empty."""
    _send("DELETE", store_url, graph, None, 0, missing_is_fine=True)


def _send(
    method: str,
    store_url: str,
    graph: str,
    body: BinaryIO | None,
    size: int,
    *,
    missing_is_fine: bool = False,
) -> None:
    url = f"{store_url}{'&' if '?' in store_url else '?'}{urllib.parse.urlencode({'graph': graph})}"
    parts = urllib.parse.urlsplit(url)
    connection, target = _connect(parts)
    headers = {"Content-Length": str(size)}
    if body is not None:
        headers["Content-Type"] = "application/n-triples"
    hung_up = False
    try:
        try:
            connection.request(method, target, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            hung_up = True  # it may still have said why before it hung up: read on
        except OSError as exc:
            raise StoreError(f"cannot reach {url}: {exc}") from exc
        try:
            response = connection.getresponse()
            status, reason = response.status, response.reason
            detail = _text_of(response.read(4000))
            server = response.headers.get("Server", "")
        except (OSError, http.client.HTTPException) as exc:
            if hung_up:
                raise StoreError(
                    f"the server at {origin(url)} hung up while receiving the graph, without an answer: "
                    f"it may not accept the Graph Store Protocol at {store_url}; {GSP_HINT}"
                ) from exc
            raise StoreError(f"cannot reach {url}: {exc}") from exc
    finally:
        connection.close()
    if 200 <= status < 300 or (missing_is_fine and status == 404):
        return
    if status in NOT_A_GRAPH_STORE:
        raise StoreError(
            f"the server at {origin(url)} does not accept the Graph Store Protocol at {store_url} "
            f"(HTTP {status} {reason}); {GSP_HINT}"
        )
    if status in {401, 403}:
        grant = VIRTUOSO_GRANT_HINT if server.startswith("Virtuoso") else ""
        raise StoreError(
            f"the server at {origin(url)} refused to write graph <{graph}> at {store_url} "
            f"(HTTP {status} {reason}): {detail}{grant}"
        )
    raise StoreError(f"{url}: HTTP {status} {reason} {detail}".rstrip())


def _connect(parts: urllib.parse.SplitResult) -> tuple[http.client.HTTPConnection, str]:
    """A connection and request target for the URL: straight to the server, or through
    the proxy the environment names for it (http_proxy, no_proxy), as urllib's queries go."""
    target = f"{parts.path or '/'}?{parts.query}"
    https = parts.scheme == "https"
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        via = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if https:
            tunnel = http.client.HTTPSConnection(via.netloc, timeout=TIMEOUT_SECONDS)
            tunnel.set_tunnel(parts.netloc)
            return tunnel, target
        return http.client.HTTPConnection(via.netloc, timeout=TIMEOUT_SECONDS), parts.geturl()
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    return connection_class(parts.netloc, timeout=TIMEOUT_SECONDS), target


def _text_of(body: bytes) -> str:
    """An error page as one line of text: servers answer in HTML as often as in plain text."""
    text = re.sub(r"<[^>]*>", " ", body.decode("utf-8", "replace"))
    return " ".join(text.split())[:500]
