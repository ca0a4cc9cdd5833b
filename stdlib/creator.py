"""Built-ins: Creator record-collection helpers (``Form[criteria].count()``, ``.getAll()``).

A fetch returns records as a LIST of maps (or one map), so these work on those values and
on any list a host's Creator provider returns.
"""

from __future__ import annotations

from typing import Any

from cloudburst.stdlib.registry import builtin
from cloudburst.values import DelugeList, DelugeMap


@builtin("count", receiver=("LIST", "MAP", "NULL"), returns="NUMBER", tier=1,
         doc="How many records (elements or entries) a fetched collection holds; 0 for null.")
def count(ctx: Any, records: DelugeList | DelugeMap | None) -> int:
    return 0 if records is None else len(records)


@builtin("getAll", receiver=("LIST", "NULL"), returns="LIST", tier=1,
         doc="All values of a fetched field as a new LIST (an empty list for null).")
def get_all(ctx: Any, values: DelugeList | None) -> DelugeList:
    return DelugeList() if values is None else DelugeList(values)
