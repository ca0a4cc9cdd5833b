"""--record keeps every Zoho exchange without secrets; --replay answers from it offline."""

from __future__ import annotations

import json

import pytest

from cloudburst import Runtime
from cloudburst.errors import ConfigurationError, DelugeRuntimeError
from cloudburst.zoho import ZohoProvider

SCRIPT = '''
leads = zoho.crm.getRecords("Leads", 1, 200);
made = zoho.crm.createRecord("Leads", {"Last_Name": "Recorded"});
again = zoho.crm.getRecordById("Leads", made.get("id"));
info leads.size() + " " + again.get("Last_Name");
'''


def test_record_then_replay_offline_gives_the_same_run(runtime, zoho, store, table, tmp_path):
    rec_dir = tmp_path / "rec"
    recorder = ZohoProvider.live(runtime, connection_for={"zoho": "my_crm"}, table=table, record=rec_dir)
    recorder.install(runtime)
    live = runtime.run(SCRIPT).info
    assert live == ["3 Recorded"] and recorder.calls == 3
    files = sorted(rec_dir.glob("*.json"))
    assert [f.name for f in files] == ["0001.json", "0002.json", "0003.json"]
    text = "".join(f.read_text() for f in files)
    for secret in store.credentials_for("my_crm").secret_values():
        assert secret not in text
    assert "Zoho-oauthtoken" not in text and zoho.api not in text
    first = json.loads(files[1].read_text())
    assert first["request"]["method"] == "POST" and first["request"]["path"] == "/crm/v2/Leads"

    offline = Runtime(network=False)  # no network, no connection store
    player = ZohoProvider.replay(rec_dir)
    player.install(offline)
    before = len(zoho.state.log)
    assert offline.run(SCRIPT).info == live
    assert player.calls == 3 and len(zoho.state.log) == before


def test_replay_refuses_an_unrecorded_request_naming_it(tmp_path):
    (tmp_path / "0001.json").write_text(json.dumps({
        "format": "cloudburst-zoho-exchange", "version": 1, "task": "zoho.crm.getRecordById",
        "request": {"service": "crm", "method": "GET", "path": "/crm/v2/Leads/1", "query": [], "body": None,
                    "form": None, "files": []},
        "response": {"status": 200, "headers": [], "body": '{"data":[{"id":"1","Last_Name":"X"}]}'}}))
    rt = Runtime(network=False)
    ZohoProvider.replay(tmp_path).install(rt)
    assert rt.run('return zoho.crm.getRecordById("Leads", 1);').python_value() == {"id": "1", "Last_Name": "X"}
    with pytest.raises(DelugeRuntimeError, match=r"no answer for GET /crm/v2/Leads/2 \(1 exchanges recorded\)"):
        rt.run('x = zoho.crm.getRecordById("Leads", 2);')


def test_replay_of_a_missing_or_broken_directory_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="does not exist"):
        ZohoProvider.replay(tmp_path / "nope")
    (tmp_path / "0001.json").write_text("{not json")
    with pytest.raises(ConfigurationError, match="0001.json"):
        ZohoProvider.replay(tmp_path)
