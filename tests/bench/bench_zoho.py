"""Per-call cost of a Zoho task over a real connection (SQLite store, OAuth token, the
contract fake on 127.0.0.1) against the same GET made with a bare shared httpx2 client.

Run: python tests/bench/bench_zoho.py [--calls 200] [--rounds 5]
Prints milliseconds per call for both (median of the rounds) and their ratio. The fake runs
in this process, so both sides share the GIL with it alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "zoho"))

from fake_zoho import FakeZoho  # noqa: E402

from cloudburst.connectors.service import ConnectorService  # noqa: E402
from cloudburst.engine import Runtime  # noqa: E402
from cloudburst.execution import Limits  # noqa: E402
from cloudburst.zoho import ZohoProvider  # noqa: E402
from cloudburst.zoho.datacentres import with_overrides  # noqa: E402
from cloudburst.zoho.setup import authorize_with_grant_code, create_zoho_connector  # noqa: E402

LEAD = "5550000000100001"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    fake = FakeZoho()
    fake.state.crm["Leads"] = [{"id": LEAD, "Last_Name": "Doe"}]
    url = f"sqlite:///{tempfile.mkdtemp()}/store.db"
    key = Fernet.generate_key().decode()
    svc = ConnectorService(url, secret_keys=[key])
    table = with_overrides({"eu": (fake.accounts, "http://127.0.0.1:9")})
    create_zoho_connector(svc, "Zoho", link_name="zoho", dc="eu", client_id=fake.state.client_id,
                          client_secret=fake.state.client_secret, table=table)
    svc.create_connection("zoho", "CRM", link_name="crm")
    authorize_with_grant_code(svc, "crm", fake.state.issue_code(["ZohoCRM.modules.ALL"]))
    token = svc.credentials_for("crm").access_token
    runtime = Runtime(store=url, secret_keys=[key])
    ZohoProvider.live(runtime, table=table).install(runtime)
    script = runtime.compile(f'for each i in leftpad("", {args.calls}).toList("") '
                             f'{{ r = zoho.crm.getRecordById("Leads", {LEAD}); }}')
    limits = Limits(max_statements=None, timeout=None)
    client = httpx2.Client()
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}

    def task_round() -> float:
        start = time.perf_counter()
        script.run(limits=limits)
        return (time.perf_counter() - start) / args.calls * 1000

    def bare_round() -> float:
        start = time.perf_counter()
        for _ in range(args.calls):
            client.get(f"{fake.api}/crm/v2/Leads/{LEAD}", headers=headers).json()
        return (time.perf_counter() - start) / args.calls * 1000

    task_round(), bare_round()  # warm-up: connection pool, compiled script, token
    task = statistics.median(task_round() for _ in range(args.rounds))
    bare = statistics.median(bare_round() for _ in range(args.rounds))
    print(f"zoho.crm.getRecordById: {task:.2f} ms/call; bare httpx2 GET: {bare:.2f} ms/call; "
          f"ratio {task / bare:.2f}")
    client.close()
    runtime.close()
    svc.close()
    fake.stop()


if __name__ == "__main__":
    main()
