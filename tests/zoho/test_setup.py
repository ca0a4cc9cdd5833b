"""Data centres, the connector preset, authorization and picking the connection."""

from __future__ import annotations

import httpx2
import pytest

from cloudburst import Runtime
from cloudburst.connectors.errors import ConnectorError
from cloudburst.errors import DelugeRuntimeError
from cloudburst.zoho import ZohoProvider
from cloudburst.zoho.datacentres import from_accounts_url, lookup
from cloudburst.zoho.setup import authorize_in_browser, authorize_with_grant_code, create_zoho_connector


@pytest.mark.parametrize("name, accounts, api", [
    ("us", "https://accounts.zoho.com", "https://www.zohoapis.com"),
    ("com", "https://accounts.zoho.com", "https://www.zohoapis.com"),
    ("EU", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    ("com.au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    ("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    ("cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
])
def test_data_centres(name, accounts, api):
    dc = lookup(name)
    assert (dc.accounts, dc.api_domain) == (accounts, api)
    assert from_accounts_url(dc.token_url) == dc


def test_unknown_data_centre_lists_the_choices():
    with pytest.raises(ValueError, match="unknown Zoho data centre 'mars' .*eu"):
        lookup("mars")


def test_preset_connector_is_ready_with_zoho_details(store, zoho):
    info = store.get_connector("zoho_eu")
    assert info["stage"] == "Ready" and info["oauth"]["bearer_name"] == "Zoho-oauthtoken"
    assert info["oauth"]["token_url"] == f"{zoho.accounts}/oauth/v2/token"
    assert "access_type=offline" in info["oauth"]["authorize_url"]
    assert [s["value"] for s in info["scopes"]][:2] == ["ZohoCRM.modules.ALL", "ZohoSearch.securesearch.READ"]
    assert store.connection_properties("my_crm")["api_domain"] == zoho.api


def test_preset_refuses_unknown_apps_and_leaves_nothing_behind(store, zoho):
    with pytest.raises(ValueError, match="unknown Zoho app 'desk'"):
        create_zoho_connector(store, "Bad", link_name="zoho_bad", apps=["desk"], client_id="1000.X",
                              client_secret="s")
    assert all(c["link_name"] != "zoho_bad" for c in store.list_connectors())


def test_grant_code_errors_are_explained(store, zoho, table):
    create_zoho_connector(store, "Zoho codes", link_name="zoho_codes", dc="eu", client_id=zoho.state.client_id,
                          client_secret=zoho.state.client_secret, table=table)
    store.create_connection("zoho_codes", "Codes", link_name="codes")
    try:
        with pytest.raises(ConnectorError, match="invalid, already used, or expired"):
            authorize_with_grant_code(store, "codes", "1000.not-a-code")
        code = zoho.state.issue_code(["ZohoCRM.modules.ALL"])
        summary = authorize_with_grant_code(store, "codes", code)
        assert summary["api_domain"] == zoho.api and summary["refresh_token"] is True
        with pytest.raises(ConnectorError, match="invalid, already used"):
            authorize_with_grant_code(store, "codes", code)
    finally:
        store.delete_connection("codes")
        store.delete_connector("zoho_codes")


def test_browser_flow_honours_api_domain_and_refuses_another_dc(store, zoho, table, tmp_path):
    import io
    import threading

    create_zoho_connector(store, "Zoho browser", link_name="zoho_web", dc="eu", client_id=zoho.state.client_id,
                          client_secret=zoho.state.client_secret, table=table)
    store.create_connection("zoho_web", "Web", link_name="web")
    out = io.StringIO()

    def browse() -> None:  # plays the user's browser: open the printed address, follow the redirect
        for _ in range(200):
            if "http" in out.getvalue():
                break
            threading.Event().wait(0.02)
        url = out.getvalue().splitlines()[1]
        with httpx2.Client(follow_redirects=True) as browser:
            browser.get(url)

    try:
        thread = threading.Thread(target=browse)
        thread.start()
        summary = authorize_in_browser(store, "web", out=out, open_browser=False, timeout=20, table=table)
        thread.join()
        assert summary["api_domain"] == zoho.api
        assert store.get_connection("web")["status"] == "connected"
        assert "scope=ZohoCRM.modules.ALL%2CZohoSearch.securesearch.READ" in out.getvalue()
        zoho.state.accounts, real = "https://accounts.zoho.com", zoho.state.accounts
        try:
            out.truncate(0), out.seek(0)
            thread = threading.Thread(target=browse)
            thread.start()
            with pytest.raises(ConnectorError, match="lives in the US data centre.*--dc us"):
                authorize_in_browser(store, "web", out=out, open_browser=False, timeout=20, table=table)
            thread.join()
        finally:
            zoho.state.accounts = real
    finally:
        store.delete_connection("web")
        store.delete_connector("zoho_web")


def test_default_connection_is_the_one_zoho_connection(zoho, store, table, tmp_path):
    rt = Runtime(store=store.database_url, secret_keys=[store.secret_key_for_tests])
    try:
        ZohoProvider.live(rt, table=table).install(rt)
        assert rt.run('return zoho.crm.getRecords("Leads").size();').python_value() == 3
        create_zoho_connector(store, "Zoho second", link_name="zoho_two", dc="eu", client_id=zoho.state.client_id,
                              client_secret=zoho.state.client_secret, table=table)
        store.create_connection("zoho_two", "Second", link_name="second")
        authorize_with_grant_code(store, "second", zoho.state.issue_code(["ZohoCRM.modules.ALL"]))
        ZohoProvider.live(rt, table=table).install(rt)
        with pytest.raises(DelugeRuntimeError, match=r"several Zoho connections .*\(my_crm, second\)"):
            rt.run('x = zoho.crm.getRecords("Leads");')
        assert rt.run('return zoho.crm.getRecords("Leads", 1, 200, Map(), "second").size();').python_value() == 3
        with pytest.raises(DelugeRuntimeError, match='connection "nope" does not exist'):
            rt.run('x = zoho.crm.getRecords("Leads", 1, 200, Map(), "nope");')
    finally:
        rt.close()
        for link, connector in (("second", "zoho_two"),):
            if any(c["link_name"] == link for c in store.list_connections()):
                store.delete_connection(link)
                store.delete_connector(connector)


def test_accounts_url_replaces_the_dc_accounts_server(store, zoho):
    info = create_zoho_connector(store, "Zoho proxied", link_name="zoho_px", dc="in", client_id="1000.A",
                                 client_secret="s", accounts_url=zoho.accounts + "/")
    try:
        assert info["oauth"]["token_url"] == f"{zoho.accounts}/oauth/v2/token"
        assert info["oauth"]["revoke_url"] == f"{zoho.accounts}/oauth/v2/token/revoke"
    finally:
        store.delete_connector("zoho_px")
