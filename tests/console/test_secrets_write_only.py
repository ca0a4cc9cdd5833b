"""Secrets are write-only: set through the console's own forms (client secret, API key, Basic
password) and the real OAuth provider (access and refresh tokens), then every page the console
links to, every export, JSON answer, refused form and log line is scanned for them."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from console_client import ConsoleClient, consent_at_provider

API_KEY = "sk-live-51HqL9e2Zylker"
BASIC_PASSWORD = "Tr0ub4dor&3-zylker"
LINK = re.compile(r'(?:href|action)="(/[^"#]*)"')


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    handler = _Collect()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _set_everything_through_forms(console: ConsoleClient, provider: Any, live_url: str) -> None:
    def post(path: str, data: dict[str, Any], status: int = 303) -> Any:
        answer = console.post(path, data, from_page=path if "/-/" in path or path.endswith(("security", "scopes", "authorize")) else None)
        assert answer.status_code == status, (path, answer.text[-800:])
        return answer

    # An OAuth 2.0 connector whose client secret is typed into the Security step.
    post("/connectors/-/new", {"name": "Zylker ID"})
    post("/connectors/zylker_id/security", {"action": "auth_type", "auth_type": "oauth2"})
    post("/connectors/zylker_id/security", {
        "action": "oauth", "grant_type": "authorization_code", "client_id": provider.client_id,
        "client_secret": provider.client_secret, "authorize_url": provider.authorize_url,
        "token_url": provider.token_url, "refresh_url": "", "revoke_url": provider.revoke_url, "pkce": "1",
        "bearer_name": "Bearer", "expiry_seconds": "3600"})
    post("/connectors/zylker_id/scopes", {"action": "add", "display_name": "Sign in", "value": "openid"})
    post("/connectors/zylker_id/scopes", {"action": "add", "display_name": "Offline", "value": "offline_access"})
    post("/connectors/zylker_id/scopes", {"action": "delimiter", "scope_delimiter": "space"})
    post("/connectors/zylker_id/general", {"name": "Zylker ID", "link_name": "zylker_id", "test_url": provider.userinfo_url})
    post("/connectors/zylker_id/ready", {})
    post("/connections/-/new", {"connector": "zylker_id", "name": "Zylker", "scopes": ["openid", "offline_access"]})

    # An API-key and a Basic connection whose values are typed into the Authorize forms.
    post("/connectors/-/new", {"name": "Stripe Like"})
    post("/connectors/stripe_like/security", {"action": "auth_type", "auth_type": "api_key"})
    post("/connectors/stripe_like/security", {"action": "add_param", "display_name": "Secret key", "key": "Authorization-Key"})
    post("/connectors/stripe_like/ready", {})
    post("/connections/-/new", {"connector": "stripe_like", "name": "Stripe"})
    post("/connections/stripe/authorize", {"value-Authorization-Key": API_KEY})
    post("/connectors/-/new", {"name": "Jira Like"})
    post("/connectors/jira_like/security", {"action": "auth_type", "auth_type": "basic"})
    post("/connectors/jira_like/ready", {})
    post("/connections/-/new", {"connector": "jira_like", "name": "Jira"})
    post("/connections/jira/authorize", {"value-username": "ops", "value-password": BASIC_PASSWORD})

    # The OAuth connection through the provider's consent and the console's callback.
    start = console.http.get(f"{live_url}/connections/zylker/authorize", follow_redirects=False)
    back = consent_at_provider(start.headers["location"] + "&prompt=consent", f"{live_url}/oauth/callback")
    assert "connected" in console.http.get(back, follow_redirects=True).text


def _crawl(console: ConsoleClient, live_url: str) -> dict[str, Any]:
    """Every console page reachable by links and GET forms from the start pages."""
    seen: dict[str, Any] = {}
    queue = ["/", "/connectors", "/connections", "/functions", "/schedules", "/webhooks", "/runs"]
    while queue and len(seen) < 400:
        path = queue.pop(0)
        if path in seen or path.startswith(("/static/", "/logout")) or path.endswith("/authorize") and "zylker" in path:
            continue
        answer = console.http.get(live_url + path, follow_redirects=False)
        seen[path] = answer
        queue += [html.unescape(p) for p in LINK.findall(answer.text)]
    return seen


@pytest.mark.integration
def test_no_secret_is_ever_shown(oauth_console: Any, every_log_line: list[str]) -> None:
    live, provider = oauth_console
    service = live.setup.console.service
    console = live.client()
    console.log_in()
    _set_everything_through_forms(console, provider, live.url)

    oauth = service.credentials_for("zylker")
    secrets = {"client secret": provider.client_secret, "API key": API_KEY, "Basic password": BASIC_PASSWORD,
               "access token": oauth.access_token, "refresh token": oauth.refresh_token}
    assert all(secrets.values()) and service.credentials_for("stripe").api_keys[0].value == API_KEY

    answers = _crawl(console, live.url)
    assert {"/connectors/zylker_id/security", "/connections/stripe", "/connections/jira/authorize",
            "/connectors/stripe_like/export"} <= set(answers)
    # Actions that use the secrets, and forms refused with a secret in them.
    answers["test"] = console.post("/connections/zylker/test", from_page="/connections/zylker", follow=True)
    answers["refused api key"] = console.post("/connections/stripe/authorize",
                                              {"value-Authorization-Key": API_KEY + "\n"}, from_page="/connections/stripe/authorize")
    answers["refused client secret"] = console.post("/connectors/zylker_id/security", {
        "action": "oauth", "client_secret": provider.client_secret, "token_url": "not a url"},
        from_page="/connectors/zylker_id/security")
    answers["api"] = console.http.get(f"{live.url}/api/functions")

    assert len(answers) > 25
    for where, answer in answers.items():
        shown = answer.text + " ".join(f"{k}: {v}" for k, v in answer.headers.items())
        for what, value in secrets.items():
            assert value not in shown, f"the {what} is shown by {where}"
    logged = "\n".join(every_log_line)
    assert logged  # the HTTP stack logged its requests
    for what, value in secrets.items():
        assert value not in logged, f"the {what} is in the log"
