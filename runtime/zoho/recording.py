"""Recordings of Zoho exchanges: ``--record DIR`` keeps every request and answer of a run,
``--replay DIR`` answers the same requests from them without any network or connection.

One JSON file per exchange, numbered in call order. A request is stored by its
credential-free key (:meth:`ZohoRequest.key`); answer bodies pass through the redactor,
so a token that a server echoed back is stored masked. Replay matches a request by its
key and hands out the recorded answers for equal keys in their recorded order.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from cloudburst.errors import ConfigurationError, DelugeRuntimeError
from cloudburst.http.redact import REDACTOR
from cloudburst.zoho.wire import Transport, ZohoAnswer, ZohoRequest

__all__ = ["Recorder", "Replayer"]

FORMAT = "cloudburst-zoho-exchange"
_KEPT_HEADERS = ("content-type", "retry-after")


def _canonical(key: dict[str, Any]) -> str:
    return json.dumps(key, sort_keys=True, ensure_ascii=False)


class Recorder:
    """Sends through ``inner`` and writes each exchange into ``directory``."""

    def __init__(self, inner: Transport, directory: str | Path) -> None:
        self._inner = inner
        self._dir = Path(directory)
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(f"cannot create the recording directory {self._dir}: {exc.strerror}") from None
        existing = sorted(self._dir.glob("*.json"))
        self._next = len(existing) + 1

    def send(self, request: ZohoRequest) -> ZohoAnswer:
        answer = self._inner.send(request)
        record = {
            "format": FORMAT, "version": 1, "task": request.task, "request": request.key(),
            "response": {
                "status": answer.status,
                "headers": [[k, v] for k, v in answer.headers if k.lower() in _KEPT_HEADERS],
                "body": REDACTOR.redact(answer.text),
            },
        }
        path = self._dir / f"{self._next:04d}.json"
        self._next += 1
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, indent=1, ensure_ascii=False)
                fh.write("\n")
        except OSError as exc:
            raise DelugeRuntimeError(f"{request.task}: cannot write the recording {path}: {exc.strerror}") from None
        return answer


class Replayer:
    """Answers requests from a recording directory; an unrecorded request is an error."""

    def __init__(self, directory: str | Path) -> None:
        self._dir = Path(directory)
        if not self._dir.is_dir():
            raise ConfigurationError(f"the replay directory {self._dir} does not exist")
        self._answers: dict[str, deque[ZohoAnswer]] = defaultdict(deque)
        self._count = 0
        for path in sorted(self._dir.glob("*.json")):
            self._load(path)

    def _load(self, path: Path) -> None:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("format") != FORMAT:
                raise ValueError(f'expected "format": "{FORMAT}"')
            response = record["response"]
            answer = ZohoAnswer(int(response["status"]), str(response["body"]),
                                tuple((str(k), str(v)) for k, v in response.get("headers", [])))
            self._answers[_canonical(record["request"])].append(answer)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(f"cannot read the recorded exchange {path}: {exc}") from None
        self._count += 1

    def send(self, request: ZohoRequest) -> ZohoAnswer:
        queue = self._answers.get(_canonical(request.key()))
        if not queue:
            raise DelugeRuntimeError(
                f"{request.task}: the recording in {self._dir} has no answer for {request.describe()}"
                f"{_query_text(request)} ({self._count} exchanges recorded); record the run again with --record")
        return queue.popleft()


def _query_text(request: ZohoRequest) -> str:
    if not request.query:
        return ""
    return "?" + "&".join(f"{k}={v}" for k, v in request.query)
