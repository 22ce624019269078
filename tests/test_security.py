"""What `serve` and the exports let in: script in pages, formulas in CSV, TeX in BibTeX, control
characters in Word, and requests from other sites, other host names, huge bodies and idle sockets.

Everything runs for real: the hostile fixture is built into an Oxigraph store, pages open in
Chromium, spreadsheets' CSV is read back with the csv module, Word files with python-docx,
and the server is spoken to over sockets on 127.0.0.1.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import docx
import pytest
from click.testing import CliRunner

from browser import get, serve
from hostile import (
    CONTROL_LABEL,
    CONTROL_QUOTE,
    DASHED_LABEL,
    FORMULA_QUOTE,
    FORMULA_SECTION,
    HOSTILE_QUOTE,
    make_hostile,
    make_hostile_exports,
)
from partnergraph import Project, build
from partnergraph import explorer as explorer_module
from partnergraph.cli import main

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The mini corpus with both sets of hostile strings, built once. Read only."""
    from conftest import copy_fixture

    project = copy_fixture(tmp_path_factory.mktemp("hostile") / "mini")
    make_hostile(project)
    make_hostile_exports(project)
    build(project)
    return project


@pytest.fixture(scope="module")
def site(hostile: Project) -> Iterator[str]:
    yield from serve(hostile)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def formula_cells(table: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would take for a formula: a formula character first, not a plain number."""
    number = re.compile(r"[-+]?\d+(\.\d+)?")
    return [c for row in table for c in row if c.startswith(FORMULA_START) and not number.fullmatch(c)]


# -- pages whose data travels as JSON ------------------------------------------------------------


def embedded_json(visit, url: str, element: str) -> object:
    """The page's data as its own script reads it, in Chromium."""
    visit.page.goto(url)
    return visit.page.evaluate(f"JSON.parse(document.getElementById({element!r}).textContent)")


def test_a_comment_opening_a_script_does_not_swallow_the_page(
    hostile: Project, tmp_path: Path, visit
) -> None:
    """`<!--<script>` inside a script element puts the HTML parser in a state where
    `</script>` no longer ends it: the JSON ran on into the page's code and broke."""
    viz, gap_map = tmp_path / "viz.html", tmp_path / "map.html"
    assert run(hostile, "viz", "--out", str(viz))[0] == 0
    assert run(hostile, "matrix", "--format", "html", "--out", str(gap_map))[0] == 0
    data = embedded_json(visit, viz.as_uri(), "graph-data")
    assert HOSTILE_QUOTE in json.dumps(data, ensure_ascii=False)
    cells = embedded_json(visit, gap_map.as_uri(), "cells")
    assert any(HOSTILE_QUOTE in c["quote"] for claims in cells.values() for c in claims)
    visit.page.click("td[data-cell^='competition|']")
    assert HOSTILE_QUOTE in visit.page.inner_text("#panel")
    assert visit.errors == [] and visit.dialogs == []


def test_served_graph_focus_and_gap_map_parse(site: str, visit) -> None:
    data = embedded_json(visit, site + "/graph?focus=concept:competition", "graph-data")
    assert data["focus"] == "concept:competition"
    visit.page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert HOSTILE_QUOTE in visit.page.inner_text("#panel")
    # The served gap map holds counts only; a cell's quotes come from /map/cell when opened.
    assert embedded_json(visit, site + "/map", "cells") == {}
    visit.page.click("td[data-cell^='competition|']")
    visit.page.locator("#panel", has_text=HOSTILE_QUOTE).wait_for(timeout=30_000)
    assert visit.errors == [] and visit.dialogs == []


def test_json_script_escapes_what_html_parsers_read() -> None:
    from partnergraph.html_embed import json_script

    markup = json_script({"q": "<!--<script></script>&\u2028\u2029"}, "x")
    payload = markup.removeprefix('<script type="application/json" id="x">').removesuffix("</script>")
    assert not set("<>&\u2028\u2029") & set(payload)
    assert "\\u003c!--\\u003cscript\\u003e" in payload and "\\u0026\\u2028\\u2029" in payload


# -- summaries ---------------------------------------------------------------------------------


def test_html_summary_runs_no_script_from_titles_labels_or_quotes(
    hostile: Project, tmp_path: Path, visit
) -> None:
    out = tmp_path / "summary.html"
    code, text = run(
        hostile, "summary", "trust", "competition", "lack-of-trust", "--format", "html", "--out", str(out)
    )
    assert code == 0, text
    visit.page.goto(out.as_uri())
    body = visit.page.inner_text("body")
    assert "<script>alert(" in body and HOSTILE_QUOTE in body  # shown as characters
    assert visit.page.locator("script, img, b[onmouseover]").count() == 0
    assert visit.dialogs == [] and visit.errors == []


def pandoc_nodes(tree: object) -> Iterator[dict]:
    """Every element of a Pandoc JSON AST, depth first."""
    if isinstance(tree, dict):
        if "t" in tree:
            yield tree
        for value in tree.values():
            yield from pandoc_nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from pandoc_nodes(value)


def test_markdown_summary_passes_no_raw_html_heading_or_citation(hostile: Project, tmp_path: Path) -> None:
    """Read back by Pandoc itself, titles, labels and quotes hold no raw HTML, no heading
    and no citation of their own, in the body and in the embedded references alike."""
    import subprocess

    out = tmp_path / "summary.md"
    assert run(hostile, "summary", "competition", "lack-of-trust", "--out", str(out))[0] == 0
    tree = json.loads(
        subprocess.run(
            ["pandoc", "--from=markdown", "--to=json", str(out)], capture_output=True, text=True, check=True
        ).stdout
    )
    nodes = list(pandoc_nodes(tree))
    assert not [n for n in nodes if n["t"] in ("RawInline", "RawBlock")]
    cited = {c["citationId"] for n in nodes if n["t"] == "Cite" for c in n["c"][0]}
    assert cited and "osborne2012" not in cited
    headings = [json.dumps(n["c"][2]) for n in nodes if n["t"] == "Header"]
    assert headings and not [h for h in headings if "Heading" in h]
    plain = subprocess.run(
        ["pandoc", "--citeproc", "-t", "plain", "--wrap=none", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "[@osborne2012] # Heading" in plain and "<script>alert(" in plain and HOSTILE_QUOTE in plain


def test_word_summary_opens_despite_control_characters(hostile: Project, tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    code, text = run(
        hostile, "summary", "power-imbalance", "lack-of-trust", "--format", "docx", "--out", str(out)
    )
    assert code == 0, text
    paragraphs = " ".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Power\ufffdimbalance" in paragraphs and CONTROL_LABEL not in paragraphs
    assert "imbalance\ufffdof power\ufffd between partners" in paragraphs
    assert CONTROL_QUOTE not in paragraphs


# -- CSV for spreadsheets ------------------------------------------------------------------------


def test_evidence_matrix_and_query_csv_start_no_formula(hostile: Project) -> None:
    """OWASP's rule for CSV that people open: a cell that would start a formula gets a
    leading single quote, which spreadsheets show and never evaluate."""
    code, evidence = run(hostile, "evidence", "communication", "--format", "csv")
    assert code == 0, evidence
    table = rows(evidence)
    assert formula_cells(table) == []
    claim = next(dict(zip(table[0], row, strict=True)) for row in table[1:] if "HYPERLINK" in row[4])
    assert claim["quote"] == "'" + FORMULA_QUOTE and claim["section"] == "'" + FORMULA_SECTION
    code, matrix = run(hostile, "matrix", "--format", "csv")
    assert code == 0 and formula_cells(rows(matrix)) == []
    assert "'=HYPERLINK" not in matrix or formula_cells(rows(matrix)) == []
    code, query = run(
        hostile, "query", "claims-about-concept", "--param", "concept=communication", "--format", "csv"
    )
    assert code == 0, query
    table = rows(query)
    assert formula_cells(table) == [] and any(c == "'" + FORMULA_QUOTE for row in table for c in row)


def test_sparql_csv_stays_exact(site: str) -> None:
    """SPARQL's CSV results are a data format (W3C): values are written as the store holds them."""
    query = 'SELECT ?q WHERE { ?s ?p ?q FILTER(STRSTARTS(STR(?q), "=HYPERLINK")) }'
    status, kind, body = get(site + "/sparql?" + urllib.parse.urlencode({"query": query}), Accept="text/csv")
    assert status == 200 and kind.startswith("text/csv")
    assert FORMULA_QUOTE in [row[0] for row in rows(body)]


# -- BibTeX ------------------------------------------------------------------------------------


TEX_ALLOWED = re.compile(r"\\(textbackslash|textasciicircum|emph|'|&)(?![A-Za-z])")


def test_bib_export_writes_no_tex_that_runs_or_reads_files(hostile: Project, tmp_path: Path) -> None:
    code, out = run(hostile, "bib", "export")
    assert code == 0, out
    entry = out[out.index("@article{greasley2008") :].split("\n}\n")[0]
    title = re.search(r"title = \{(.*)\},?\n", entry)[1]
    commands = re.findall(r"\\(?:[A-Za-z@]+|.)", title)
    assert commands and all(TEX_ALLOWED.fullmatch(c) for c in commands), commands
    assert "^^" not in title
    assert r"\'{E}tude \emph{of} \&" in title and "``back to work''" in out  # accents and markup kept
    # What was written stays readable: the commands are printed, not run.
    assert r"\textbackslash{}input{/etc/passwd}" in title and r"\textbackslash{}write18{touch" in title
    parsed = bibtexparser.parse_string(out)
    assert not parsed.failed_blocks and len(parsed.entries) == 11


# -- the HTTP server -----------------------------------------------------------------------------


def raw(site: str, request: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are and read the answer until the server closes or `wait` passes."""
    host, port = urllib.parse.urlsplit(site).hostname, urllib.parse.urlsplit(site).port
    with socket.create_connection((host, port), timeout=wait) as sock:
        sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def headers_of(answer: bytes) -> dict[str, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    return {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head)}


def test_other_host_names_are_refused(site: str) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own host name: refuse any other Host."""
    port = urllib.parse.urlsplit(site).port
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", ""):
        answer = raw(site, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert status_of(answer) == 400, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        answer = raw(site, f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert status_of(answer) == 200, host


def test_bound_to_every_interface_ip_literals_pass_and_other_names_do_not() -> None:
    """`serve --host 0.0.0.0` is reached by the machine's address, which no rebinding DNS
    answer can pose as; names still have to be the machine's own."""
    from partnergraph.http_guard import host_allowed, host_names

    names = host_names("0.0.0.0")
    assert host_allowed("192.0.2.7:8765", names, 8765, wildcard=True)
    assert host_allowed("[2001:db8::1]:8765", names, 8765, wildcard=True)
    assert not host_allowed("evil.example:8765", names, 8765, wildcard=True)
    assert not host_allowed("192.0.2.7:8766", names, 8765, wildcard=True)
    assert not host_allowed("192.0.2.7:8765", host_names("127.0.0.1"), 8765, wildcard=False)


def test_requests_from_other_origins_are_refused(site: str) -> None:
    port = urllib.parse.urlsplit(site).port
    form = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", "null"):
        post = (
            f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        assert status_of(raw(site, post + form)) == 403, origin
        get_page = f"GET /concept/trust HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n\r\n"
        assert status_of(raw(site, get_page.encode())) == 403, origin
    same = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n"
        "Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n"
    ).encode()
    assert status_of(raw(site, same + form)) == 200


def test_a_cross_site_form_in_chromium_does_not_run_a_query(site: str, visit, tmp_path: Path) -> None:
    """A page from another origin posts a form to /sparql, as any site the user visits could."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "attack.html").write_text(
        f'<form id=f method=post action="{site}/sparql"><input name=query value="ASK {{ ?s ?p ?o }}">'
        "</form><script>document.getElementById('f').submit()</script>"
    )
    handler = type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    attacker = ThreadingHTTPServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(tmp_path)))
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        with visit.page.expect_response(lambda r: r.url.endswith("/sparql"), timeout=15_000) as answer:
            visit.page.goto(f"http://127.0.0.1:{attacker.server_port}/attack.html")
        assert answer.value.status == 403
        assert '"boolean"' not in visit.page.content()
    finally:
        attacker.shutdown()
        attacker.server_close()


def test_every_answer_carries_the_protective_headers(site: str) -> None:
    port = urllib.parse.urlsplit(site).port
    requests = [
        f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        f"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        f"GET /concept/%3Cscript%3E HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        f"GET / HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n",
        f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n\r\n",
    ]
    for request in requests:
        headers = headers_of(raw(site, request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n").encode()))
        assert headers["x-content-type-options"] == "nosniff", request
        assert headers["referrer-policy"] == "no-referrer"
        policy = headers["content-security-policy"]
        assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert not any(name.startswith("access-control-") for name in headers)


def test_a_huge_body_is_refused_unread(site: str) -> None:
    port = urllib.parse.urlsplit(site).port
    started = time.monotonic()
    answer = raw(
        site,
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\n\r\nSELECT".encode(),
    )
    assert status_of(answer) == 413 and time.monotonic() - started < 3
    answer = raw(
        site, f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: x\r\n\r\n".encode()
    )
    assert status_of(answer) == 400


def test_idle_connections_are_closed(hostile: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Half-open connections (headers never finished) are dropped after the socket timeout,
    so they do not hold the server's threads."""
    monkeypatch.setattr(explorer_module, "REQUEST_SECONDS", 0.5)
    for base in serve(hostile):
        port = urllib.parse.urlsplit(base).port
        sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(30)]
        for sock in sockets:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        started = time.monotonic()
        closed = [sock.recv(1024) for sock in sockets]
        assert closed == [b""] * 30 and time.monotonic() - started < 4
        for sock in sockets:
            sock.close()
        assert get(base + "/")[0] == 200


def test_export_names_with_non_ascii_characters(site: str) -> None:
    query = urllib.parse.urlencode({"concept": DASHED_LABEL, "format": "html"})
    status, kind, body = get(f"{site}/export/summary?{query}")
    assert status == 200 and kind.startswith("text/html") and DASHED_LABEL in body
    assert "<script" not in body and "&lt;script&gt;alert(" in body  # a title, escaped by Pandoc
    port = urllib.parse.urlsplit(site).port
    request = (
        f"GET /export/summary-bib?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    answer = raw(site, request.encode())
    disposition = headers_of(answer)["content-disposition"]
    assert status_of(answer) == 200
    assert "filename*=UTF-8''Lack%20of%20trust%20%E2%80%93%20and%20of%20respect.bib" in disposition
    assert re.search(r'filename="[ -~]+\.bib"', disposition)


def test_export_styles_are_names_not_paths(site: str, hostile: Project) -> None:
    from partnergraph.summary import style_path

    own = hostile.root / "own.csl"  # a valid style, so only the rule refuses it
    own.write_bytes(style_path("apa").read_bytes())
    for style in (str(own), "../../etc/passwd", "/etc/passwd", "apa/../apa"):
        query = urllib.parse.urlencode({"concept": "lack-of-trust", "format": "html", "style": style})
        status, _, body = get(f"{site}/export/summary?{query}")
        assert status == 400 and "style" in body, style
    query = urllib.parse.urlencode(
        {"concept": "lack-of-trust", "format": "html", "style": "harvard-cite-them-right"}
    )
    assert get(f"{site}/export/summary?{query}")[0] == 200


# -- load ----------------------------------------------------------------------------------------


def test_pages_are_computed_once_per_build(hostile: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The work page read every source file on every request; now each page is made once per build."""
    calls: list[str] = []
    original = explorer_module.bibliography_works

    def counting(project: Project):
        calls.append("bibliography_works")
        return original(project)

    monkeypatch.setattr(explorer_module, "bibliography_works", counting)
    for base in serve(hostile):
        bodies = {get(base + "/work/greasley2008")[2] for _ in range(5)}
        assert len(calls) == 1 and len(bodies) == 1
        assert len({get(base + "/map")[2] for _ in range(3)}) == 1
        graph = hostile.graph_file
        stamp = graph.stat().st_mtime_ns
        import os

        os.utime(graph, ns=(stamp + 10**9, stamp + 10**9))  # as a new build would
        try:
            assert get(base + "/work/greasley2008")[2] in bodies and len(calls) == 2
        finally:
            os.utime(graph, ns=(stamp, stamp))


def at_once(url: str, clients: int) -> list[int]:
    """The statuses of `clients` GETs of `url` started together (0: the server hung up)."""
    start = threading.Barrier(clients)
    statuses: list[int] = []

    def ask() -> None:
        start.wait(timeout=30)
        try:
            statuses.append(get(url, Accept="application/sparql-results+json")[0])
        except OSError:
            statuses.append(0)

    threads = [threading.Thread(target=ask) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_twenty_first_queries_at_once_all_answer(hostile: Project) -> None:
    """pyparsing, under rdflib's SPARQL grammar, learns each parse action's arity on its first
    call; twenty first calls at once taught it wrongly, and the endpoint failed every later
    query ("postParse2() missing 1 required positional argument") until restarted."""
    import subprocess
    import sys

    from conftest import free_port

    query = "SELECT ?label WHERE { ?c a pg:Barrier ; skos:prefLabel ?label } ORDER BY ?label"
    url = "/sparql?" + urllib.parse.urlencode({"query": query})
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A process of its own: in this one, earlier tests have long since taught the parser.
    command = [sys.executable, "-m", "partnergraph", "--project", str(hostile.root), "serve"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen([*command, "--port", str(port)], **quiet)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert at_once(base + url, 20) == [200] * 20
        assert at_once(base + url, 1) == [200]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_page_is_made_once_for_twenty_readers_and_the_cache_is_bounded() -> None:
    from partnergraph.build_cache import BuildCache

    stamp = [1]
    made: list[str] = []

    def make(key: str) -> bytes:
        made.append(key)
        time.sleep(0.2)  # slow enough that all twenty ask while it is being made
        return key.encode() * 100

    cache = BuildCache(lambda: stamp[0], capacity=250, weight=len)
    start = threading.Barrier(20)
    pages: list[bytes] = []

    def read() -> None:
        start.wait(timeout=30)
        pages.append(cache.get("a", lambda: make("a")))

    threads = [threading.Thread(target=read) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert made == ["a"] and pages == [b"a" * 100] * 20
    cache.get("b", lambda: make("b"))
    cache.get("c", lambda: make("c"))  # 300 bytes held: "a", the least recently used, goes
    cache.get("c", lambda: make("c"))
    cache.get("a", lambda: make("a"))
    assert made == ["a", "b", "c", "a"]
    stamp[0] = 2  # a new build
    cache.get("a", lambda: make("a"))
    assert made == ["a", "b", "c", "a", "a"]
