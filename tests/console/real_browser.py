"""Real-browser fixtures: Debian's headless Chromium (the ``chromium`` package) driven by
Playwright for Python through ``executable_path`` (Playwright downloads no browser).

One browser per test module (Playwright's sync API keeps an event loop running in the main
thread while it is open, where a later test's ``asyncio.run`` would refuse), a fresh context
(cookies, storage) per journey (:func:`open_browsing`). Screenshots go to ``$CLOUDBURST_ARTIFACTS`` or
``tests/console/artifacts/`` (git-ignored), named by the test's journey so a CI run keeps one
picture of each main page. Where Chromium or Playwright is missing the tests are skipped with
the reason printed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["browser", "artifacts", "open_browsing", "Browsing", "PHONE", "DESKTOP"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def _skip(reason: str) -> None:
    print(f"\nSKIP browser tests: {reason}")
    pytest.skip(reason)


def _chromium() -> str | None:
    given = os.environ.get("CLOUDBURST_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    return next((found for name in _CANDIDATES if (found := shutil.which(name))), None)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip("Playwright is not installed (pip install -e '.[test]')")
    executable = _chromium()
    if executable is None:
        _skip("Chromium not found (apt-get install -y chromium, or set CLOUDBURST_CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots are kept."""
    folder = Path(os.environ.get("CLOUDBURST_ARTIFACTS") or Path(__file__).parent / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Browsing:
    """One browser tab on the console at ``base``, with the checks every page gets."""

    def __init__(self, context: Any, base: str, artifacts: Path) -> None:
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base
        self.artifacts = artifacts
        self.problems: list[str] = []
        #: Values no page may ever contain (checked on every page opened or photographed).
        self.secrets: list[str] = []
        # A script or style blocked by the Content-Security-Policy, a failed asset or an
        # uncaught error is a bug even when the page looks right. (A page answered with 400,
        # a form with an error, is not: documents are judged by the tests.)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("response", self._response)
        # Forms with data-confirm ask first; a person reading the question says yes.
        self.page.on("dialog", lambda dialog: dialog.accept())

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{message.text} ({message.location.get('url')})")

    def _response(self, response: Any) -> None:
        request = response.request
        if response.status >= 400 and request.resource_type != "document" and not request.url.endswith("/favicon.ico"):
            self.problems.append(f"{request.resource_type} {request.url}: HTTP {response.status}")

    def go(self, path: str) -> Any:
        answer = self.page.goto(self.base + path)
        assert answer is not None and answer.status < 400, f"{path}: HTTP {answer.status if answer else '?'}"
        self._no_secrets()
        return self.page

    def _no_secrets(self) -> None:
        html = self.page.content()
        shown = [secret for secret in self.secrets if secret in html]
        assert not shown, f"{self.page.url} shows a secret"

    def log_in(self, password: str) -> None:
        self.go("/login")
        self.page.get_by_label("Admin password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(lambda url: "/login" not in url)

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        self._no_secrets()
        path = self.artifacts / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def fits_phone(self, paths: list[str]) -> None:
        """At 390 px nothing scrolls sideways (the first overflowing element is named)."""
        self.page.set_viewport_size(PHONE)
        try:
            for path in paths:
                self.go(path)
                width = self.page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    culprit = self.page.evaluate(
                        """limit => { for (const e of document.querySelectorAll('body *')) {
                               const r = e.getBoundingClientRect();
                               if (r.right > limit + 0.5) return e.outerHTML.slice(0, 160); } return '?'; }""",
                        PHONE["width"])
                    raise AssertionError(f"{path} scrolls sideways at 390 px ({width} px wide): {culprit}")
        finally:
            self.page.set_viewport_size(DESKTOP)

    def tab_focus_is_visible(self, path: str, presses: int = 3) -> None:
        """Each of the first ``presses`` Tab stops has a visible outline and is on screen."""
        self.go(path)
        for press in range(presses):
            self.page.keyboard.press("Tab")
            seen = self.page.evaluate(
                """() => { const e = document.activeElement; if (!e || e === document.body) return null;
                       const s = getComputedStyle(e), r = e.getBoundingClientRect();
                       return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),
                               style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                               onScreen: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
                                         && r.right <= innerWidth}; }""")
            assert seen is not None, f"{path}: Tab stop {press + 1} focused nothing"
            assert seen["style"] != "none" and seen["width"] >= 2, f"{path}: no visible focus on {seen}"
            assert seen["onScreen"], f"{path}: focused element is off screen: {seen}"

    def assert_clean(self) -> None:
        assert not self.problems, f"the browser reported errors: {self.problems}"


@contextlib.contextmanager
def open_browsing(browser: Any, base: str, artifacts: Path, **options: Any) -> Iterator[Browsing]:
    """A fresh browser context (no cookies) on the console at ``base``, desktop size unless
    ``options`` say otherwise (e.g. ``java_script_enabled=False``)."""
    context = browser.new_context(**{"viewport": DESKTOP, **options})
    try:
        yield Browsing(context, base, artifacts)
    finally:
        context.close()
