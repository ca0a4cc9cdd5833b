"""In a real browser: the workflow pages a developer uses after deploying functions — run one
from its page with inputs, watch a slow run finish without reloading, read a failure's line and
caret, filter the history, pause a schedule, make a webhook and call it — then the layout
basics on every page (phone width, keyboard focus) and the pages without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import httpx2
from playwright.sync_api import expect

from console_client import PASSWORD
from real_browser import Browsing

GREET = """string greet(string name, int times)
{
\t// answer a greeting the way a CRM function would
\tinfo "hello " + name;
\tinfo "times: " + times;
\treturn "Hi " + name + " x" + times;
}
"""

BOOM = """total = 10;
info "dividing " + total;
share = total / 0;
return share;
"""


def _slow(echo: Any) -> str:
    return f"""resp = invokeurl
[
\turl: "{echo.url_for('/slow/1.5')}"
\ttype: GET
];
info "slow answer: " + resp;
return resp;
"""


def _run_from_page(b: Browsing, function: str, **inputs: str) -> Any:
    page = b.go(f"/functions/{function}")
    for name, value in inputs.items():
        page.get_by_label(name, exact=True).fill(value)
    page.get_by_role("button", name=f"Run {function}").click()
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    return page


def test_workflow_pages_journey(browsing: Browsing, live_console: Any, echo_server: Any) -> None:
    b = browsing
    wf = live_console.setup.workflows
    wf.functions.deploy(GREET, "greet.dg", "greet")
    wf.functions.deploy(BOOM, "boom.dg", "boom")
    wf.functions.deploy(_slow(echo_server), "slow.dg", "slow")
    wf.schedules.create("greet", kind="daily", at="09:00", timezone_name="Europe/Berlin",
                        inputs={"name": "Team", "times": "1"})

    b.go("/login")
    b.shot("01-login")
    b.log_in(PASSWORD)

    # The functions list leads to a function's page with its highlighted source.
    page = b.go("/functions")
    expect(page.get_by_role("link", name="greet")).to_be_visible()
    b.shot("10-functions-list")
    page.get_by_role("link", name="greet").click()
    expect(page.locator(".source .kt").first).to_have_text("string")
    expect(page.locator(".source .c1")).to_contain_text("answer a greeting")

    # A wrong input is refused next to its field; the right ones run.
    page.get_by_label("name", exact=True).fill("Ann")
    page.get_by_label("times", exact=True).fill("twice")
    page.get_by_role("button", name="Run greet").click()
    times = page.get_by_label("times", exact=True)
    expect(times).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-arg-times")).to_contain_text("'twice' is not a whole number")
    expect(page.get_by_label("name", exact=True)).to_have_value("Ann")  # what was typed stays
    b.shot("11-function-detail-input-error")
    times.fill("2")
    page.get_by_role("button", name="Run greet").click()
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    expect(page.locator("#run-status")).to_have_text("succeeded")
    expect(page.locator("#run-info")).to_contain_text("hello Ann")
    expect(page.locator("#run-info")).to_contain_text("times: 2")
    expect(page.locator("#run-result")).to_have_text("Hi Ann x2")
    b.shot("20-run-succeeded")
    greet_run = page.url.rsplit("/", 1)[1]

    # A slow run: the page shows it going, then its end, without being reloaded.
    page = _run_from_page(b, "slow")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#run-status")).to_have_text(re.compile("queued|running"))
    expect(page.locator("#run-status")).to_have_text("succeeded", timeout=15_000)
    assert page.evaluate("window.notReloaded === true"), "the run page reloaded instead of updating in place"
    calls = page.locator("#run-calls tbody tr")
    expect(calls).to_have_count(1)
    expect(calls.first).to_contain_text("GET")
    expect(calls.first).to_contain_text("127.0.0.1")
    expect(calls.first).to_contain_text("200")
    expect(page.locator("#run-info")).to_contain_text("slow answer: late")
    b.shot("21-run-http-calls")

    # A failure names the line and puts a caret under the column.
    page = _run_from_page(b, "boom")
    expect(page.locator("#run-status")).to_have_text("failed")
    expect(page.locator("#run-error")).to_be_visible()
    caret = page.locator("#run-caret")
    expect(caret).to_contain_text("3 | share = total / 0;")
    assert re.search(r"\n\s+\|\s+\^", caret.inner_text()), caret.inner_text()
    expect(page.locator("#run-info")).to_have_text(re.compile("dividing 10"))
    b.shot("22-run-failed-with-caret")
    failed_run = page.url.rsplit("/", 1)[1]

    # The history filters by function and status.
    page = b.go("/runs")
    expect(page.locator("#runs-live tbody tr")).to_have_count(3)
    b.shot("30-runs-history")
    page.get_by_label("Function").select_option("greet")
    page.get_by_label("Status").select_option("succeeded")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"function=greet"))
    rows = page.locator("#runs-live tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"#{greet_run}")

    # Schedules: the list, one schedule, pause.
    page = b.go("/schedules")
    expect(page.get_by_text("Europe/Berlin")).to_be_visible()
    b.shot("40-schedules-list")
    page.get_by_role("link", name="#1").click()
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text("Schedule 1 paused")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    b.shot("41-schedule-detail")

    # Webhooks: make one, copy its URL once, call it; the run shows in the history.
    page = b.go("/webhooks")
    page.get_by_label("Function").select_option("greet")
    page.get_by_role("button", name="Create webhook").click()
    url = page.locator("#webhook-url").inner_text()
    key = url.rsplit("zapikey=", 1)[1]
    b.shot("50-webhook-key-shown-once")
    answer = httpx2.post(url, json={"arguments": {"name": "Hook", "times": 3}}, timeout=20)
    assert answer.status_code == 200 and answer.json()["details"]["output"] == "Hi Hook x3", answer.text
    page = b.go("/webhooks")
    b.shot("51-webhooks-list")
    page.get_by_role("link", name="#1").click()
    expect(page.locator("main")).to_contain_text(key[-4:])
    assert key not in page.content()
    expect(page.locator("table.runs tbody tr")).to_have_count(1)
    b.shot("52-webhook-detail")

    # Layout basics on every workflow page; focus visible from the keyboard.
    pages = ["/functions", "/functions/greet", f"/runs/{greet_run}", f"/runs/{failed_run}", "/runs",
             "/schedules", "/schedules/1", "/webhooks", "/webhooks/1"]
    b.fits_phone(pages)
    b.page.set_viewport_size({"width": 390, "height": 844})
    b.go(f"/runs/{failed_run}")
    b.shot("23-run-failed-phone")
    b.page.set_viewport_size({"width": 1280, "height": 900})
    b.tab_focus_is_visible("/functions/greet")
    b.assert_clean()

    # Without JavaScript the read-only pages read the same.
    plain = b.context.browser.new_context(java_script_enabled=False)
    try:
        nojs = Browsing(plain, b.base, b.artifacts)
        nojs.log_in(PASSWORD)
        page = nojs.go(f"/runs/{failed_run}")
        expect(page.locator("#run-caret")).to_contain_text("share = total / 0;")
        page = nojs.go("/runs?function=greet")
        expect(page.locator("#runs-live tbody tr")).to_have_count(2)
    finally:
        plain.close()
