"""Recorded HTTP exchanges answered without a network: ``cloudburst test`` gives a test's
``invokeurl`` calls the answers its fixture recorded, and refuses any request it did not
record, so a test can never reach a live service.

An exchange is ``{"request": {"method", "url", "params"?}, "response": {"status"?,
"headers"?, "json" | "body"}}``. A request matches on method and URL without its query;
``params`` given in the recording must all be present with those values (credentials a
connection adds to the query are ignored). Each exchange answers once, in order, and the
last one of a URL keeps answering (a polling loop sees its final state).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2

__all__ = ["ReplayTransport"]


class ReplayTransport(httpx2.BaseTransport):
    def __init__(self, exchanges: list[dict[str, Any]], origin: str) -> None:
        if not isinstance(exchanges, list):
            raise ValueError(f"{origin}: 'http' must be a list of recorded exchanges")
        self._origin = origin
        self._pending = [self._checked(i, e) for i, e in enumerate(exchanges)]
        self._used: list[dict[str, Any]] = []

    def _checked(self, index: int, exchange: Any) -> dict[str, Any]:
        where = f"{self._origin}: http[{index}]"
        if not isinstance(exchange, dict) or not isinstance(exchange.get("request"), dict):
            raise ValueError(f"{where}: an exchange needs a 'request' object")
        request = exchange["request"]
        if not isinstance(request.get("url"), str):
            raise ValueError(f"{where}: the request needs a 'url'")
        response = exchange.get("response", {})
        if not isinstance(response, dict):
            raise ValueError(f"{where}: 'response' must be an object")
        return exchange

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        for pool in (self._pending, self._used):
            for exchange in (pool if pool is self._pending else reversed(pool)):
                if self._matches(exchange["request"], request):
                    if pool is self._pending:
                        self._pending.remove(exchange)
                        self._used.append(exchange)
                    return self._answer(exchange.get("response", {}))
        url = request.url.copy_with(query=None)
        raise httpx2.ConnectError(f"no recorded answer for {request.method} {url} in {self._origin} "
                                  "(tests never reach the network: add the exchange to the fixture)",
                                  request=request)

    @staticmethod
    def _matches(recorded: dict[str, Any], request: httpx2.Request) -> bool:
        method = str(recorded.get("method", "GET")).upper()
        if method != request.method:
            return False
        want = httpx2.URL(recorded["url"])
        if want.copy_with(query=None) != request.url.copy_with(query=None):
            return False
        params = {**dict(want.params), **{k: str(v) for k, v in (recorded.get("params") or {}).items()}}
        return all(request.url.params.get(k) == v for k, v in params.items())

    @staticmethod
    def _answer(response: dict[str, Any]) -> httpx2.Response:
        headers = dict(response.get("headers") or {})
        if "json" in response:
            content = json.dumps(response["json"]).encode()
            headers.setdefault("content-type", "application/json")
        else:
            body = response.get("body", "")
            content = body.encode() if isinstance(body, str) else bytes(body)
        return httpx2.Response(int(response.get("status", 200)), headers=headers, content=content)
