"""`check` runs the front end only (parse, resolve, static checks): it finds what
`compile` finds before code generation, and never loads the code generator."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import DelugeSyntaxError, ResolveError

LEAD = """
lead = zoho.crm.getRecordById("Leads", leadId);
score = 0;
if (lead.get("Email") != null)
{
    score = score + 10;
}
info score;
"""


def test_check_reports_what_compile_reports() -> None:
    rt = Runtime(network=False)
    warnings = rt.check(LEAD, "lead.dg")
    assert [w.message for w in warnings] == [w.message for w in rt.compile(LEAD, "lead.dg").warnings]
    assert any("leadId" in w.message for w in warnings)
    with pytest.raises(ResolveError, match="takes 0 arguments, got 1"):
        rt.check('x = "a".trim(1);', "bad.dg")
    with pytest.raises(DelugeSyntaxError, match="missing ';'") as info:
        rt.check("x = 1\ny = 2;", "bad.dg")
    assert info.value.source_name == "bad.dg" and info.value.span is not None and info.value.span.line == 1


def test_check_never_loads_the_code_generator() -> None:
    code = ("import sys; from cloudburst.engine import Runtime; "
            "Runtime(network=False).check('m = Map(); m.put(\"a\", 1); info m;'); "
            "print('cloudburst.compiler' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"


def test_checking_leaves_the_garbage_collector_as_it_was() -> None:
    import gc

    rt = Runtime(network=False)
    assert gc.isenabled()
    rt.check(LEAD, "a.dg")
    assert gc.isenabled()
    gc.disable()
    try:
        rt.compile("x = 1; info x;", "b.dg")
        assert not gc.isenabled()
    finally:
        gc.enable()
