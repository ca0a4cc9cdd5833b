"""One contract fake of Zoho, one connector store and one runtime for the whole session;
each test starts from freshly seeded Zoho data and a new provider."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).parent))

from fake_zoho import FakeZoho  # noqa: E402

from cloudburst import Runtime  # noqa: E402
from cloudburst.zoho import ZohoProvider  # noqa: E402
from cloudburst.zoho.datacentres import with_overrides  # noqa: E402
from cloudburst.zoho.live import RetryPolicy  # noqa: E402
from cloudburst.zoho.setup import authorize_with_grant_code, create_zoho_connector  # noqa: E402

LEADS = [
    {"id": "5550000000100001", "Last_Name": "Doe", "First_Name": "Jane", "Email": "jane@example.com",
     "Lead_Source": "Web", "Annual_Revenue": 250000},
    {"id": "5550000000100002", "Last_Name": "Roe", "First_Name": "Rick", "Email": "rick@example.com",
     "Lead_Source": "Trade Show", "Annual_Revenue": 90000},
    {"id": "5550000000100003", "Last_Name": "Dane", "First_Name": "Dora", "Email": "dora@example.com",
     "Lead_Source": "Web", "Annual_Revenue": 120000},
]


def seed(state: Any) -> None:
    state.reset()
    state.crm.update({"Leads": [dict(r) for r in LEADS], "Contacts": [], "Accounts": [], "Deals": []})
    state.related[("leads", "5550000000100001", "notes")] = [
        {"id": "5550000000300001", "Note_Title": "Call", "Note_Content": "Called twice"},
        {"id": "5550000000300002", "Note_Title": "Mail", "Note_Content": "Sent brochure"}]
    state.related[("leads", "5550000000100002", "notes")] = []
    state.books["contacts"] = [{"contact_id": "460000000026049", "contact_name": "Acme", "email": "ap@acme.test"},
                               {"contact_id": "460000000026050", "contact_name": "Bolt", "email": "ap@bolt.test"}]
    state.creator["all_orders"] = [{"ID": "3891000000012345678", "Status": "Open", "Total": "120"},
                                   {"ID": "3891000000012345679", "Status": "Closed", "Total": "80"}]


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeZoho]:
    server = FakeZoho()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def table(fake: FakeZoho) -> Any:
    # The EU data centre's accounts server is the fake; its default API domain is a closed
    # port, so only a client honouring the token answer's api_domain reaches the fake's API.
    return with_overrides({"eu": (fake.accounts, "http://127.0.0.1:9")})


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory, fake: FakeZoho, table: Any) -> Iterator[Any]:
    from cloudburst.connectors.service import ConnectorService

    key = Fernet.generate_key().decode()
    path = tmp_path_factory.mktemp("zoho") / "store.db"
    svc = ConnectorService(f"sqlite:///{path}", secret_keys=[key])
    svc.secret_key_for_tests = key
    create_zoho_connector(svc, "Zoho", link_name="zoho_eu", dc="eu", apps=["crm", "books", "creator"],
                          client_id=fake.state.client_id, client_secret=fake.state.client_secret, table=table)
    svc.create_connection("zoho_eu", "My CRM", link_name="my_crm")
    authorize_with_grant_code(svc, "my_crm", fake.state.issue_code(svc.get_connection("my_crm")["scopes"]))
    yield svc
    svc.close()


@pytest.fixture(scope="session")
def runtime(store: Any) -> Iterator[Runtime]:
    rt = Runtime(store=store.database_url, secret_keys=[store.secret_key_for_tests])
    yield rt
    rt.close()


@pytest.fixture
def zoho(fake: FakeZoho, runtime: Runtime, table: Any) -> FakeZoho:
    seed(fake.state)
    provider = ZohoProvider.live(runtime, connection_for={"zoho": "my_crm"}, table=table,
                                 retry=RetryPolicy(attempts=3, first_delay=0.01))
    provider.install(runtime)
    fake.provider = provider  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def run(runtime: Runtime, zoho: FakeZoho) -> Any:
    def run(source: str, **inputs: Any) -> Any:
        return runtime.run(source, inputs).python_value()

    return run
