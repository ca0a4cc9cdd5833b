"""Connection pages: create from a Ready connector, authorize (values, client credentials, the
authorization code against a real OAuth provider), test with the stored secret, manage."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from werkzeug import Request, Response

from console_client import ConsoleClient, consent_at_provider
from fixtures import catch_all_server

API_KEY = "wx-live-7f3a9c2e"


def flashes(page_html: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash flash-\w+" role="\w+">([^<]*)</p>', page_html)]


def ready_api_key_connector(service: Any, test_url: str) -> None:
    service.create_connector("Weather", auth_type="api_key")
    service.add_param("weather", "API key", "X-Api-Key", "header")
    service.edit_connector("weather", test_url=test_url)
    service.mark_ready("weather")


def test_api_key_connection_created_authorized_and_tested(console: ConsoleClient, service: Any) -> None:
    seen: list[str | None] = []

    def api(request: Request) -> Response:
        seen.append(request.headers.get("X-Api-Key"))
        ok = request.headers.get("X-Api-Key") == API_KEY
        return Response("{}", status=200 if ok else 401, content_type="application/json")

    with catch_all_server(api) as server:
        ready_api_key_connector(service, server.url_for("/v1/ping"))
        chooser = console.get("/connections/-/new")
        assert '<option value="weather">Weather (API key)</option>' in chooser.text
        made = console.post("/connections/-/new", {"connector": "weather", "name": "Weather Prod"},
                            from_page="/connections/-/new?connector=weather")
        assert made.status_code == 303 and made.headers["location"] == "/connections/weather_prod"
        page = console.get("/connections/weather_prod")
        assert "not connected" in page.text and ">Authorize</a>" in page.text

        form = console.get("/connections/weather_prod/authorize")
        assert 'name="value-X-Api-Key" type="password"' in form.text
        empty = console.post("/connections/weather_prod/authorize", {"value-X-Api-Key": ""})
        assert empty.status_code == 400 and "param: missing value for X-Api-Key (API key)" in html.unescape(empty.text)
        masked = console.post("/connections/weather_prod/authorize", {"value-X-Api-Key": "••••"},
                              from_page="/connections/weather_prod/authorize")
        assert "looks like a masked placeholder" in html.unescape(masked.text)
        done = console.post("/connections/weather_prod/authorize", {"value-X-Api-Key": API_KEY},
                            from_page="/connections/weather_prod/authorize")
        assert done.status_code == 303

        tested = console.post("/connections/weather_prod/test", from_page="/connections/weather_prod", follow=True)
        shown = flashes(tested.text)
        assert any(re.fullmatch(r"Test: HTTP 200 in \d+ ms", text) for text in shown), shown
        assert seen[-1] == API_KEY  # the stored secret, never the mask
        assert "connected" in tested.text and API_KEY not in tested.text

        listing = console.get("/connections")
        assert "/connections/weather_prod" in listing.text and ">connected<" in listing.text


def test_failed_test_is_recorded_with_its_reason(console: ConsoleClient, service: Any, echo_server: Any) -> None:
    ready_api_key_connector(service, echo_server.url_for("/status/403"))
    service.create_connection("weather", "Weather Test")
    service.authorize_with_values("weather_test", {"X-Api-Key": API_KEY})
    tested = console.post("/connections/weather_test/test", from_page="/connections/weather_test", follow=True)
    assert any(text.startswith("Test: HTTP 403 in ") for text in flashes(tested.text))
    assert "test: HTTP 403" in tested.text  # last failure with its reason


def test_basic_connection_asks_username_in_clear_and_password_hidden(console: ConsoleClient, service: Any) -> None:
    service.create_connector("Jira Cloud", auth_type="basic")
    service.mark_ready("jira_cloud")
    service.create_connection("jira_cloud", "Jira")
    form = console.get("/connections/jira/authorize")
    assert 'name="value-username" type="text"' in form.text and 'name="value-password" type="password"' in form.text
    done = console.post("/connections/jira/authorize", {"value-username": "ops@zylker.com", "value-password": "pa55-word!"},
                        from_page="/connections/jira/authorize")
    assert done.status_code == 303
    creds = service.credentials_for("jira")
    assert (creds.basic_username, creds.basic_password) == ("ops@zylker.com", "pa55-word!")


def test_create_errors_and_draft_connectors(console: ConsoleClient, service: Any) -> None:
    service.create_connector("Draft Only", auth_type="basic")
    assert "No connector is Ready yet" in console.get("/connections/-/new").text
    refused = console.post("/connections/-/new", {"connector": "draft_only", "name": "X"},
                           from_page="/connections/-/new?connector=draft_only")
    assert refused.status_code == 400
    assert 'connector: "draft_only" is a Draft; mark it Ready before creating connections' in html.unescape(refused.text)
    service.mark_ready("draft_only")
    bad = console.post("/connections/-/new", {"connector": "draft_only", "name": "Ok", "link_name": "Bad Link"})
    assert re.search(r'id="e-link_name">link_name: must start with a lowercase letter', bad.text)
    assert service.list_connections() == []


def test_manage_disable_enable_rename_revoke_delete(console: ConsoleClient, service: Any) -> None:
    service.create_connector("Weather", auth_type="api_key")
    service.add_param("weather", "API key", "appid", "query")
    service.mark_ready("weather")
    service.create_connection("weather", "Weather")
    service.authorize_with_values("weather", {"appid": API_KEY})
    page = "/connections/weather"
    console.post(f"{page}/disable", from_page=page)
    assert service.get_connection("weather")["enabled"] is False
    assert ">Enable</button>" in console.get(page).text
    console.post(f"{page}/enable", from_page=page)
    assert service.get_connection("weather")["enabled"] is True
    console.post(f"{page}/rename", {"name": "Weather Staging"}, from_page=page)
    assert service.get_connection("weather")["name"] == "Weather Staging"
    long = console.post(f"{page}/rename", {"name": "x" * 51}, from_page=page, follow=True)
    assert any(text.startswith("name: ") for text in flashes(long.text))
    assert "Test needs a test URL" in console.get(page).text
    no_url = console.post(f"{page}/test", from_page=page, follow=True)
    assert any(text.startswith("test_url: the connector names no test URL") for text in flashes(no_url.text))
    console.post(f"{page}/revoke", from_page=page)
    assert service.get_connection("weather")["status"] == "not connected"
    assert ">Reconnect</a>" in console.get(page).text
    gone = console.post(f"{page}/delete", from_page=page)
    assert gone.headers["location"] == "/connections" and service.list_connections() == []
    assert console.get(page).status_code == 404


def test_failed_refresh_shows_reconnect_and_the_reason(console: ConsoleClient, service: Any) -> None:
    from datetime import datetime, timedelta, timezone

    service.create_connector("Desk", auth_type="oauth2")
    service.configure_oauth("desk", client_id="cid", client_secret="desk-secret",
                            authorize_url="https://id.example.com/auth", token_url="https://id.example.com/token")
    service.mark_ready("desk")
    service.create_connection("desk", "Desk")
    service.save_tokens("desk", access_token="at-1", refresh_token="rt-1",
                        expires_at=datetime.now(timezone.utc) + timedelta(hours=1), authorized=True)
    fresh = console.get("/connections/desk")
    assert ">Authorize again</a>" in fresh.text and re.search(r"UTC</time> \(in (59|60) min\)", fresh.text)
    service.save_tokens("desk", access_token="at-1", refresh_token="rt-1",
                        expires_at=datetime.now(timezone.utc) - timedelta(minutes=1))
    assert "(expired; refreshed on the next use)" in console.get("/connections/desk").text
    service.mark_not_connected("desk", "token refresh refused: invalid_grant")
    page = console.get("/connections/desk")
    assert ">Reconnect</a>" in page.text and "token refresh refused: invalid_grant" in page.text
    assert "at-1" not in page.text and "rt-1" not in page.text


def _oauth_connection(service: Any, provider: Any, grant: str = "authorization_code") -> None:
    service.create_connector("Zylker ID", auth_type="oauth2")
    service.configure_oauth("zylker_id", grant_type=grant, client_id=provider.client_id,
                            client_secret=provider.client_secret, authorize_url=provider.authorize_url,
                            token_url=provider.token_url, revoke_url=provider.revoke_url)
    service.add_scopes("zylker_id", [("Sign in", "openid"), ("Stay signed in", "offline_access")])
    service.set_scope_delimiter("zylker_id", "space")
    service.edit_connector("zylker_id", test_url=provider.userinfo_url)
    service.mark_ready("zylker_id")
    service.create_connection("zylker_id", "Zylker", scopes=["openid", "offline_access"] if grant == "authorization_code" else [])


@pytest.mark.integration
def test_authorization_code_with_pkce_through_the_console(oauth_console: Any) -> None:
    live, provider = oauth_console
    service = live.setup.console.service
    _oauth_connection(service, provider)
    console = live.client()
    console.log_in()
    start = console.http.get(f"{live.url}/connections/zylker/authorize", follow_redirects=False)
    assert start.status_code == 303
    target = start.headers["location"]
    query = parse_qs(urlsplit(target).query)
    assert target.startswith(provider.authorize_url)
    assert query["redirect_uri"] == [f"{live.url}/oauth/callback"] and query["code_challenge_method"] == ["S256"]
    assert query["scope"] == ["openid offline_access"]
    back = consent_at_provider(target + "&prompt=consent", f"{live.url}/oauth/callback")
    assert back.startswith(f"{live.url}/oauth/callback?") and "code=" in back, back
    landed = console.http.get(back, follow_redirects=True)
    assert "zylker is connected." in flashes(landed.text)
    info = service.get_connection("zylker")
    assert info["status"] == "connected" and info["token_expires_at"]
    # The same callback again (a replay) is refused: the state was used up.
    again = console.http.get(back, follow_redirects=False)
    assert again.status_code == 400 and "state does not match" in again.text
    tested = console.post("/connections/zylker/test", from_page="/connections/zylker", follow=True)
    assert any(text.startswith("Test: HTTP 200 in ") for text in flashes(tested.text))
    creds = service.credentials_for("zylker")
    for secret in (creds.access_token, creds.refresh_token, provider.client_secret):
        assert secret and secret not in landed.text and secret not in tested.text
    # New scopes: the grant for the old ones is revoked at the provider; authorize again.
    page = console.get("/connections/zylker")
    assert 'action="/connections/zylker/scopes"' in page.text and "data-confirm=" in page.text
    changed = console.post("/connections/zylker/scopes", {"scopes": "openid"}, from_page="/connections/zylker",
                           follow=True)
    assert "Scopes saved. Authorize the connection for them." in flashes(changed.text)
    info = service.get_connection("zylker")
    assert (info["scopes"], info["status"], info["refresh_token"]) == (["openid"], "not connected", None)
    with httpx2.Client() as client:
        state = client.post(f"{provider.issuer}/token/introspection",
                            data={"token": creds.refresh_token, "client_id": provider.client_id,
                                  "client_secret": provider.client_secret}).json()
    assert state["active"] is False
    refused = console.post("/connections/zylker/scopes", {"scopes": "admin"}, from_page="/connections/zylker",
                           follow=True)
    assert any("must be a subset" in text for text in flashes(refused.text))


@pytest.mark.integration
def test_oauth_state_from_another_session_is_refused(oauth_console: Any) -> None:
    live, provider = oauth_console
    service = live.setup.console.service
    _oauth_connection(service, provider)
    admin, other = live.client(), live.client()
    admin.log_in()
    other.log_in()
    target = admin.http.get(f"{live.url}/connections/zylker/authorize", follow_redirects=False).headers["location"]
    back = consent_at_provider(target + "&prompt=consent", f"{live.url}/oauth/callback")
    stolen = other.http.get(back, follow_redirects=False)
    assert stolen.status_code == 400 and "state does not match" in stolen.text
    forged = admin.http.get(f"{live.url}/oauth/callback?code=abc&state=made-up", follow_redirects=False)
    assert forged.status_code == 400
    assert service.get_connection("zylker")["status"] == "not connected"
    # The session that started it still can finish it.
    assert "zylker is connected." in flashes(admin.http.get(back, follow_redirects=True).text)


@pytest.mark.integration
def test_provider_refusal_is_shown(oauth_console: Any) -> None:
    live, provider = oauth_console
    _oauth_connection(live.setup.console.service, provider)
    console = live.client()
    console.log_in()
    target = console.http.get(f"{live.url}/connections/zylker/authorize", follow_redirects=False).headers["location"]
    state = parse_qs(urlsplit(target).query)["state"][0]
    refused = console.http.get(f"{live.url}/oauth/callback", params={"state": state, "error": "access_denied",
                                                                     "error_description": "<b>user said no</b>"},
                               follow_redirects=True)
    assert "The provider refused the authorization: access_denied (<b>user said no</b>)" in flashes(refused.text)
    assert "<b>user said no</b>" not in refused.text  # escaped


@pytest.mark.integration
def test_client_credentials_through_the_console(oauth_console: Any) -> None:
    live, provider = oauth_console
    service = live.setup.console.service
    _oauth_connection(service, provider, grant="client_credentials")
    console = live.client()
    console.log_in()
    page = console.get("/connections/zylker/authorize")
    assert "Get a token" in page.text
    done = console.post("/connections/zylker/authorize", from_page="/connections/zylker/authorize", follow=True)
    assert "Zylker is connected." in flashes(done.text)
    assert service.get_connection("zylker")["status"] == "connected"


@pytest.mark.integration
def test_zoho_connection_through_the_console_keeps_the_api_domain(console: ConsoleClient, service: Any) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "zoho"))
    from fake_zoho import FakeZoho

    from cloudburst.zoho.setup import create_zoho_connector

    zoho = FakeZoho()
    try:
        create_zoho_connector(service, "Zoho CRM", link_name="zoho_crm", dc="eu", client_id=zoho.state.client_id,
                              client_secret=zoho.state.client_secret, accounts_url=zoho.accounts)
        service.create_connection("zoho_crm", "Crm Prod")
        start = console.http.get("/connections/crm_prod/authorize", follow_redirects=False)
        assert start.headers["location"].startswith(f"{zoho.accounts}/oauth/v2/auth?access_type=offline")
        with httpx2.Client(follow_redirects=False) as browser:  # consent at Zoho: it redirects back at once
            back = browser.get(start.headers["location"]).headers["location"]
        assert "accounts-server=" in back
        landed = console.http.get(urlsplit(back).path + "?" + urlsplit(back).query, follow_redirects=True)
        assert f"crm_prod is connected. (API domain {zoho.api})" in flashes(landed.text)
        assert service.connection_properties("crm_prod")["api_domain"] == zoho.api
        # An account from another data centre is refused by name, as on the command line.
        start = console.http.get("/connections/crm_prod/authorize", follow_redirects=False)
        zoho.state.accounts = "https://accounts.zoho.com"
        with httpx2.Client(follow_redirects=False) as browser:
            back = browser.get(start.headers["location"]).headers["location"]
        refused = console.http.get(urlsplit(back).path + "?" + urlsplit(back).query, follow_redirects=True)
        assert any("lives in the US data centre" in text for text in flashes(refused.text))
    finally:
        zoho.stop()
