"""In a real browser, from nothing to working connections without the command line: an API-key
connector made through Zoho's steps, marked Ready, a connection authorized and tested against a
local API; then an OAuth 2.0 connector against the real provider (oidc-provider), Authorize,
log in and consent there, land back connected, run a function that calls the provider with the
connection, and find the run in the history."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from werkzeug import Request, Response

from console_client import PASSWORD
from fixtures import catch_all_server
from real_browser import Browsing, open_browsing

API_KEY = "wx-live-4d1c9b7e"


def _new_connector(b: Browsing, name: str, shot: str | None = None) -> Any:
    page = b.go("/connectors")
    page.get_by_role("link", name="New connector").click()
    page.get_by_label("Connector name").fill(name)
    if shot:
        b.shot(shot)
    page.get_by_role("button", name="Create and continue").click()
    page.wait_for_url(re.compile(r"/connectors/[a-z0-9_]+/security$"))
    return page


def _set_auth_type(page: Any, label: str) -> None:
    page.get_by_label("Authentication type").select_option(label=label)
    page.get_by_role("button", name="Set type").click()


def _mark_ready(page: Any) -> None:
    """From a connector step: on to Review, then Mark as Ready (and confirm)."""
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("button", name="Mark as Ready").click()
    expect(page.locator("h1 .badge")).to_have_text("Ready")


def _create_connection(page: Any, name: str, scopes: tuple[str, ...] = ()) -> None:
    page.get_by_role("link", name="New connection").click()
    page.get_by_label("Connection name").fill(name)
    for scope in scopes:
        page.get_by_role("checkbox", name=re.compile(re.escape(scope))).check()
    page.get_by_role("button", name="Create connection").click()
    page.wait_for_url(re.compile(r"/connections/[a-z0-9_]+$"))
    expect(page.locator("h1 .badge").first).to_have_text("not connected")


def test_api_key_and_oauth_connections_from_the_screens(browser: Any, artifacts: Any, oauth_console: Any) -> None:
    live, provider = oauth_console
    seen: list[str | None] = []

    def weather_api(request: Request) -> Response:
        seen.append(request.headers.get("X-Api-Key"))
        ok = request.headers.get("X-Api-Key") == API_KEY
        return Response('{"temp": 21}', status=200 if ok else 401, content_type="application/json")

    with catch_all_server(weather_api) as api, open_browsing(browser, live.url, artifacts) as b:
        b.secrets += [API_KEY, provider.client_secret]
        b.log_in(PASSWORD)

        # --- API key: General → Security (parameter) → General (test URL) → Review → Ready.
        page = _new_connector(b, "Weather", shot="58-connector-general-step")
        b.shot("60-connector-security-step")
        _set_auth_type(page, "API key")
        page.get_by_label("Display name").fill("API key")
        page.get_by_label("Parameter key").fill("X-Api-Key")
        page.get_by_role("button", name="Add parameter").click()
        expect(page.locator("legend")).to_contain_text("X-Api-Key")
        b.shot("61-connector-api-key-parameter")
        page.get_by_role("link", name="General", exact=True).click()
        page.get_by_label("Test URL").fill(api.url_for("/v1/ping"))
        page.get_by_role("button", name="Save").click()
        _mark_ready(page)
        b.shot("62-connector-ready-review")

        # A connection from it, authorized through a write-only field, then tested.
        _create_connection(page, "Weather Prod")
        page.get_by_role("link", name="Authorize", exact=True).click()
        secret_field = page.get_by_label(re.compile("API key"))
        expect(secret_field).to_have_attribute("type", "password")
        secret_field.fill(API_KEY)
        b.shot("63-connection-authorize-api-key")
        page.get_by_role("button", name="Save and connect").click()
        expect(page.locator("h1 .badge").first).to_have_text("connected")
        page.get_by_role("button", name="Test").click()
        expect(page.get_by_role("status")).to_have_text(re.compile(r"Test: HTTP 200 in \d+ ms"))
        assert seen and seen[-1] == API_KEY  # the stored secret went out, never a mask
        b.shot("64-connection-tested")

        # --- OAuth 2.0 against the real provider, with PKCE and the console's own callback.
        page = _new_connector(b, "Acme Accounts")
        _set_auth_type(page, "OAuth 2.0")
        redirect_uri = page.locator("#redirect-uri").inner_text()
        assert redirect_uri == provider.redirect_uri  # what the provider has registered
        page.get_by_label("Client ID").fill(provider.client_id)
        page.get_by_label("Client secret").fill(provider.client_secret)
        page.get_by_label("Authorization URL").fill(provider.authorize_url)
        page.get_by_label("Access token URL").fill(provider.token_url)
        page.get_by_label("Revoke URL").fill(provider.revoke_url)
        page.get_by_label("Use PKCE").check()
        page.get_by_role("button", name="Save OAuth details").click()
        expect(page.get_by_role("status")).to_contain_text("Security details saved")
        b.shot("65-connector-oauth-security")
        page.get_by_role("link", name="Scopes", exact=True).click()
        for display, value in (("Sign in", "openid"), ("Stay signed in", "offline_access")):
            page.get_by_role("textbox", name="Display name", exact=True).fill(display)
            page.get_by_role("textbox", name="Value", exact=True).fill(value)
            page.get_by_role("button", name="Add scope").click()
            expect(page.get_by_role("status")).to_contain_text("Scopes saved")
        page.get_by_label("Scopes are joined with").select_option("space")
        page.get_by_role("button", name="Save delimiter").click()
        b.shot("66-connector-scopes")
        page.get_by_role("link", name="General", exact=True).click()
        page.get_by_label("Test URL").fill(provider.userinfo_url)
        page.get_by_role("button", name="Save").click()
        _mark_ready(page)
        _create_connection(page, "Acme Prod", scopes=("openid", "offline_access"))

        # Authorize: to the provider, log in and consent there, back on the console connected.
        page.get_by_role("link", name="Authorize", exact=True).click()
        page.wait_for_url(re.compile(re.escape(provider.issuer)))
        page.locator("input[name=login]").fill("alice")
        page.locator("input[name=password]").fill("any password")
        b.shot("67-provider-login")
        page.get_by_role("button", name="Sign-in").click()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{live.url}/connections/acme_prod")
        expect(page.get_by_role("status")).to_have_text("acme_prod is connected.")
        expect(page.locator("h1 .badge").first).to_have_text("connected")
        expect(page.locator("main")).to_contain_text(re.compile(r"Access token\s*stored"))
        token = live.setup.console.service.credentials_for("acme_prod").access_token
        assert token
        b.secrets.append(token)
        page.get_by_role("button", name="Test").click()  # with the stored access token
        expect(page.get_by_role("status")).to_have_text(re.compile(r"Test: HTTP 200 in \d+ ms"))
        b.shot("68-connection-oauth-connected")
        page = b.go("/connections")
        expect(page.locator("tbody tr")).to_have_count(2)
        b.shot("69-connections-list")
        page = b.go("/connectors")
        b.shot("59-connectors-list")

        # A function that calls the provider with the connection, run from its page.
        live.setup.workflows.functions.deploy(f'''resp = invokeurl
[
\turl: "{provider.userinfo_url}"
\ttype: GET
\tconnection: "acme_prod"
];
info "signed in as " + resp.get("sub");
return resp.get("sub");
''', "whoami.dg", "whoami")
        page = b.go("/functions/whoami")
        page.get_by_role("button", name="Run whoami").click()
        page.wait_for_url(re.compile(r"/runs/\d+$"))
        expect(page.locator("#run-status")).to_have_text("succeeded")
        expect(page.locator("#run-result")).to_have_text("alice")
        call = page.locator("#run-calls tbody tr").first
        expect(call).to_contain_text("acme_prod")
        expect(call).to_contain_text("200")
        b.shot("70-run-with-connection")
        run_id = page.url.rsplit("/", 1)[1]
        page = b.go("/runs")
        expect(page.get_by_role("link", name=f"#{run_id}")).to_be_visible()
        expect(page.locator("#runs-live tbody tr").first).to_contain_text("whoami")

        b.fits_phone(["/connectors", "/connectors/weather", "/connectors/acme_accounts/security",
                      "/connectors/acme_accounts/scopes", "/connections", "/connections/acme_prod",
                      "/connections/weather_prod/authorize"])
        b.tab_focus_is_visible("/connections/acme_prod")
        b.assert_clean()
