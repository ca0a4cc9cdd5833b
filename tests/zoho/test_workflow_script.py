"""A script in the style Zoho developers write, run live, recorded, replayed, and against
the fixture store with the same task names (versioned ones included)."""

from __future__ import annotations

from cloudburst import Runtime
from cloudburst.records import RecordStore
from cloudburst.zoho import ZohoProvider, install_record_store

FOLLOW_UP = '''
hot = zoho.crm.searchRecords("Leads", "(Lead_Source:equals:Web)");
created = List();
for each lead in hot
{
    if(lead.get("Annual_Revenue") >= 100000)
    {
        deal = Map();
        deal.put("Deal_Name", lead.get("Last_Name") + " - follow up");
        deal.put("Stage", "Qualification");
        resp = zoho.crm.v8.createRecord("Deals", deal, {"trigger": ["workflow"]});
        if(resp.get("id") != null)
        {
            created.add(resp.get("id"));
            upd = zoho.crm.updateRecord("Leads", lead.get("id"), {"Lead_Status": "Contacted"});
        }
    }
}
info "deals: " + created.size();
'''


def test_follow_up_script_live_then_replayed(runtime, zoho, table, tmp_path):
    provider = ZohoProvider.live(runtime, connection_for={"zoho.crm": "my_crm"}, table=table, record=tmp_path / "r")
    provider.install(runtime)
    assert runtime.run(FOLLOW_UP).info == ["deals: 2"]
    assert provider.calls == 5  # one search, two creates, two updates
    assert [d["Deal_Name"] for d in zoho.state.crm["Deals"]] == ["Doe - follow up", "Dane - follow up"]
    assert {r["Last_Name"]: r.get("Lead_Status") for r in zoho.state.crm["Leads"]}["Dane"] == "Contacted"

    offline = Runtime(network=False)
    ZohoProvider.replay(tmp_path / "r").install(offline)
    assert offline.run(FOLLOW_UP).info == ["deals: 2"]


def test_the_same_script_runs_on_the_fixture_store():
    store = RecordStore({"crm": {"Leads": [
        {"id": "4150868000001234567", "Last_Name": "Doe", "Lead_Source": "Web", "Annual_Revenue": 250000},
        {"id": "4150868000001234568", "Last_Name": "Roe", "Lead_Source": "Web", "Annual_Revenue": 10}]}})
    rt = Runtime(network=False)
    install_record_store(store, rt)
    assert rt.run(FOLLOW_UP).info == ["deals: 1"]
    assert store.dump()["crm"]["Deals"][0]["Deal_Name"] == "Doe - follow up"
