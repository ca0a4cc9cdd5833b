"""Connector pages: Zoho's creation steps through real forms, with the CLI's rules and messages."""

from __future__ import annotations

import html
import io
import json
import re
from typing import Any

from console_client import ConsoleClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


def error_for(page_html: str, field: str, form: str = "f") -> str:
    """The error shown next to ``field`` (its ``e-FIELD`` element, ``e-FORM-FIELD`` in a form
    with its own prefix), unescaped."""
    eid = field if form == "f" else f"{form}-{field}"
    found = re.search(rf'<p class="error" id="e-{re.escape(eid)}">([^<]*)</p>', page_html)
    assert found, f"no error next to {field}"
    return html.unescape(found.group(1))


def cli_error(service: Any, *argv: str) -> str:
    """What ``cloudburst ARGV`` prints after ``error:`` against the same store."""
    from cloudburst.cli.dispatch import main

    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err, service=service) != 0
    return err.getvalue().strip().split("error: ", 1)[1]


def create_draft(console: ConsoleClient, name: str, auth: str | None = None, **general: Any) -> str:
    answer = console.post("/connectors/-/new", {"name": name, **general}, from_page="/connectors/-/new")
    assert answer.status_code == 303, answer.text
    link = answer.headers["location"].split("/")[2]
    if auth:
        done = console.post(f"/connectors/{link}/security", {"action": "auth_type", "auth_type": auth},
                            from_page=f"/connectors/{link}/security")
        assert done.status_code == 303, done.text
    return link


def test_api_key_connector_from_general_to_ready(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "OpenWeather Map", description="Current weather, forecasts")
    assert link == "openweather_map"
    assert console.get(f"/connectors/{link}/security").status_code == 200
    console.post(f"/connectors/{link}/security", {"action": "auth_type", "auth_type": "api_key"})
    added = console.post(f"/connectors/{link}/security", {"action": "add_param", "display_name": "API Key",
                                                          "key": "appid", "location": "query"})
    assert added.status_code == 303
    review = console.get(f"/connectors/{link}")
    assert "API Key (<code>appid</code>, query)" in review.text and "Mark as Ready" in review.text
    ready = console.post(f"/connectors/{link}/ready")
    assert ready.status_code == 303
    listing = console.get("/connectors")
    row = re.search(r"<tr>\s*<td data-label=\"Name\"><a href=\"/connectors/openweather_map\">.*?</tr>", listing.text, re.S)
    assert row and "Ready" in row.group(0) and "API key" in row.group(0)
    assert ">0</td>" in row.group(0)
    assert service.get_connector(link)["stage"] == "Ready"
    assert "New connection" in console.get(f"/connectors/{link}").text


def test_general_errors_are_the_clis_messages_next_to_the_field(console: ConsoleClient, service: Any) -> None:
    long_name = "Acme " + "x" * 50
    page = console.post("/connectors/-/new", {"name": long_name}, from_page="/connectors/-/new")
    assert page.status_code == 400
    assert error_for(page.text, "name") == cli_error(service, "connector", "create", long_name)
    bad_link = console.post("/connectors/-/new", {"name": "Acme", "link_name": "9acme"})
    assert error_for(bad_link.text, "link_name") == cli_error(service, "connector", "create", "Acme", "--link-name", "9acme")
    assert 'value="9acme"' in bad_link.text  # what was typed stays in the form
    create_draft(console, "Acme")
    taken = console.post("/connectors/-/new", {"name": "Acme Two", "link_name": "acme"}, from_page="/connectors/-/new")
    assert "is already used by another connector" in error_for(taken.text, "link_name")
    assert [c["link_name"] for c in service.list_connectors()] == ["acme"]


def test_logo_upload_has_the_clis_byte_checks(console: ConsoleClient, tmp_path: Any, service: Any) -> None:
    gif = tmp_path / "logo.gif"
    gif.write_bytes(GIF)
    refused = console.post("/connectors/-/new", {"name": "Logo Co"}, files={"logo": ("logo.gif", GIF, "image/gif")},
                           from_page="/connectors/-/new")
    assert refused.status_code == 400
    assert error_for(refused.text, "logo") == cli_error(service, "connector", "create", "Logo Co", "--logo", str(gif))
    big = b"\xff\xd8\xff" + b"\x00" * (1024 * 1024)
    too_big = console.post("/connectors/-/new", {"name": "Logo Co"}, files={"logo": ("big.jpg", big, "image/jpeg")})
    assert "must be smaller than 1 MB" in error_for(too_big.text, "logo")
    made = console.post("/connectors/-/new", {"name": "Logo Co"}, files={"logo": ("logo.png", PNG, "image/png")})
    assert made.status_code == 303
    logo = console.get("/connectors/logo_co/logo")
    assert logo.content == PNG and logo.headers["content-type"] == "image/png"
    assert logo.headers["x-content-type-options"] == "nosniff"
    removed = console.post("/connectors/logo_co/general", {"name": "Logo Co", "link_name": "logo_co", "remove_logo": "1"},
                           from_page="/connectors/logo_co/general")
    assert removed.status_code == 303 and service.get_connector("logo_co")["logo"] is None


def test_oauth_details_redirect_uri_and_scopes(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Zylker Desk", auth="oauth2")
    security = console.get(f"/connectors/{link}/security")
    assert '<code id="redirect-uri" aria-labelledby="redirect-label">http://127.0.0.1/oauth/callback</code>' in security.text
    assert 'data-copy="#redirect-uri"' in security.text
    details = {"action": "oauth", "grant_type": "authorization_code", "client_id": "1000.ZYLKER",
               "client_secret": "zylker-client-secret", "authorize_url": "https://accounts.zylker.com/oauth/v2/auth",
               "token_url": "ftp://accounts.zylker.com/token", "refresh_url": "", "revoke_url": "", "pkce": "1",
               "bearer_name": "Zoho-oauthtoken", "expiry_seconds": "3600"}
    bad = console.post(f"/connectors/{link}/security", details)
    assert bad.status_code == 400 and error_for(bad.text, "token_url") == "token_url: must be an http or https URL"
    assert 'value="1000.ZYLKER"' in bad.text and "zylker-client-secret" not in bad.text
    assert service.get_connector(link)["oauth"]["client_id"] is None  # nothing saved from a refused form
    saved = console.post(f"/connectors/{link}/security", {**details, "token_url": "https://accounts.zylker.com/oauth/v2/token"})
    assert saved.status_code == 303
    oauth = service.get_connector(link)["oauth"]
    assert oauth["client_id"] == "1000.ZYLKER" and oauth["client_secret"] == "••••" and oauth["bearer_name"] == "Zoho-oauthtoken"
    # A blank client secret keeps the stored one (the field is write-only).
    console.post(f"/connectors/{link}/security", {**details, "token_url": oauth["token_url"], "client_secret": ""},
                 from_page=f"/connectors/{link}/security")
    assert service.get_connector(link)["oauth"]["client_secret"] == "••••"

    scopes = f"/connectors/{link}/scopes"
    for name, value in (("Read tickets", "Desk.tickets.READ"), ("Update tickets", "Desk.tickets.UPDATE")):
        assert console.post(scopes, {"action": "add", "display_name": name, "value": value}, from_page=scopes).status_code == 303
    duplicate = console.post(scopes, {"action": "add", "display_name": "Again", "value": "Desk.tickets.READ"}, from_page=scopes)
    assert error_for(duplicate.text, "value") == 'scope value: "Desk.tickets.READ" is already a scope of this connector'
    edited = console.post(scopes, {"action": "edit", "current": "Desk.tickets.UPDATE", "display_name": "Write tickets",
                                   "value": "Desk.tickets.WRITE"}, from_page=scopes)
    assert edited.status_code == 303
    console.post(scopes, {"action": "delimiter", "scope_delimiter": "space"}, from_page=scopes)
    console.post(scopes, {"action": "delete", "value": "Desk.tickets.READ"}, from_page=scopes)
    info = service.get_connector(link)
    assert info["scopes"] == [{"display_name": "Write tickets", "value": "Desk.tickets.WRITE"}]
    assert info["scope_delimiter"] == "space"
    assert console.post(f"/connectors/{link}/ready", from_page=f"/connectors/{link}").status_code == 303
    assert service.get_connector(link)["stage"] == "Ready"


def test_mark_ready_refusal_is_shown(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Half Done", auth="oauth2")
    answer = console.post(f"/connectors/{link}/ready", from_page=f"/connectors/{link}", follow=True)
    assert cli_error(service, "connector", "ready", link) in html.unescape(answer.text)
    assert service.get_connector(link)["stage"] == "Draft"


def test_changing_the_auth_type_needs_confirmation(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Switcher", auth="api_key")
    console.post(f"/connectors/{link}/security", {"action": "add_param", "display_name": "Key", "key": "X-Key"},
                 from_page=f"/connectors/{link}/security")
    unconfirmed = console.post(f"/connectors/{link}/security", {"action": "auth_type", "auth_type": "basic"})
    assert unconfirmed.status_code == 400 and "discards all auth configuration" in error_for(unconfirmed.text, "auth_type", "t")
    assert service.get_connector(link)["auth_type"] == "api_key"
    console.post(f"/connectors/{link}/security", {"action": "auth_type", "auth_type": "basic", "confirm": "1"},
                 from_page=f"/connectors/{link}/security")
    assert [p["key"] for p in service.get_connector(link)["params"]] == ["username", "password"]


def test_parameter_editor(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Params", auth="api_key")
    page = f"/connectors/{link}/security"
    console.post(page, {"action": "add_param", "display_name": "Token", "key": "token", "location": "query"}, from_page=page)
    bad_key = console.post(page, {"action": "add_param", "display_name": "Header", "key": "X Bad", "location": "header"},
                           from_page=page)
    assert bad_key.status_code == 400 and error_for(bad_key.text, "key", "new").startswith("key: ")
    moved = console.post(page, {"action": "edit_param", "current": "token", "display_name": "Access token",
                                "key": "X-Token", "location": "header"}, from_page=page)
    assert moved.status_code == 303
    assert service.get_connector(link)["params"] == [
        {"role": "api_key", "display_name": "Access token", "key": "X-Token", "location": "header"}]
    console.post(page, {"action": "delete_param", "key": "X-Token"}, from_page=page)
    assert service.get_connector(link)["params"] == []


def test_ready_connector_keeps_its_link_name(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Fixed", auth="basic")
    console.post(f"/connectors/{link}/ready", from_page=f"/connectors/{link}")
    general = console.get(f"/connectors/{link}/general")
    assert 'name="link_name"' not in general.text
    renamed = console.post(f"/connectors/{link}/general", {"name": "Fixed Renamed", "link_name": "other"})
    assert renamed.status_code == 303
    assert service.get_connector(link)["name"] == "Fixed Renamed"
    security = console.get(f"/connectors/{link}/security")
    assert "<fieldset disabled>" in security.text and 'value="auth_type"' not in security.text


def test_export_then_import(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Exported", auth="oauth2")
    service.configure_oauth(link, client_id="cid", client_secret="never-exported-secret",
                            authorize_url="https://id.example.com/auth", token_url="https://id.example.com/token")
    service.add_scopes(link, [("Profile", "profile")])
    exported = console.get(f"/connectors/{link}/export")
    assert exported.headers["content-disposition"] == 'attachment; filename="exported.connector.json"'
    assert "never-exported-secret" not in exported.text
    data = exported.json()
    imported = console.post("/connectors/-/import", {"link_name": "exported_copy"},
                            files={"file": ("x.json", json.dumps(data).encode(), "application/json")},
                            from_page="/connectors/-/import")
    assert imported.status_code == 303 and imported.headers["location"] == "/connectors/exported_copy"
    copy = service.get_connector("exported_copy")
    assert copy["stage"] == "Draft" and copy["scopes"] == [{"display_name": "Profile", "value": "profile"}]
    assert copy["oauth"]["client_secret"] is None
    pasted = console.post("/connectors/-/import", {"text": "{not json"}, from_page="/connectors/-/import")
    assert pasted.status_code == 400 and error_for(pasted.text, "text").startswith("not valid JSON")
    wrong = console.post("/connectors/-/import", {"text": '{"format": "other"}'}, from_page="/connectors/-/import")
    assert "not a connector export" in wrong.text


def test_delete_connector_with_connections_is_refused(console: ConsoleClient, service: Any) -> None:
    link = create_draft(console, "Busy", auth="basic")
    service.mark_ready(link)
    service.create_connection(link, "Busy Prod")
    assert f'<a href="/connections?connector={link}">1</a>' in console.get("/connectors").text
    assert "/connections/busy_prod" in console.get(f"/connections?connector={link}").text
    assert console.get("/connections?connector=nope").status_code == 404
    refused = console.post(f"/connectors/{link}/delete", from_page=f"/connectors/{link}", follow=True)
    assert "cannot be deleted: it has connections (busy_prod)" in html.unescape(refused.text)
    service.delete_connection("busy_prod")
    assert console.post(f"/connectors/{link}/delete", from_page=f"/connectors/{link}").headers["location"] == "/connectors"
    assert service.list_connectors() == []


def test_unknown_connector_is_a_404_page(console: ConsoleClient) -> None:
    for path in ("/connectors/nope", "/connectors/nope/general", "/connectors/nope/security", "/connectors/nope/export"):
        answer = console.get(path)
        assert answer.status_code == 404 and 'There is no connector "nope"' in html.unescape(answer.text), path
