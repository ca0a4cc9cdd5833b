"""``Workflows``: the one object the server, the CLI and the workers use — functions,
schedules, webhooks, runs and leases over one store, and the runtime runs are executed with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from cloudburst.workflows.clock import Clock
from cloudburst.workflows.functions import Functions
from cloudburst.workflows.inputs import check_inputs
from cloudburst.workflows.lease import Leases
from cloudburst.workflows.runs import Runs
from cloudburst.workflows.schedules import Schedules
from cloudburst.workflows.store import WorkflowStore
from cloudburst.workflows.webhooks import Webhooks

if TYPE_CHECKING:
    from cloudburst.engine import Runtime
    from cloudburst.execution import Limits

__all__ = ["Workflows"]


class Workflows:
    """Everything the workflow runtime keeps, in the store at ``database_url``.

    ``secret_keys`` open the connections scripts use; ``limits`` apply to every run (default:
    Deluge's 5,000 statements and one minute, as a Zoho CRM function).
    """

    def __init__(self, database_url: str | None = None, *, secret_keys: Sequence[str] | None = None,
                 clock: Clock | None = None, limits: Limits | None = None, timezone: str | None = None) -> None:
        self.store = WorkflowStore(database_url, clock=clock)
        self.secret_keys = list(secret_keys) if secret_keys is not None else None
        self.limits = limits
        self.timezone = timezone
        self.functions = Functions(self.store)
        self.runs = Runs(self.store)
        self.schedules = Schedules(self.store, self.functions)
        self.webhooks = Webhooks(self.store, self.functions)
        self.leases = Leases(self.store)

    @property
    def clock(self) -> Clock:
        return self.store.clock

    def request_run(self, function: str, inputs: Any, trigger: str = "manual", *,
                    retry_of: int | None = None) -> int:
        """Queue a run of ``function``'s current version once ``inputs`` are known to fit it."""
        from cloudburst.workflows.functions import deployed_in
        from cloudburst.workflows.runs import new_run

        with self.store.tx() as s:  # one transaction: the version checked is the version queued
            deployed = deployed_in(s, function)
            row = new_run(deployed.name, check_inputs(deployed.parameters, inputs), trigger, self.store.now(),
                          version=deployed.version, retry_of=retry_of)
            s.add(row)
            s.flush()
            assert row.id is not None
            return row.id

    def retry(self, run_id: int) -> int:
        """A new run of the same function (current version) with the same inputs."""
        function, inputs = self.runs.raw_inputs(run_id)
        return self.request_run(function, inputs, "retry", retry_of=run_id)

    def on_failure_run(self, run_id: int, function: str) -> int | None:
        """Queue the failed function's ``on_failure`` handler with the run's record as input."""
        handler = self.functions.on_failure(function)
        if not handler:
            return None
        from cloudburst.workflows.errors import WorkflowError

        record = self.runs.get(run_id)
        try:
            deployed = self.functions.current(handler)
        except WorkflowError as exc:
            self.runs.create(handler, {}, "failure", status="failed", retry_of=run_id,
                             error=f"on_failure handler of run {run_id} cannot run: {exc.message}")
            return None
        name = deployed.parameters[0][0] if len(deployed.parameters) == 1 else "run"
        return self.runs.create(handler, {name: record}, "failure", version=deployed.version, retry_of=run_id,
                                note=f"on_failure handler of run {run_id}")

    def new_runtime(self) -> Runtime:
        """The runtime runs execute in: this store's connections, network on."""
        from cloudburst.engine import Runtime

        return Runtime(store=self.store.database_url, secret_keys=self.secret_keys, limits=self.limits,
                       timezone=self.timezone)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workflows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
