"""Creator form access on a real store: a criteria query with sort and range over 100,000
records through a script versus the same query written by hand in SQLAlchemy; 10,000
``insert into`` in one script run; aggregates over 100,000 records (pushed down to SQL).

Run: python tests/bench/bench_forms.py [--records 100000] [--inserts 10000] [--rounds 5]
     [--db postgresql://...]   (default: a SQLite file in a temp dir)
Prints medians of the rounds; the target for the query is a ratio <= 2.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import func, insert, select

from cloudburst.engine import Runtime
from cloudburst.execution import Limits
from cloudburst.forms.schema import parse_schema
from cloudburst.forms.store import FormStore

SCHEMA = {"forms": {"Orders": {"fields": {
    "Customer": "single_line",
    "Status": {"type": "dropdown", "choices": ["Open", "Approved", "Shipped", "Closed"]},
    "Total": "currency",
    "Qty": "number",
}}}}

QUERY = ('rows = Orders[Status == "Open" && Total > 500] sort by Total desc range from 1 to 10;\n'
         'info rows.size();')
AGGREGATE = 'info Orders[Status == "Open"].sum(Total);\ninfo Orders[ID != 0].count();'


def _median(fn: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _fill(store: FormStore, count: int) -> None:
    rng = random.Random(7)
    session = store.session()
    table = session.catalog["orders"].table
    statuses = ["Open", "Approved", "Shipped", "Closed"]
    rows = [{"Customer": f"C{i % 977}", "Status": statuses[rng.randrange(4)],
             "Total": Decimal(rng.randrange(0, 100000)) / 100, "Qty": rng.randrange(1, 50)} for i in range(count)]
    for i in range(0, count, 5000):
        session.conn.execute(insert(table), rows[i:i + 5000])
    session.close(True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--inserts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", help="store URL (default: a SQLite file in a temp dir)")
    a = parser.parse_args()
    url = a.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    store = FormStore(url)
    store.apply(parse_schema(SCHEMA))
    _fill(store, a.records)
    rt = Runtime(forms=store, network=False, limits=Limits(max_statements=None, timeout=None))
    query = rt.compile(QUERY)
    assert query.run().info == ["10"]
    session = store.session()
    t = session.catalog["orders"].table
    session.close(True)

    def by_hand() -> None:
        with store.engine.connect() as conn:
            stmt = (select(t).where(func.lower(t.c.Status) == "open", t.c.Total > 500)
                    .order_by(t.c.Total.desc().nulls_last(), t.c.ID).limit(10))
            if conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update(of=t)
            rows = conn.execute(stmt).mappings().all()
            conn.commit()
            assert len(rows) == 10

    for _ in range(3):  # warm both paths
        query.run()
        by_hand()
    script_q = _median(lambda: query.run(), a.rounds * 4)
    hand_q = _median(by_hand, a.rounds * 4)
    aggregate = rt.compile(AGGREGATE)
    agg = _median(lambda: aggregate.run(), a.rounds)

    def aggregate_by_hand() -> None:
        with store.engine.connect() as conn:
            conn.execute(select(func.sum(t.c.Total)).where(func.lower(t.c.Status) == "open")).scalar_one()
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            conn.commit()

    agg_hand = _median(aggregate_by_hand, a.rounds)
    loop = rt.compile("for each i in {" + ",".join(str(i) for i in range(a.inserts)) + "}\n{\n"
                      '\tinsert into Orders [ Customer = "C" + i Status = "Open" Total = 10.5 Qty = i ];\n}')
    ins = _median(lambda: loop.run(), max(a.rounds // 2, 1))
    backend = store.engine.dialect.name
    print(f"backend: {backend}, {a.records} records (medians)")
    print(f"criteria + sort + range, script:     {script_q * 1000:8.2f} ms")
    print(f"criteria + sort + range, SQLAlchemy: {hand_q * 1000:8.2f} ms")
    print(f"ratio script / hand-written:          {script_q / hand_q:8.2f}  (target <= 2)")
    print(f"sum + count, script (pushed down):   {agg * 1000:8.2f} ms")
    print(f"sum + count, SQLAlchemy:             {agg_hand * 1000:8.2f} ms")
    print(f"{a.inserts} x insert into in one run:  {ins:8.2f} s ({a.inserts / ins:,.0f} records/s)")
    store.close()


if __name__ == "__main__":
    main()
