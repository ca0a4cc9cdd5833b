"""RecordStore installed on a Runtime, and `cloudburst run --records` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cloudburst
from cloudburst.errors import DelugeRuntimeError
from cloudburst.records import RecordStore

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LEAD = "4150868000001234567"


def runtime_with_store() -> tuple[cloudburst.Runtime, RecordStore]:
    store = RecordStore(json.loads((HERE / "fixture.json").read_text(encoding="utf-8")))
    rt = cloudburst.Runtime(network=False)
    store.install(rt)
    return rt, store


def test_script_sees_records_as_deluge_values() -> None:
    rt, _ = runtime_with_store()
    result = rt.run(f'r = zoho.crm.getRecordById("Leads", {LEAD});\n'
                    'info r.get("id");\ninfo r.get("Last_Name");\n'
                    'info zoho.CRM.searchRecords("Leads", "(Lead_Source:equals:Web)").size();')
    assert result.info == [LEAD, "Doe", "2"]


def test_bad_arguments_become_catchable_runtime_errors() -> None:
    rt, _ = runtime_with_store()
    with pytest.raises(DelugeRuntimeError, match="criteria"):
        rt.run('zoho.crm.searchRecords("Leads", "Last_Name:equals:Doe");')
    result = rt.run('try { zoho.crm.getRecordById("Leads", "abc"); } catch (e) { info "caught"; }')
    assert result.info == ["caught"]


def test_unknown_tasks_still_say_not_configured() -> None:
    rt, _ = runtime_with_store()
    with pytest.raises(DelugeRuntimeError, match="integration task 'zoho.crm.convertLead' is not configured"):
        rt.run(f'zoho.crm.convertLead({LEAD}, Map());')


def cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CLOUDBURST_CACHE_DIR=str(tmp / "cache"))
    return subprocess.run([sys.executable, "-m", "cloudburst", "run", *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)


def test_cli_runs_a_crm_script_and_writes_the_final_state(tmp_path: Path) -> None:
    out = tmp_path / "state.json"
    proc = cli(tmp_path, str(HERE / "qualify_leads.dg"), "--records", str(HERE / "fixture.json"),
               "--records-out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["candidates: 1", f"qualified {LEAD}", "deal id length 19", "notes: 1",
                                        "missing empty: true", "page size: 2"]
    state = json.loads(out.read_text(encoding="utf-8"))
    leads = {r["id"]: r for r in state["crm"]["Leads"]}
    assert leads[LEAD]["Lead_Status"] == "Qualified" and "Modified_Time" in leads[LEAD]
    assert leads["4150868000001234569"]["Lead_Status"] == "Contacted"
    [deal] = state["crm"]["Deals"]
    assert deal["Deal_Name"] == "Doe deal" and deal["Amount"] == 250000 and deal["Lead_Id"] == LEAD
    assert len(deal["id"]) == 19 and deal["id"] not in leads


def test_cli_without_records_goes_live_and_says_how_to_connect(tmp_path: Path) -> None:
    proc = cli(tmp_path, str(HERE / "qualify_leads.dg"), "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert proc.returncode == 1
    assert "zoho.crm.searchRecords: no connected Zoho connection has crm scopes" in proc.stderr
    assert "--preset zoho" in proc.stderr and "--records" in proc.stderr


@pytest.mark.parametrize("args, message", [
    (["--records", "missing.json"], "cannot read --records file"),
    (["--records-out", "x.json"], "--records-out needs --records"),
])
def test_cli_records_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    proc = cli(tmp_path, str(HERE / "qualify_leads.dg"), *args)
    assert proc.returncode == 2 and message in proc.stderr


def test_cli_refuses_a_malformed_fixture(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"crm": []}', encoding="utf-8")
    proc = cli(tmp_path, str(HERE / "qualify_leads.dg"), "--records", str(bad))
    assert proc.returncode == 2 and "--records:" in proc.stderr


def test_cli_reports_an_unwritable_state_file(tmp_path: Path) -> None:
    proc = cli(tmp_path, str(HERE / "qualify_leads.dg"), "--records", str(HERE / "fixture.json"),
               "--records-out", str(tmp_path / "no" / "such" / "dir" / "state.json"))
    assert "cannot write --records-out file" in proc.stderr and "Traceback" not in proc.stderr
