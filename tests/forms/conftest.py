"""Form-store fixtures: the schema in forms.yaml applied to a SQLite file and to a real
PostgreSQL database (the store tests' throwaway server), reset to seed.json per test."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cloudburst.engine import Runtime
from cloudburst.execution import Limits
from cloudburst.forms.schema import load_schema
from cloudburst.forms.store import FormStore
from cloudburst.forms.transfer import import_rows

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent


def _load_store_fixtures() -> Any:
    """The store tests' conftest, loaded under its own name so its PostgreSQL fixture is reused."""
    spec = importlib.util.spec_from_file_location("cb_forms_store_fixtures", TESTS / "connectors" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pg_server = _load_store_fixtures().pg_server


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('forms') / 'store.db'}"
    return str(request.getfixturevalue("pg_server").new_database())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store of the test's own (for tests that change the schema)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return str(request.getfixturevalue("pg_server").new_database())


@pytest.fixture(scope="module")
def applied_store(db_url: str) -> Iterator[FormStore]:
    store = FormStore(db_url)
    store.apply(load_schema(HERE / "forms.yaml"))
    yield store
    store.close()


def reset(store: FormStore) -> None:
    """Empty every form and load seed.json (keeping its IDs)."""
    session = store.session()
    for name in ("Approvals", "Orders", "Products", "Customers"):
        session.delete((name, ("value", True), None, False, None, None))
    session.close(True)
    seed = json.loads((HERE / "seed.json").read_text(), parse_float=Decimal)
    for name in ("Customers", "Products", "Orders", "Approvals"):
        import_rows(store, name, ((f"seed {name} {i}", row, False) for i, row in enumerate(seed[name])))


@pytest.fixture
def reseed() -> Any:
    """The function that empties a store and loads seed.json."""
    return reset


@pytest.fixture
def store(applied_store: FormStore) -> FormStore:
    reset(applied_store)
    return applied_store


@pytest.fixture
def runtime(store: FormStore) -> Iterator[Runtime]:
    rt = Runtime(forms=store, timezone="Asia/Kolkata", network=False,
                 limits=Limits(max_statements=None, timeout=120))
    yield rt
