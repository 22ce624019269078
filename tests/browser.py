"""A real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright, for the browser tests.

Playwright never downloads a browser here: it is pointed at the system's Chromium. Every
page records the requests it makes, so a test can assert that nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

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
