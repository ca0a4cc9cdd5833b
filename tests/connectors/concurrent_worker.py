"""Run in a separate process by test_store: create connections as fast as possible."""

from __future__ import annotations

import sys

from cloudburst.connectors.service import ConnectorService


def main(url: str, key: str, prefix: str, count: int) -> None:
    with ConnectorService(url, secret_keys=[key]) as svc:
        for i in range(count):
            svc.create_connection("weather", f"{prefix} {i}", link_name=f"{prefix}_{i}")
            svc.authorize_with_values(f"{prefix}_{i}", {"appid": f"value-{prefix}-{i}"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
