"""One process of the concurrency test: N calls to /me through one OAuth connection.

Usage: python concurrency_worker.py DB_URL SECRET_KEY URL LINK CALLS PAUSE START
(START: epoch seconds at which all workers make their first call together)
Prints one JSON line: {"ok": n, "errors": [messages]}.
"""

from __future__ import annotations

import json
import sys
import time

from cloudburst.connectors.service import ConnectorService
from cloudburst.errors import DelugeRuntimeError
from cloudburst.execution import Execution, Limits
from cloudburst.http import HttpService, HttpSettings
from cloudburst.values import DelugeMap


def main() -> None:
    db_url, key, url, link, calls, pause, start = sys.argv[1:8]
    store = ConnectorService(db_url, secret_keys=[key])
    http = HttpService(connection_service=lambda: store, settings=HttpSettings(refresh_margin=0.5))
    ok, errors = 0, []
    time.sleep(max(0.0, float(start) - time.time()))
    for _ in range(int(calls)):
        try:
            result = http.invoke(Execution(limits=Limits(timeout=None)), {"url": url, "connection": link})
            if result == DelugeMap(sub="alice"):
                ok += 1
            else:
                errors.append(f"unexpected answer {result!r}")
        except DelugeRuntimeError as exc:
            errors.append(exc.message)
        time.sleep(float(pause))
    print(json.dumps({"ok": ok, "errors": errors}))


if __name__ == "__main__":
    main()
