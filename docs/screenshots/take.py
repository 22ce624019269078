"""Retake the explorer's screenshots: `partnergraph serve` on the built seed corpus, in headless Chromium.

Run from the repository after `partnergraph build`:

    .venv/bin/python docs/screenshots/take.py

Each picture is what a first visit to that page shows at 1400×900 (the gap map: after
scrolling down and right, to show that its headers stay in view). summary-apa.png is
taken by the summary tests, not here.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
REPO = HERE.parent.parent
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "partnergraph", "serve", "--port", str(port)], cwd=REPO
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/query", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/")
            page.screenshot(path=HERE / "overview.png")
            page.goto(base + "/graph")
            page.wait_for_selector("body[data-ready=true]", timeout=60_000)
            page.fill("#search", "power imbalance")
            page.wait_for_timeout(1000)
            page.screenshot(path=HERE / "graph-view.png")
            page.goto(base + "/concept/trust")
            page.screenshot(path=HERE / "concept-page.png")
            page.goto(base + "/map?by=documents")
            page.evaluate("window.scrollTo(0, 700)")
            page.click("td[data-cell^='trust|']")
            page.wait_for_timeout(200)
            page.screenshot(path=HERE / "gap-map.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
