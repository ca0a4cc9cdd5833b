"""A browser-like test client for the console (session cookie, CSRF token on every form)."""

from __future__ import annotations

import re
from typing import Any

import httpx2

PASSWORD = "console-admin-password"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


class ConsoleClient:
    """A browser-like client: keeps the session cookie and sends the page's CSRF token with
    every form it posts (``post(path, data, from_page=...)``)."""

    def __init__(self, http: Any, base: str) -> None:
        self.http = http
        self.base = base
        self.csrf = ""

    def get(self, path: str, **kwargs: Any) -> Any:
        answer = self.http.get(self.base + path, **kwargs)
        found = _CSRF.search(answer.text)
        if found:
            self.csrf = found.group(1)
        return answer

    def post(self, path: str, data: dict[str, Any] | None = None, *, files: Any = None,
             from_page: str | None = None, follow: bool = False) -> Any:
        if from_page is not None or not self.csrf:
            self.get(from_page or "/login")
        body = {"csrf_token": self.csrf, **(data or {})}
        answer = self.http.post(self.base + path, data=body, files=files, follow_redirects=follow)
        found = _CSRF.search(answer.text)
        if found:
            self.csrf = found.group(1)
        return answer

    def log_in(self, password: str = PASSWORD) -> None:
        answer = self.post("/login", {"password": password}, from_page="/login")
        assert answer.status_code == 303, answer.text
        self.get("/connectors")


def consent_at_provider(authorize_url: str, redirect_prefix: str) -> str:
    """Log in and consent at oidc-provider's dev pages like a browser; the URL it sends the
    browser back to (the console's callback)."""
    url = authorize_url
    with httpx2.Client(follow_redirects=False, timeout=10) as browser:
        for form in ({"prompt": "login", "login": "alice"}, {"prompt": "consent"}, None):
            while not url.startswith(redirect_prefix):
                r = browser.get(url)
                if r.status_code not in (302, 303):
                    break
                url = str(httpx2.URL(url).join(r.headers["location"]))
            if url.startswith(redirect_prefix) or form is None:
                return url
            r = browser.post(url, data=form)
            url = str(httpx2.URL(url).join(r.headers["location"]))
    return url
