"""w3id/.htaccess, the redirect rules the project would submit to w3id.org, run by a real
Apache httpd (Debian's apache2, with mod_rewrite and AllowOverride All as w3id.org runs
them) on 127.0.0.1: each IRI form with each Accept header, its status and Location.

Without apache2 the test skips, unless PARTNERGRAPH_REQUIRE_INTEROP_SERVERS is set (CI sets
it and installs apache2): there it fails.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import REPO, REQUIRE_SERVERS_ENV, free_port
from partnergraph import Project, open_store
from partnergraph.linked_data import choose, publish

RULES = REPO / "w3id" / ".htaccess"
SITE = "https://partnergraph.github.io/partnergraph"
MODULES = Path("/usr/lib/apache2/modules")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
CONFIG = """\
ServerRoot "{root}"
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile "{root}/httpd.pid"
DefaultRuntimeDir "{root}"
ErrorLog "{root}/error.log"
LogLevel warn
{user}
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule mime_module {modules}/mod_mime.so
TypesConfig /dev/null
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf
AddType text/html .html
DocumentRoot "{www}"
<Directory "{www}">
  AllowOverride All
  Require all granted
</Directory>
"""


def apache_binary() -> str:
    found = shutil.which("apache2") or shutil.which("apache2", path="/usr/sbin")
    if found is None or not MODULES.is_dir():
        reason = "Apache httpd (Debian's apache2) is not installed: apt-get install apache2"
        if os.environ.get(REQUIRE_SERVERS_ENV):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def apache(tmp_path_factory: pytest.TempPathFactory, built: Project) -> Iterator[int]:
    """httpd serving a document root whose partnergraph/ folder holds the rules, as on w3id.org;
    yields its port. Beside it, local/ holds the same rules with PG_SITE pointing at site/,
    where the mini build is published, so that a client can follow a redirect to the end.
    The document root is world-readable: run as root, httpd's workers drop to www-data,
    which cannot enter pytest's private temporary folders."""
    binary = apache_binary()
    root = tmp_path_factory.mktemp("apache")
    port = free_port()
    rules = RULES.read_text(encoding="utf-8")
    assert rules.count(SITE) == 1  # the target is one line to change
    with tempfile.TemporaryDirectory(prefix="w3id-") as www:
        os.chmod(www, 0o755)
        for folder, site in (("partnergraph", SITE), ("local", f"http://127.0.0.1:{port}/site")):
            (Path(www) / folder).mkdir(mode=0o755)
            (Path(www) / folder / ".htaccess").write_text(rules.replace(SITE, site), encoding="utf-8")
        with open_store(built.default_store, built) as store:
            publish(built, store, Path(www) / "site" / "latest")
        for path in [Path(www), *Path(www).rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
        config = root / "httpd.conf"
        config.write_text(CONFIG.format(root=root, port=port, www=www, user=user, modules=MODULES))
        process = subprocess.Popen(
            [binary, "-f", str(config), "-DFOREGROUND"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            _wait_for(port, process, root / "error.log")
            yield port
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("HEAD", "/")
            connection.getresponse()
            connection.close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                stderr = process.stderr.read().decode() if process.stderr else ""
                logged = log.read_text() if log.is_file() else ""
                pytest.fail(f"apache2 did not start: {stderr}{logged}")
            time.sleep(0.1)


def ask(port: int, path: str, accept: str | None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept": accept} if accept is not None else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        (None, "html"),
        ("*/*", "html"),
        (FIREFOX, "html"),
        (CHROME, "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("application/ld+json, application/json;q=0.9, */*;q=0.1", "jsonld"),  # rdflib's for json-ld
        ("text/turtle, application/x-turtle, */*;q=0.1", "ttl"),  # rdflib's for turtle
        ("application/n-triples, text/turtle;q=0.5", "nt"),
        ("application/rdf+xml;q=0.9, application/ld+json;q=0.5", "rdf"),
        ("text/turtle;q=0, text/html", "html"),  # a refused type is never chosen
    ],
)
def test_a_thing_is_303_to_its_document_in_the_accepted_format(
    apache: int, accept: str | None, extension: str
) -> None:
    response = ask(apache, "/partnergraph/id/concept/trust", accept)
    assert response.status == 303
    assert response.getheader("Location") == f"{SITE}/latest/doc/concept/trust.{extension}"
    assert "Accept" in response.getheader("Vary", "")
    # where the header lists its preference first, serve (which weighs q-values) agrees
    assert choose(accept or "").extension == extension  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "accept", "status", "location"),
    [
        ("/partnergraph/id/work/cairns2010", "text/turtle", 303, "/latest/doc/work/cairns2010.ttl"),
        ("/partnergraph/id/claim/wallace2010-c001", FIREFOX, 303, "/latest/doc/claim/wallace2010-c001.html"),
        ("/partnergraph/ontology", FIREFOX, 303, "/latest/doc/ontology.html"),
        ("/partnergraph/ontology", "text/turtle", 303, "/latest/ontology/partnergraph.ttl"),
        ("/partnergraph/ontology", "application/ld+json", 303, "/latest/ontology/partnergraph.jsonld"),
        ("/partnergraph/ontology", "application/n-triples", 303, "/latest/ontology/partnergraph.nt"),
        ("/partnergraph/ontology", "application/rdf+xml", 303, "/latest/ontology/partnergraph.rdf"),
        ("/partnergraph/ontology/", None, 303, "/latest/doc/ontology.html"),
        ("/partnergraph/ontology/0.2.0", "text/turtle", 303, "/0.2.0/ontology/partnergraph.ttl"),
        ("/partnergraph/ontology/0.2.0", CHROME, 303, "/0.2.0/doc/ontology.html"),
        ("/partnergraph/releases/0.2.0/void.ttl", "text/turtle", 302, "/0.2.0/void.ttl"),
        ("/partnergraph/doc/concept/trust.jsonld", "text/turtle", 302, "/latest/doc/concept/trust.jsonld"),
        ("/partnergraph/", FIREFOX, 302, "/"),
    ],
)
def test_each_iri_form_redirects_where_the_readme_says(
    apache: int, path: str, accept: str | None, status: int, location: str
) -> None:
    response = ask(apache, path, accept)
    assert (response.status, response.getheader("Location")) == (status, SITE + location)
    assert response.getheader("Access-Control-Allow-Origin") == "*"


def test_nothing_else_is_redirected(apache: int) -> None:
    """An IRI form the rules do not name is not sent anywhere: w3id.org answers it 404."""
    for path in ("/partnergraph/id/", "/partnergraph/ontology/latest", "/partnergraph/ontology.ttl"):
        response = ask(apache, path, "text/turtle")
        assert response.status == 404, path


def test_a_client_follows_the_rules_to_the_published_documents(apache: int, built: Project) -> None:
    """rdflib dereferences an IRI as any linked-data client would: its own Accept header, the
    303 followed to the published Turtle; a browser's Accept reaches the published page."""
    read = rdflib.Graph().parse(f"http://127.0.0.1:{apache}/local/id/concept/trust")
    build = rdflib.Graph().parse(built.graph_file, format="turtle")
    trust = rdflib.URIRef("https://w3id.org/partnergraph/id/concept/trust")
    assert set(build.triples((trust, None, None))) <= set(read)
    assert len(read) > len(set(build.triples((trust, None, None))))  # and what points at it
    request = urllib.request.Request(
        f"http://127.0.0.1:{apache}/local/id/concept/trust", headers={"Accept": FIREFOX}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.url.endswith("/site/latest/doc/concept/trust.html")
        assert response.headers["Content-Type"].startswith("text/html")
        assert "<h1>Trust</h1>" in response.read().decode("utf-8")
    ontology = rdflib.Graph().parse(f"http://127.0.0.1:{apache}/local/ontology", format="turtle")
    assert isomorphic(ontology, rdflib.Graph().parse(built.ontology_file, format="turtle"))
