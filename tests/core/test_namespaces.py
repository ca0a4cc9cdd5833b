"""Dotted calls on names that are not variables (issue 20): namespace calls are told from
methods on undefined variables, and a host can serve any namespace call."""

from __future__ import annotations

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import ResolveError


def test_host_serves_a_zoho_task_and_its_own_namespace() -> None:
    rt = Runtime(network=False)
    sent: list[tuple[str, str]] = []
    rt.register_integration("zoho.pushNotification", lambda form, text: sent.append((form, text)) or "sent")
    rt.register_integration("acme.erp.syncOrder", lambda order_id: {"synced": order_id})
    result = rt.run('r = zoho.pushNotification("Orders", "New order");\ninfo r;\n'
                    'info acme.erp.syncOrder("SO-9");\ninfo acme.erp.syncOrder("SO-9").get("synced");')
    assert result.info == ["sent", '{"synced":"SO-9"}', "SO-9"]
    assert sent == [("Orders", "New order")]


def test_registering_after_a_failed_compile_takes_effect() -> None:
    rt = Runtime(network=False)
    with pytest.raises(ResolveError, match="variable 'erp' is not defined"):
        rt.compile('info erp.sync(1);')
    rt.register_integration("erp.sync", lambda n: n + 1)
    assert rt.run("info erp.sync(1);").info == ["2"]


@pytest.mark.parametrize("source", [
    "r = thisapp.Billing.rate(10);",
    "r = standalone.recalculate(10);",
    "r = otherapp.Sales.total(3);",
    "automation.notifyOwner(5);",
    "r = getTripDetail(7);",
])
def test_functions_saved_elsewhere_warn_and_strict_refuses(source: str) -> None:
    rt = Runtime(network=False)
    warnings = rt.check(source, "s.dg")
    assert [w.code for w in warnings] == ["N205"]
    with pytest.raises(ResolveError) as info:
        rt.check(source, "s.dg", strict=True)
    assert info.value.code == "N205"


@pytest.mark.parametrize("source", ["undefined_variable.method();", "x = foo.bar();\ninfo x;",
                                    "x = foo.bar(1, 2);", "info Orders.Items();"])
def test_calls_on_undefined_names_are_refused(source: str) -> None:
    with pytest.raises(ResolveError) as info:
        Runtime(network=False).compile(source)
    assert info.value.code == "N207"


def test_method_on_a_known_method_name_stays_a_method_call() -> None:
    # `name` may be supplied by the caller: a warning, then the value's method runs.
    rt = Runtime(network=False)
    script = rt.compile('info name.toUpperCase();')
    assert [w.code for w in script.warnings] == ["N203"]
    assert script.run({"name": "ada"}).info == ["ADA"]
