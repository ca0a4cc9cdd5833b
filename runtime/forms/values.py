"""What a script holds after a fetch: a :class:`RecordList` of :class:`FormRecord` maps.

They behave as the LIST and KEY-VALUE values they extend (``for each``, ``size()``,
``get``, ``info``), plus Creator's record rules: setting a field on a record writes it to
the form (``r.Status = "Closed";``), and a field read or set on the whole collection
means its first record (``rec = Orders[ID == id]; rec.Status = "Shipped";``).
"""

from __future__ import annotations

from cloudburst.errors import DelugeRuntimeError
from cloudburst.values import DelugeList, DelugeMap

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

__all__ = ["FormRecord", "RecordList", "Writer"]

if TYPE_CHECKING:
    class Writer(Protocol):
        def set_field(self, record: FormRecord, name: str, value: Any) -> tuple[str, Any]:
            """Validate and store; return the field's link name and the value as now stored."""


class FormRecord(DelugeMap):
    """One stored record: field link name → value, written through on assignment."""

    __slots__ = ("form", "_writer")

    def __init__(self, form: str, values: dict[str, Any], writer: Writer | None) -> None:
        super().__init__(values)
        self.form = form
        self._writer = writer

    def __setitem__(self, key: Any, value: Any) -> None:
        if self._writer is None or not isinstance(key, str):
            raise DelugeRuntimeError(f"a record of {self.form} can only be changed through its fields")
        name, stored = self._writer.set_field(self, key, value)
        super().__setitem__(name, stored)

    def __delitem__(self, key: Any) -> None:
        raise DelugeRuntimeError(f"fields of a {self.form} record cannot be removed")

    def pop(self, *args: Any) -> Any:
        raise DelugeRuntimeError(f"fields of a {self.form} record cannot be removed")

    def rebind(self, writer: Writer) -> None:
        """Write through ``writer`` from now on (a later run's session)."""
        self._writer = writer

    @property
    def record_id(self) -> int:
        return int(dict.__getitem__(self, "ID"))


class RecordList(DelugeList):
    """The records a fetch matched, in the fetch's order."""

    __slots__ = ("form",)

    def __init__(self, form: str, records: list[FormRecord]) -> None:
        super().__init__(records)
        self.form = form

    def first_field(self, name: str) -> Any:
        """``coll.Field``: the first record's value (null when nothing matched)."""
        if not self:
            return None
        from cloudburst.operators import get_field

        return get_field(self[0], name)

    def set_first(self, name: str, value: Any) -> None:
        """``coll.Field = v``: changes the first record."""
        if not self:
            raise DelugeRuntimeError(f"cannot set {name}: the fetch from {self.form} matched no records")
        record = self[0]
        if not isinstance(record, FormRecord):
            raise DelugeRuntimeError(f"cannot set {name} on this {self.form} collection")
        record[name] = value
