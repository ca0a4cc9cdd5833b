"""``zoho.creator.createRecord`` / ``getRecords`` / ``updateRecord`` served from the form
store, answering as the ``--records`` fixture store does (:mod:`cloudburst.records`): the
same response maps, the same criteria text rules, IDs as digit text. A report is the form
of the same name. Inside a run the tasks share the run's transaction.
"""

from __future__ import annotations

from typing import Any, Callable

from cloudburst.execution import current
from cloudburst.forms.fields import export_value
from cloudburst.forms.store import FormSession, FormStore
from cloudburst.records import page_args, parse_creator_criteria, record_id_arg, text_arg
from cloudburst.values import from_python

__all__ = ["CreatorTasks"]

_EVERY = ("value", True)


class CreatorTasks:
    def __init__(self, store: FormStore) -> None:
        self.store = store

    def install(self, runtime: Any) -> None:
        for name, fn in self.tasks().items():
            runtime.register_integration(name, fn)

    def tasks(self) -> dict[str, Callable[..., Any]]:
        return {"zoho.creator.createRecord": self.create_record, "zoho.creator.getRecords": self.get_records,
                "zoho.creator.updateRecord": self.update_record}

    def _with_session(self, work: Callable[[FormSession], Any]) -> Any:
        ctx = current()
        runtime = ctx.runtime if ctx is not None else None
        if ctx is not None and runtime is not None and runtime.form_store() is self.store:
            from cloudburst.forms.access import session_of

            return work(session_of(ctx, "zoho.creator"))
        session = self.store.session(ctx)
        try:
            result = work(session)
        except BaseException:
            session.close(False)
            raise
        session.close(True)
        return result

    def create_record(self, owner: Any, app: Any, form: Any, data: Any, *_: Any) -> dict[str, Any]:
        form = text_arg(form, "creator.createRecord: form")
        if not isinstance(data, dict):
            raise ValueError(f"creator.createRecord: data must be a KEY-VALUE map, got {type(data).__name__}")
        values = {str(k): from_python(v) for k, v in data.items()}
        new_id = self._with_session(lambda s: s.insert(form, values))
        return {"code": 3000, "data": {"ID": str(new_id)}, "message": "Data Added Successfully"}

    def get_records(self, owner: Any, app: Any, report: Any, criteria: Any = "", page: Any = 1,
                    per_page: Any = 200, *_: Any) -> dict[str, Any]:
        report = text_arg(report, "creator.getRecords: report")
        test = parse_creator_criteria(criteria if criteria is not None else "")
        page, per_page = page_args(page, per_page, "creator.getRecords")

        def read(session: FormSession) -> list[dict[str, Any]]:
            return [_plain(r) for r in session.fetch((report, _EVERY, None, False, None, None))]

        rows = [r for r in self._with_session(read) if test(r)][(page - 1) * per_page:page * per_page]
        if not rows:
            return {"code": 9280, "description": "No records found for the given criteria."}
        return {"code": 3000, "data": rows}

    def update_record(self, owner: Any, app: Any, report: Any, record_id: Any, data: Any,
                      *_: Any) -> dict[str, Any]:
        report = text_arg(report, "creator.updateRecord: report")
        rid = record_id_arg(record_id, "creator.updateRecord: id")
        if not isinstance(data, dict):
            raise ValueError(f"creator.updateRecord: data must be a KEY-VALUE map, got {type(data).__name__}")

        def change(session: FormSession) -> bool:
            found = session.fetch((report, ("cmp", "==", ("ID",), int(rid)), None, False, None, None))
            if not found:
                return False
            for key, value in data.items():
                if str(key).lower() != "id":
                    found[0][str(key)] = from_python(value)
            return True

        if not self._with_session(change):
            return {"code": 3100, "message": "No Data Available"}
        return {"code": 3000, "data": {"ID": rid}, "message": "Data Updated Successfully"}


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = export_value(dict(record))
    out["ID"] = str(record["ID"])
    return out
