"""Creator pages: HTML with ``<%{ }%>`` / ``<% %>`` Deluge blocks and ``<%= %>`` output are
checked and rendered, and every error points into the page file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cloudburst.engine import Runtime
from cloudburst.errors import DelugeRuntimeError, DelugeSyntaxError, ResolveError
from cloudburst.pages import is_page, translate

ROOT = Path(__file__).resolve().parents[2]

ORDERS_PAGE = """<%{
\tstatusFilter = ifnull(input.status, "Open");
\torders = {{"No":"SO-101","Customer":"Zylker","Total":1250.50,"Status":"Open"},
\t          {"No":"SO-102","Customer":"Acme & Co","Total":90,"Status":"Closed"}};
\tshown = 0;
\t%>
<div class="orders">
\t<h2>Orders: <%=statusFilter%></h2>
\t<table>
\t<%for each o in orders
\t{
\t\tif(o.get("Status") = statusFilter)
\t\t{
\t\t\tshown = shown + 1;
\t\t\t%>
\t\t<tr><td><%=o.get("No")%></td><td><%=o.get("Customer")%></td><td><%=o.get("Total")%></td></tr>
<%
\t\t}
\t}
\t%>
\t</table>
\t<p><%=shown%> of <%=orders.size()%> orders</p>
</div>
<%}%>"""


@pytest.fixture()
def runtime() -> Runtime:
    return Runtime(network=False)


def test_page_renders_html_with_loops_conditions_and_output(runtime: Runtime) -> None:
    html = runtime.compile(ORDERS_PAGE, "orders.page").run({"status": "Open"}).value
    assert "<h2>Orders: Open</h2>" in html
    assert "<tr><td>SO-101</td><td>Zylker</td><td>1250.5</td></tr>" in html
    assert "SO-102" not in html
    assert "<p>1 of 2 orders</p>" in html
    assert html.rstrip().endswith("</div>")


def test_page_parameter_defaults_when_absent(runtime: Runtime) -> None:
    html = runtime.compile(ORDERS_PAGE, "orders.page").run({"status": "Closed"}).value
    assert "Acme & Co" in html and "Zylker" not in html


def test_text_outside_blocks_is_copied_exactly(runtime: Runtime) -> None:
    page = '<p class="x">a "quoted" \\ back</p>\n<%="t"%>\n'
    assert runtime.compile(page, "p.page").run().value == '<p class="x">a "quoted" \\ back</p>\nt\n'


def test_null_output_prints_nothing(runtime: Runtime) -> None:
    assert runtime.compile("<b><%=null%></b>", "p.page").run().value == "<b></b>"


def test_percent_close_inside_text_does_not_end_the_block(runtime: Runtime) -> None:
    page = '<%{\n\tlabel = "50%> done";\n%><i><%=label%></i><%}%>'
    assert runtime.compile(page, "p.page").run().value == "<i>50%> done</i>"


def test_syntax_error_points_into_the_page(runtime: Runtime) -> None:
    page = "<h1>Report</h1>\n<%{\n\ttotal = 10 +;\n%>\n<%}%>"
    with pytest.raises(DelugeSyntaxError) as info:
        runtime.compile(page, "r.page")
    assert (info.value.span.line, info.value.span.column) == (3, 14)


def test_name_error_in_output_expression_points_at_its_column(runtime: Runtime) -> None:
    page = "<ul>\n  <li><%=items.nosuchmethod()%></li>\n</ul>"
    with pytest.raises(ResolveError) as info:
        runtime.compile(page, "r.page")
    assert (info.value.span.line, info.value.span.column) == (2, 10)


def test_runtime_error_points_into_the_page(runtime: Runtime) -> None:
    page = "<p>Average: <%=100 / 0%></p>"
    with pytest.raises(DelugeRuntimeError) as info:
        runtime.compile(page, "r.page").run()
    assert (info.value.span.line, info.value.span.column) == (1, 16)


def test_unclosed_page_block_is_reported_where_it_opens(runtime: Runtime) -> None:
    with pytest.raises(DelugeSyntaxError) as info:
        runtime.compile("<div>\n<%{\n\tx = 1;\n%>\n</div>", "r.page")
    assert "never closed" in info.value.message and info.value.span.line == 2


def test_export_header_parameters_are_known() -> None:
    page = translate('htmlpage Invoice(string invoiceNo)\ndisplayname = "Invoice"\ncontent\n<h1><%=invoiceNo%></h1>')
    assert page.parameters == [("string", "invoiceNo")]
    html = Runtime(network=False).compile(
        'htmlpage Invoice(string invoiceNo)\ndisplayname = "Invoice"\ncontent\n<h1><%=invoiceNo%></h1>', "i.page"
    ).run({"invoiceNo": "INV-7"}).value
    assert html == "<h1>INV-7</h1>"


def test_scripts_are_not_pages() -> None:
    assert not is_page('info "<%= not a page %>";')
    assert is_page("\n  <html></html>")


def test_cli_check_and_run_a_page(tmp_path: Path) -> None:
    path = tmp_path / "orders.page"
    path.write_text(ORDERS_PAGE, encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "cloudburst", "check", str(path)], capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
    assert check.returncode == 0, check.stderr
    run = subprocess.run([sys.executable, "-m", "cloudburst", "run", str(path), "--arg", "status=Closed"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "<tr><td>SO-102</td><td>Acme &amp; Co</td>" not in run.stdout  # no escaping is invented
    assert "<tr><td>SO-102</td><td>Acme & Co</td><td>90</td></tr>" in run.stdout
