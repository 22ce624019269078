"""A real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright, and the explorer served on
127.0.0.1 for it: the browser tests' shared parts.

Playwright never downloads a browser here: it is pointed at the system's Chromium. Every
page records the requests it makes, so a test can assert that nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from partnergraph import Project, open_store
from partnergraph.explorer import make_server

CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, but CI installs it")
        pytest.skip("chromium is not installed")
    return path


@dataclass
class Visit:
    page: object
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open_graph(self, url: str) -> None:
        """Open a graph view (served or a file) and wait until vis-network has drawn it."""
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)

    def search_graph(self, text: str, node: str) -> None:
        """Type into the graph's search box and wait until `node` is selected."""
        self.page.fill("#search", text)
        self.page.wait_for_function(f"pgNetwork.getSelectedNodes()[0] === {node!r}")

    def external_requests(self) -> list[str]:
        """Requests that would leave the machine: anything but file:, data:, blob: and 127.0.0.1."""
        local = ("file:", "data:", "blob:", "http://127.0.0.1", "about:")
        return [url for url in self.requests if not url.startswith(local)]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def visit(chromium: object) -> Iterator[Visit]:
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    record = Visit(page)
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("dialog", lambda dialog: (record.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: record.errors.append(str(error)))
    yield record
    context.close()


def serve(project: Project) -> Iterator[str]:
    store = open_store("memory:", project)
    server = make_server(project, store, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    store.close()


def get(url: str, **headers: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


def post(url: str, body: str, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode("utf-8"), headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")
