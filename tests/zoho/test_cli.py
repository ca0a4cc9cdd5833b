"""The command line end to end against the contract fake: preset, self-client grant code,
run live with --record, --replay offline, and the usage errors of the Zoho options."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from cloudburst.cli import main

SCRIPT = '''
leads = zoho.crm.searchRecords("Leads", "(Lead_Source:equals:Web)");
for each lead in leads
{
    info lead.get("Last_Name") + " <" + lead.get("Email") + ">";
}
made = zoho.crm.createRecord("Leads", {"Last_Name": "From CLI"});
info made.get("id") != null;
'''


@pytest.fixture
def cli(tmp_path: Path):
    env = {"CLOUDBURST_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode(), "CLOUDBURST_CACHE_DIR": str(tmp_path / "cache")}

    def run(*argv: str, prompt=None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), stdout=out, stderr=err, environ=env, prompt=prompt)
        return code, out.getvalue(), err.getvalue()

    return run


def test_preset_grant_code_run_record_replay(cli, zoho, tmp_path):
    state = zoho.state
    code, out, err = cli("connector", "create", "Zoho CRM", "--preset", "zoho", "--dc", "eu", "--apps", "crm",
                         "--client-id", state.client_id, "--client-secret", "-", "--accounts-url", zoho.accounts,
                         prompt=lambda text, secret: state.client_secret)
    assert (code, out.strip()) == (0, "zoho_crm"), err
    assert cli("connection", "create", "zoho_crm", "My CRM", "--link-name", "my_crm")[0] == 0
    grant = state.issue_code(["ZohoCRM.modules.ALL", "ZohoSearch.securesearch.READ"])
    code, out, err = cli("connection", "authorize", "my_crm", "--grant-code", grant)
    assert code == 0 and out.strip() == f"my_crm: connected (API domain {zoho.api})", err
    code, out, err = cli("connection", "show", "my_crm", "--json")
    assert zoho.api in out and state.client_secret not in out

    script = tmp_path / "leads.dg"
    script.write_text(SCRIPT)
    rec = tmp_path / "rec"
    code, live, err = cli("run", str(script), "--record", str(rec))
    assert code == 0, err
    assert live.splitlines() == ["Doe <jane@example.com>", "Dane <dora@example.com>", "true"]
    assert err.strip() == "zoho: 2 API calls"

    code, replayed, err = cli("run", str(script), "--replay", str(rec), "--db", f"sqlite:///{tmp_path / 'other.db'}")
    assert (code, replayed) == (0, live) and err.strip() == "zoho: 2 API calls"


@pytest.mark.parametrize("argv, message", [
    (["run", "x.dg", "--replay", "r", "--record", "r2"], "excludes --record"),
    (["run", "x.dg", "--connection-for", "crm"], "--connection-for needs SERVICE=LINK"),
    (["run", "x.dg", "--connection-for", "zoho.desk=a"], "--connection-for needs SERVICE=LINK"),
    (["run", "x.dg", "--records", "f.json", "--record", "r"], "excludes --record"),
    (["run", "x.dg", "--replay", "missing-dir"], "does not exist"),
    (["connector", "create", "Z", "--preset", "zoho"], "needs --client-id and --client-secret"),
    (["connector", "create", "Z", "--preset", "zoho", "--dc", "mars", "--client-id", "1000.A",
      "--client-secret", "s"], "unknown Zoho data centre 'mars'"),
])
def test_usage_errors(cli, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.dg").write_text('info 1;')
    (tmp_path / "f.json").write_text('{}')
    code, _, err = cli(*argv)
    assert code == 2 and message in err


def test_grant_code_on_a_non_zoho_connection_is_refused(cli):
    cli("connector", "create", "Plain", "--auth", "oauth2")
    code, _, err = cli("connector", "oauth", "plain", "--client-id", "a", "--client-secret", "b",
                       "--authorize-url", "https://example.test/a", "--token-url", "https://example.test/t")
    cli("connector", "ready", "plain")
    cli("connection", "create", "plain", "P", "--link-name", "p")
    code, _, err = cli("connection", "authorize", "p", "--grant-code", "x")
    assert code != 0 and "only Zoho connections" in err
