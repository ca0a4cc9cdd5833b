"""Every connector/connection rule, broken on purpose, with the error it must give."""

from __future__ import annotations

from typing import Any

import pytest

from cloudburst.connectors import ConnectorError, NotFoundError, RuleViolation, rules

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def violation(call: Any, *args: Any, **kwargs: Any) -> RuleViolation:
    with pytest.raises(RuleViolation) as info:
        call(*args, **kwargs)
    return info.value


def api_key_connector(svc: Any, link: str = "weather") -> str:
    svc.create_connector(link.capitalize(), auth_type="api_key")
    svc.add_param(link, "App ID", "appid", "query")
    return link


def oauth_connector(svc: Any, link: str = "crm", *, ready: bool = False, scopes: int = 2) -> str:
    svc.create_connector(link.upper(), auth_type="oauth2")
    svc.configure_oauth(link, client_id="client-1", client_secret="shh-secret-1",
                        authorize_url="https://auth.example.com/authorize", token_url="https://auth.example.com/token")
    if scopes:
        svc.add_scopes(link, [(f"Scope {i}", f"scope.{i}") for i in range(scopes)])
    if ready:
        svc.mark_ready(link)
    return link


# ---------------------------------------------------------------------------- general


@pytest.mark.parametrize(("name", "rule"), [
    ("x" * 51, "at most 50 characters"),
    ("", "must not be empty"),
    ("-dash first", "must start with a letter, a digit or _"),
    ("Weather #1", "character '#' is not allowed"),
    ("Weather (beta)", "character '(' is not allowed"),
])
def test_connector_name_rules(svc: Any, name: str, rule: str) -> None:
    error = violation(svc.create_connector, name)
    assert error.field == "name" and rule in error.rule


@pytest.mark.parametrize("name", ["_private", "9lives", "A*_-@/!:|&~\\+ z", "x" * 50, "Météo"])
def test_connector_name_accepts_allowed(svc: Any, name: str) -> None:
    assert svc.create_connector(name, link_name="l" + str(abs(hash(name)))[:10])["name"] == name


def test_link_name_is_derived_from_name(svc: Any) -> None:
    assert svc.create_connector("Open Weather")["link_name"] == "open_weather"
    assert rules.derive_link_name("9 Lives & More!") == "c_9_lives_more"
    assert rules.derive_link_name("Météo  France") == "meteo_france"
    assert len(rules.derive_link_name("a" * 80)) == 50


@pytest.mark.parametrize(("link", "rule"), [
    ("l" * 51, "at most 50 characters"),
    ("1abc", "must start with a letter"),
    ("_abc", "must start with a letter"),
    ("open-weather", "only letters, digits and _"),
    ("open weather", "only letters, digits and _"),
])
def test_connector_link_name_rules(svc: Any, link: str, rule: str) -> None:
    error = violation(svc.create_connector, "Weather", link_name=link)
    assert error.field == "link_name" and rule in error.rule


def test_connector_link_name_unique(svc: Any) -> None:
    svc.create_connector("Open Weather")
    error = violation(svc.create_connector, "Open Weather")
    assert error.field == "link_name" and "already used" in error.rule
    error = violation(svc.create_connector, "Other", link_name="Open_Weather")
    assert "already used" in error.rule


def test_link_name_editable_only_while_draft(svc: Any) -> None:
    link = api_key_connector(svc)
    assert svc.edit_connector(link, link_name="weather_v2")["link_name"] == "weather_v2"
    svc.mark_ready("weather_v2")
    error = violation(svc.edit_connector, "weather_v2", link_name="weather_v3")
    assert error.field == "link_name" and "is Ready" in error.rule
    assert svc.edit_connector("weather_v2", name="Renamed")["name"] == "Renamed"


@pytest.mark.parametrize(("text", "rule"), [
    ("d" * 256, "at most 255 characters"),
    ("Uses #hashtags", "character '#' is not allowed"),
    ("50% off", "character '%' is not allowed"),
    ("a + b", "character '+' is not allowed"),
])
def test_description_rules(svc: Any, text: str, rule: str) -> None:
    error = violation(svc.create_connector, "Weather", description=text)
    assert error.field == "description" and rule in error.rule


def test_description_accepts_its_specials(svc: Any) -> None:
    text = "Calls (weather), v1.0 - a_b * c@d / e\\f ! g: h | i ~ j & k"
    assert svc.create_connector("Weather", description=text)["description"] == text


@pytest.mark.parametrize(("data", "rule"), [
    (b"GIF89a" + b"\x00" * 10, "PNG or JPEG"),
    (b"<svg></svg>", "PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024), "smaller than 1 MB"),
])
def test_logo_rules(svc: Any, data: bytes, rule: str) -> None:
    error = violation(svc.create_connector, "Weather", logo=data)
    assert error.field == "logo" and rule in error.rule


def test_logo_checked_by_bytes_not_name(svc: Any, cli: Any, tmp_path: Any) -> None:
    assert svc.create_connector("A", logo=PNG)["logo"] == {"type": "image/png", "bytes": len(PNG)}
    assert svc.create_connector("B", logo=JPEG)["logo"]["type"] == "image/jpeg"
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"GIF89a not really a png")
    result = cli("connector", "create", "C", "--logo", str(fake))
    assert result.code == 1 and "logo: must be a PNG or JPEG image" in result.err
    real = tmp_path / "logo.dat"
    real.write_bytes(JPEG)
    assert cli("connector", "create", "D", "--logo", str(real)).code == 0


# ---------------------------------------------------------------------------- stage and auth type


def test_no_connection_from_draft(svc: Any) -> None:
    link = api_key_connector(svc)
    error = violation(svc.create_connection, link, "Prod")
    assert error.field == "connector" and "is a Draft" in error.rule


def test_ready_needs_auth_type(svc: Any) -> None:
    svc.create_connector("Weather")
    error = violation(svc.mark_ready, "weather")
    assert error.field == "auth_type" and "must be set" in error.rule


def test_ready_needs_api_key_param(svc: Any) -> None:
    svc.create_connector("Weather", auth_type="api_key")
    error = violation(svc.mark_ready, "weather")
    assert error.field == "params" and "at least one parameter" in error.rule


@pytest.mark.parametrize(("grant", "drop", "missing"), [
    ("authorization_code", "client_id", "client_id"),
    ("authorization_code", "client_secret", "client_secret"),
    ("authorization_code", "token_url", "token_url"),
    ("authorization_code", "authorize_url", "authorize_url"),
])
def test_ready_needs_every_mandatory_oauth_detail(svc: Any, grant: str, drop: str, missing: str) -> None:
    link = oauth_connector(svc)
    svc.configure_oauth(link, grant_type=grant, **{drop: None})
    error = violation(svc.mark_ready, link)
    assert error.field == "oauth" and missing in error.rule


def test_client_credentials_needs_no_authorize_url(svc: Any) -> None:
    link = oauth_connector(svc)
    svc.configure_oauth(link, grant_type="client_credentials", authorize_url=None)
    assert svc.mark_ready(link) == []


def test_ready_warns_without_scopes(svc: Any) -> None:
    link = oauth_connector(svc, scopes=0)
    warnings = svc.mark_ready(link)
    assert len(warnings) == 1 and "no scopes" in warnings[0]


def test_ready_is_irreversible_and_locks_auth(svc: Any) -> None:
    link = api_key_connector(svc)
    svc.mark_ready(link)
    assert violation(svc.mark_ready, link).field == "stage"
    assert violation(svc.set_auth_type, link, "basic").field == "auth_type"
    assert violation(svc.add_param, link, "Other", "other").field == "params"
    assert violation(svc.edit_param, link, "appid", display_name="New").field == "params"
    assert violation(svc.delete_params, link, ["appid"]).field == "params"
    assert svc.get_connector(link)["stage"] == "Ready"


def test_oauth_details_locked_after_ready(svc: Any) -> None:
    link = oauth_connector(svc, ready=True)
    error = violation(svc.configure_oauth, link, client_id="other")
    assert error.field == "oauth" and "is Ready" in error.rule


def test_changing_auth_type_discards_configuration(svc: Any) -> None:
    link = oauth_connector(svc)
    assert svc.set_auth_type(link, "api_key") is True
    info = svc.get_connector(link)
    assert info["auth_type"] == "api_key" and info["params"] == [] and "oauth" not in info
    svc.set_auth_type(link, "oauth2")
    info = svc.get_connector(link)
    assert info["oauth"]["client_id"] is None and info["oauth"]["client_secret"] is None
    assert info["scopes"] == []


def test_auth_type_rule(svc: Any) -> None:
    error = violation(svc.create_connector, "Weather", auth_type="digest")
    assert error.field == "auth_type" and "basic, api_key, oauth2" in error.rule


# ---------------------------------------------------------------------------- Basic and API key parameters


def test_basic_has_username_and_password(svc: Any) -> None:
    svc.create_connector("Jira", auth_type="basic")
    params = svc.get_connector("jira")["params"]
    assert [(p["role"], p["key"]) for p in params] == [("username", "username"), ("password", "password")]
    svc.edit_param("jira", "username", display_name="Email", new_key="email")
    assert svc.get_connector("jira")["params"][0]["display_name"] == "Email"
    assert violation(svc.add_param, "jira", "Extra", "extra").field == "params"
    assert violation(svc.delete_params, "jira", ["password"]).field == "params"
    assert violation(svc.edit_param, "jira", "password", location="query").field == "location"


@pytest.mark.parametrize(("display", "rule"), [
    ("", "must not be empty"),
    ("_key", "must start with a letter or a digit"),
    ("App (ID)", "character '(' is not allowed"),
    ("n" * 51, "at most 50 characters"),
])
def test_param_display_name_rules(svc: Any, display: str, rule: str) -> None:
    svc.create_connector("Weather", auth_type="api_key")
    error = violation(svc.add_param, "weather", display, "appid")
    assert error.field == "display_name" and rule in error.rule


@pytest.mark.parametrize(("param_key", "where", "rule"), [
    ("app id", "query", "visible ASCII"),
    ("", "query", "must not be empty"),
    ("clé", "query", "visible ASCII"),
    ("X-Key:", "header", "valid HTTP header name"),
])
def test_param_key_rules(svc: Any, param_key: str, where: str, rule: str) -> None:
    svc.create_connector("Weather", auth_type="api_key")
    error = violation(svc.add_param, "weather", "App", param_key, where)
    assert error.field == "key" and rule in error.rule


def test_param_location_and_uniqueness(svc: Any) -> None:
    svc.create_connector("Weather", auth_type="api_key")
    error = violation(svc.add_param, "weather", "App", "appid", "cookie")
    assert error.field == "location" and "query, form, header" in error.rule
    for where in ("query", "form", "header"):
        svc.add_param("weather", "App", f"k_{where}", where)
    error = violation(svc.add_param, "weather", "App", "k_query", "header")
    assert error.field == "key" and "already used" in error.rule


def test_params_edit_delete_many(svc: Any) -> None:
    link = api_key_connector(svc)
    svc.add_param(link, "Secret", "secret", "header")
    svc.add_param(link, "Token", "token", "form")
    svc.edit_param(link, "token", location="header", new_key="X-Token")
    assert svc.delete_params(link, ["appid", "secret"]) == 2
    assert [p["key"] for p in svc.get_connector(link)["params"]] == ["X-Token"]
    with pytest.raises(NotFoundError, match="no parameter with key nope"):
        svc.delete_params(link, ["nope"])


def test_params_only_for_api_key(svc: Any) -> None:
    oauth_connector(svc)
    error = violation(svc.add_param, "crm", "App", "appid")
    assert error.field == "params" and "api_key" in error.rule


# ---------------------------------------------------------------------------- OAuth 2.0 fields


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("client_id", "clïent", "printable ASCII"),
    ("client_id", "客户端", "printable ASCII"),
    ("client_secret", "two  spaces", "single spaces"),
    ("client_secret", " leading", "single spaces"),
    ("client_secret", "tab\there", "printable ASCII"),
    ("client_secret", "••••", "printable ASCII"),
    ("client_secret", "****", "masked placeholder"),
    ("authorize_url", "ftp://auth.example.com/a", "http or https"),
    ("token_url", "https:///no-host", "must name a host"),
    ("token_url", "not a url", "http or https"),
    ("refresh_url", "https://exa mple.com/", "well-formed"),
    ("revoke_url", "mailto:x@example.com", "http or https"),
    ("bearer_name", "Bearer token", "only letters, digits"),
    ("bearer_name", "Bear/er", "only letters, digits"),
    ("expiry_seconds", "899", "between 900 and 86400"),
    ("expiry_seconds", 86401, "between 900 and 86400"),
    ("expiry_seconds", "1h", "whole number"),
    ("grant_type", "password", "authorization_code, client_credentials"),
])
def test_oauth_field_rules(svc: Any, field: str, value: Any, rule: str) -> None:
    link = oauth_connector(svc)
    error = violation(svc.configure_oauth, link, **{field: value})
    assert error.field == field and rule in error.rule


def test_oauth_defaults_and_valid_values(svc: Any) -> None:
    link = oauth_connector(svc)
    oauth = svc.get_connector(link)["oauth"]
    assert (oauth["bearer_name"], oauth["expiry_seconds"], oauth["grant_type"], oauth["pkce"]) == \
        ("Bearer", 3600, "authorization_code", True)
    svc.configure_oauth(link, client_secret="a b c", expiry_seconds="900", bearer_name="Zoho0auth", pkce=False)
    oauth = svc.get_connector(link)["oauth"]
    assert (oauth["expiry_seconds"], oauth["bearer_name"], oauth["pkce"], oauth["client_secret"]) == \
        (900, "Zoho0auth", False, "••••")


def test_oauth_settings_only_for_oauth(svc: Any) -> None:
    link = api_key_connector(svc)
    error = violation(svc.configure_oauth, link, client_id="x")
    assert error.field == "oauth" and "oauth2" in error.rule


# ---------------------------------------------------------------------------- scopes


def test_scope_rules(svc: Any) -> None:
    link = oauth_connector(svc, scopes=0)
    assert violation(svc.add_scopes, link, [("_Read", "read")]).field == "scope display_name"
    assert "commas" in violation(svc.add_scopes, link, [("Read", "a,b")]).rule
    assert "spaces" in violation(svc.add_scopes, link, [("Read", "a b")]).rule
    assert violation(svc.add_scopes, link, [("Read", "")]).field == "scope value"
    svc.add_scopes(link, [("Read", "read")])
    assert "already a scope" in violation(svc.add_scopes, link, [("Again", "read")]).rule


def test_at_most_50_scopes(svc: Any) -> None:
    link = oauth_connector(svc, scopes=0)
    svc.add_scopes(link, [(f"S{i}", f"s.{i}") for i in range(50)])
    error = violation(svc.add_scopes, link, [("One more", "s.50")])
    assert error.field == "scopes" and "at most 50" in error.rule


def test_scope_delimiter(svc: Any) -> None:
    link = oauth_connector(svc)
    assert svc.get_connector(link)["scope_delimiter"] == "comma"
    for name in ("space", "plus", "comma"):
        svc.set_scope_delimiter(link, name)
        assert svc.get_connector(link)["scope_delimiter"] == name
    error = violation(svc.set_scope_delimiter, link, "semicolon")
    assert error.field == "scope_delimiter"


def test_scopes_edit_delete_search_many(svc: Any) -> None:
    link = oauth_connector(svc, scopes=0)
    svc.add_scopes(link, [("Read contacts", "contacts.read"), ("Write contacts", "contacts.write"),
                          ("Read deals", "deals.read")])
    assert [s["value"] for s in svc.list_scopes(link, "contacts")] == ["contacts.read", "contacts.write"]
    assert [s["value"] for s in svc.list_scopes(link, "DEALS")] == ["deals.read"]
    assert svc.edit_scopes(link, [("contacts.read", "Read all contacts", "contacts.all"),
                                  ("deals.read", None, "deals.all")]) == 2
    assert [s["value"] for s in svc.list_scopes(link)] == ["contacts.all", "contacts.write", "deals.all"]
    error = violation(svc.edit_scopes, link, [("contacts.all", None, "contacts.write")])
    assert "would appear twice" in error.rule
    assert svc.delete_scopes(link, ["contacts.all", "deals.all"]) == 2
    assert [s["value"] for s in svc.list_scopes(link)] == ["contacts.write"]


def test_scopes_only_for_oauth(svc: Any) -> None:
    link = api_key_connector(svc)
    assert violation(svc.add_scopes, link, [("Read", "read")]).field == "scopes"


def test_scopes_locked_once_connections_exist(svc: Any) -> None:
    link = oauth_connector(svc, ready=True)
    svc.edit_scopes(link, [("scope.0", "Renamed", "scope.0")])
    svc.create_connection(link, "Prod")
    error = violation(svc.edit_scopes, link, [("scope.0", "Again", "scope.0")])
    assert error.field == "scopes" and "has connections (prod)" in error.rule
    assert "has connections" in violation(svc.delete_scopes, link, ["scope.0"]).rule
    assert "has connections" in violation(svc.set_scope_delimiter, link, "space").rule
    assert svc.add_scopes(link, [("New", "scope.new")]) == 1


# ---------------------------------------------------------------------------- delete and hosts


def test_delete_refused_while_connections_exist(svc: Any) -> None:
    link = api_key_connector(svc)
    svc.mark_ready(link)
    svc.create_connection(link, "Prod")
    svc.create_connection(link, "Staging")
    with pytest.raises(ConnectorError, match=r"cannot be deleted: it has connections \(prod, staging\)"):
        svc.delete_connector(link)
    svc.delete_connection("prod")
    svc.delete_connection("staging")
    svc.delete_connector(link)
    with pytest.raises(NotFoundError):
        svc.get_connector(link)


@pytest.mark.parametrize(("host", "rule"), [
    ("exa mple.com", "host name"),
    ("ftp://example.com", "scheme must be http or https"),
    ("example.com:99999", "port must be 1-65535"),
    ("-bad.example.com", "host name"),
])
def test_allowed_host_rules(svc: Any, host: str, rule: str) -> None:
    link = api_key_connector(svc)
    error = violation(svc.edit_connector, link, allowed_hosts=[host])
    assert error.field == "allowed_host" and rule in error.rule


def test_allowed_hosts_stored_and_injected_into_credentials(svc: Any) -> None:
    link = api_key_connector(svc)
    svc.edit_connector(link, allowed_hosts=["API.OpenWeatherMap.org", "https://*.example.com:8443", "localhost:8080"])
    svc.mark_ready(link)
    svc.create_connection(link, "Prod")
    svc.authorize_with_values("prod", {"appid": "k"})
    assert svc.credentials_for("prod").allowed_hosts == \
        ("api.openweathermap.org", "https://*.example.com:8443", "localhost:8080")


# ---------------------------------------------------------------------------- connections


@pytest.mark.parametrize(("link", "rule"), [
    ("Prod", "lowercase letter"),
    ("9prod", "lowercase letter"),
    ("prod-1", "only lowercase letters, digits and _"),
    ("p" * 51, "at most 50"),
])
def test_connection_link_name_rules(svc: Any, link: str, rule: str) -> None:
    api_key_connector(svc)
    svc.mark_ready("weather")
    error = violation(svc.create_connection, "weather", "Prod", link_name=link)
    assert error.field == "link_name" and rule in error.rule


def test_connection_link_name_unique_and_immutable(svc: Any) -> None:
    api_key_connector(svc)
    svc.mark_ready("weather")
    svc.create_connection("weather", "Weather prod", link_name="weather_prod")
    error = violation(svc.create_connection, "weather", "Other", link_name="weather_prod")
    assert "already used" in error.rule
    svc.rename_connection("weather_prod", "Production weather")
    info = svc.get_connection("weather_prod")
    assert (info["name"], info["link_name"]) == ("Production weather", "weather_prod")
    assert violation(svc.create_connection, "weather", "Bad #name").field == "name"


def test_connection_scopes_subset(svc: Any) -> None:
    link = oauth_connector(svc, ready=True, scopes=3)
    assert svc.create_connection(link, "All")["scopes"] == ["scope.0", "scope.1", "scope.2"]
    assert svc.create_connection(link, "Some", scopes=["scope.1"])["scopes"] == ["scope.1"]
    error = violation(svc.create_connection, link, "Bad", scopes=["scope.1", "admin.all"])
    assert error.field == "scopes" and "unknown: admin.all" in error.rule
    api_key_connector(svc)
    svc.mark_ready("weather")
    assert "only OAuth 2.0" in violation(svc.create_connection, "weather", "X", scopes=["a"]).rule


def test_changing_a_connections_scopes_sends_it_back_to_the_consent_screen(svc: Any, httpserver: Any) -> None:
    """Tokens granted for the old scopes are revoked at the provider and wiped; an unchanged
    choice keeps them; the choice stays within the connector's scopes."""
    from werkzeug import Response

    revoked: list[str] = []
    httpserver.expect_request("/revoke", method="POST").respond_with_handler(
        lambda request: revoked.append(request.form.get("token", "")) or Response("", 200))
    link = oauth_connector(svc, scopes=3)
    svc.configure_oauth(link, revoke_url=httpserver.url_for("/revoke"))
    svc.mark_ready(link)
    svc.create_connection(link, "Sales", scopes=["scope.0", "scope.1"])
    svc.save_tokens("sales", access_token="at-old-1", refresh_token="rt-old-1", expires_at=None, authorized=True)

    assert svc.set_connection_scopes("sales", ["scope.1", "scope.0"]) == []  # the same grant, another order
    info = svc.get_connection("sales")
    assert (info["status"], info["scopes"], revoked) == ("connected", ["scope.0", "scope.1"], [])

    assert svc.set_connection_scopes("sales", ["scope.2"]) == []
    info = svc.get_connection("sales")
    assert (info["scopes"], info["status"], info["access_token"], info["refresh_token"]) == \
        (["scope.2"], "not connected", None, None)
    assert revoked == ["rt-old-1"]  # the refresh token, revoked at the provider (RFC 7009)

    error = violation(svc.set_connection_scopes, "sales", ["scope.2", "admin.all"])
    assert error.field == "scopes" and "unknown: admin.all" in error.rule
    assert "at least one" in violation(svc.set_connection_scopes, "sales", []).rule
    api_key_connector(svc)
    svc.mark_ready("weather")
    svc.create_connection("weather", "Weather")
    assert "only OAuth 2.0" in violation(svc.set_connection_scopes, "weather", ["a"]).rule
    assert svc.get_connection("sales")["scopes"] == ["scope.2"]


def test_authorize_value_rules(svc: Any) -> None:
    api_key_connector(svc)
    svc.mark_ready("weather")
    svc.create_connection("weather", "Prod")
    assert "missing value for appid (App ID)" in violation(svc.authorize_with_values, "prod", {}).rule
    assert "unknown key(s) other" in violation(svc.authorize_with_values, "prod", {"other": "x"}).rule
    assert "masked placeholder" in violation(svc.authorize_with_values, "prod", {"appid": "••••"}).rule
    assert "line breaks" in violation(svc.authorize_with_values, "prod", {"appid": "a\nb"}).rule
    assert svc.get_connection("prod")["status"] == "not connected"
