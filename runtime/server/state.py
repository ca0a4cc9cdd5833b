"""What every route needs: the workflows, the executor runs are submitted to, the waiter for
synchronous answers, and the server's limits and admin token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudburst.server.completion import Completion

if TYPE_CHECKING:
    from starlette.requests import Request

    from cloudburst.workflows.executor import Executor
    from cloudburst.workflows.service import Workflows

__all__ = ["ServerState", "state_of"]


@dataclass
class ServerState:
    workflows: Workflows
    executor: Executor
    #: Required (``Authorization: Bearer TOKEN``) on the JSON API when set; ``serve`` sets one
    #: whenever it listens beyond loopback.
    admin_token: str | None = None
    #: Largest request body accepted (bytes).
    max_body: int = 1024 * 1024
    #: How long a synchronous webhook waits for its run before answering with the run id.
    sync_timeout: float = 65.0
    completion: Completion = field(init=False)

    def __post_init__(self) -> None:
        self.completion = Completion(self.workflows.runs.get)


def state_of(request: Request) -> ServerState:
    state: Any = request.app.state.cloudburst
    return state  # type: ignore[no-any-return]
