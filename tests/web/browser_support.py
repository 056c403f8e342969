"""Harness for the browser tests: a real `rasid serve` on localhost over a store built from the bundled
sample, and Debian's Chromium driven by Playwright (never a browser Playwright downloads).

The page must work offline: every request that is not to 127.0.0.1 is aborted and recorded, and the
tests assert that none was attempted.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("RASID_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}
# Screenshots always go to the pytest tmp dir; with RASID_SCREENSHOT_DIR set (e.g. docs/img) they are
# written there too, so the committed ones are refreshed only on purpose.
SCREENSHOT_ENV = "RASID_SCREENSHOT_DIR"
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def require_chromium() -> None:
    """Fail (not skip) when the system browser is missing, unless RASID_SKIP_BROWSER=1 says to skip."""
    if os.environ.get("RASID_SKIP_BROWSER") == "1":
        pytest.skip("RASID_SKIP_BROWSER=1: browser tests skipped on request")
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's chromium "
            "(`apt-get install -y --no-install-recommends chromium`, as .ci/run does), "
            "or set RASID_SKIP_BROWSER=1 to skip them explicitly",
            pytrace=False,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[dev]' (playwright==1.65.3)", pytrace=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A `rasid serve` subprocess; `log` is its combined output."""

    base_url: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.url(path), timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def post_json(self, path: str, body: Any, *, token: str | None = None) -> Any:
        req = urllib.request.Request(
            self.url(path),
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token or self.token}"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_server(db: Path, folder: Path, *, token: str, timeout: float = 60.0) -> Server:
    """Start `rasid serve` on a free localhost port with a token file; wait until /api/meta answers."""
    token_file = folder / "token.txt"
    token_file.write_text(token + "\n", encoding="utf-8")
    token_file.chmod(0o600)
    port = free_port()
    log = folder / "serve.log"
    cmd = [sys.executable, "-m", "rasid.cli", "serve", "--db", str(db), "--host", "127.0.0.1",
           "--port", str(port), "--token-file", str(token_file)]
    env = {k: v for k, v in os.environ.items() if k != "RASID_TOKEN"}
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", token, proc, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"rasid serve exited with {proc.returncode}:\n{server.output()[-3000:]}")
        try:
            server.get_json("/api/meta")
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"rasid serve did not answer within {timeout:.0f} s:\n{server.output()[-3000:]}")


@dataclass
class OfflineGuard:
    """Aborts and records every request to anything but the local server."""

    blocked: list[str] = field(default_factory=list)

    def handle(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"} or (parts.hostname in LOCAL_HOSTS):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@dataclass
class Browser:
    """One headless Chromium for a test module; each test gets a fresh context (own storage)."""

    playwright: Any
    browser: Any
    guard: OfflineGuard
    shots: Path

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


def launch_browser(shots: Path) -> Browser:
    """Headless system Chromium; Playwright's launch() gives it a fresh temporary profile (user-data-dir)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
    except Exception:
        playwright.stop()
        raise
    return Browser(playwright, browser, OfflineGuard(), shots)


@dataclass
class PageSession:
    """A page plus what it did wrong: uncaught script errors and console errors."""

    page: Any
    errors: list[str]
    console_errors: list[str]


@contextmanager
def open_context(browser: Browser, *, locale: str = "ar") -> Iterator[PageSession]:
    context = browser.browser.new_context(
        viewport={"width": 1280, "height": 800}, locale=locale, service_workers="block"
    )
    context.route("**/*", browser.guard.handle)
    context.set_default_timeout(15_000)
    page = context.new_page()
    session = PageSession(page, [], [])
    page.on("pageerror", lambda exc: session.errors.append(str(exc)))
    page.on("console", lambda msg: session.console_errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield session
    finally:
        context.close()


def shot(browser: Browser, page: Any, name: str, *, full_page: bool = False) -> Path:
    """Screenshot `name`.png into the tmp folder (and RASID_SCREENSHOT_DIR when set)."""
    path = browser.shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    extra = os.environ.get(SCREENSHOT_ENV)
    if extra:
        target = Path(extra)
        target.mkdir(parents=True, exist_ok=True)
        (target / path.name).write_bytes(path.read_bytes())
    return path


def first_int(text: str) -> int:
    """The first whole number in `text` (Arabic-Indic digits and thousands separators allowed)."""
    match = re.search(r"\d[\d,٬]*", text.translate(_ARABIC_DIGITS))
    if match is None:
        raise AssertionError(f"no number in {text!r}")
    return int(re.sub(r"[,٬]", "", match.group(0)))


def iso_dates(text: str) -> list[str]:
    """Every YYYY-MM-DD date written in `text` (Arabic-Indic digits read as ASCII)."""
    return re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text.translate(_ARABIC_DIGITS))
