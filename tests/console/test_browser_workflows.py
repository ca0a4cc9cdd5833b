"""In a real browser against a real ``cloudburst serve``: the first start (the printed setup
address, choosing the admin password), then the workflow pages a developer uses after deploying
functions from the command line — run one from its page with inputs, watch a slow run finish
without reloading, read a failure's line and caret, filter the history, pause a schedule, make
a webhook and call it — then the layout basics on every page (phone width, keyboard focus) and
the pages without JavaScript."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import expect

from real_browser import Browsing, open_browsing

PASSWORD = "a long admin password"

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
\turl: "{echo.url_for('/slow/2')}"
\ttype: GET
];
info "slow answer: " + resp;
return resp;
"""


@dataclass
class Served:
    url: str
    setup_url: str
    env: dict[str, str]
    folder: Path

    def cli(self, *argv: str) -> str:
        """A command as the user types it, against the server's store."""
        from cloudburst.cli import main

        out, err = io.StringIO(), io.StringIO()
        assert main(list(argv), stdout=out, stderr=err, environ=self.env) == 0, err.getvalue()
        return out.getvalue()

    def deploy(self, name: str, source: str) -> None:
        path = self.folder / f"{name}.dg"
        path.write_text(source)
        self.cli("function", "deploy", str(path), "--name", name)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``cloudburst serve --port 0`` as a process on a fresh store, as the README starts it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDBURST_", "XDG_"))}
    env.update(HOME=str(tmp_path), CLOUDBURST_DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}",
               CLOUDBURST_SECRET_KEY=Fernet.generate_key().decode(), CLOUDBURST_CACHE_DIR=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "cloudburst", "serve", "--port", "0", "--workers", "2"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        listening, console = process.stdout.readline(), process.stdout.readline()
        assert listening.startswith("cloudburst serve: listening on http://127.0.0.1:"), listening
        url = listening.split(" on ", 1)[1].split()[0]
        assert console.startswith(f"console: {url}/setup?code="), console
        yield Served(url, console.split()[1], env, tmp_path)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
        assert process.stderr is not None and "Traceback" not in process.stderr.read()


def _run_from_page(b: Browsing, function: str, **inputs: str) -> Any:
    page = b.go(f"/functions/{function}")
    form = page.get_by_role("form", name="Run it")
    for name, value in inputs.items():
        form.get_by_label(name, exact=True).fill(value)
    page.get_by_role("button", name=f"Run {function}").click()
    page.wait_for_url(re.compile(r"/runs/\d+$"))
    return page


def test_workflow_pages_journey(browser: Any, artifacts: Path, served: Served, echo_server: Any) -> None:
    served.deploy("greet", GREET)
    served.deploy("boom", BOOM)
    served.deploy("slow", _slow(echo_server))
    with open_browsing(browser, served.url, artifacts) as b:
        _journey(b, served)


def _journey(b: Browsing, served: Served) -> None:
    # First start: the address serve printed carries the setup code; choose the password.
    page = b.go(served.setup_url[len(served.url):])
    page.get_by_label("Admin password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    b.shot("00-first-start-setup")
    page.get_by_role("button", name="Set password and log in").click()
    page.wait_for_url(f"{served.url}/connectors")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # The functions list leads to a function's page with its highlighted source.
    page = b.go("/functions")
    expect(page.get_by_role("link", name="greet")).to_be_visible()
    b.shot("10-functions-list")
    page.get_by_role("link", name="greet").click()
    expect(page.locator(".source .kt").first).to_have_text("string")
    expect(page.locator(".source .c1")).to_contain_text("answer a greeting")

    # A wrong input is refused next to its field; the right ones run.
    run_form = page.get_by_role("form", name="Run it")
    run_form.get_by_label("name", exact=True).fill("Ann")
    run_form.get_by_label("times", exact=True).fill("twice")
    page.get_by_role("button", name="Run greet").click()
    run_form = page.get_by_role("form", name="Run it")
    times = run_form.get_by_label("times", exact=True)
    expect(times).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-arg-times")).to_contain_text("'twice' is not a whole number")
    expect(run_form.get_by_label("name", exact=True)).to_have_value("Ann")  # what was typed stays
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

    # Schedules: one made on the function's page (a wrong time refused beside its field), the
    # list, one schedule, pause.
    page = b.go("/functions/greet")
    page.get_by_text("Schedule it", exact=True).click()  # the form is folded until asked for
    form = page.get_by_role("form", name="Schedule it")
    form.get_by_label("Kind", exact=True).select_option("daily")
    form.get_by_label("At", exact=True).fill("9 o'clock")
    form.get_by_label("Time zone", exact=True).fill("Europe/Berlin")
    form.get_by_label("name", exact=True).fill("Team")
    form.get_by_label("times", exact=True).fill("1")
    page.get_by_role("button", name="Create schedule").click()
    expect(page.locator("#e-s-at")).to_contain_text("is not a time of day")
    form = page.get_by_role("form", name="Schedule it")
    expect(form.get_by_label("Time zone", exact=True)).to_have_value("Europe/Berlin")
    form.get_by_label("At", exact=True).fill("09:00")
    page.get_by_role("button", name="Create schedule").click()
    expect(page.get_by_role("status")).to_contain_text("Schedule 1 created")
    b.shot("39-schedule-created")
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
    b.secrets.append(key)  # shown that once, on no page after
    answer = httpx2.post(url, json={"arguments": {"name": "Hook", "times": 3}}, timeout=20)
    assert answer.status_code == 200 and answer.json()["details"]["output"] == "Hi Hook x3", answer.text
    page = b.go("/webhooks")
    b.shot("51-webhooks-list")
    page.get_by_role("link", name="#1").click()
    expect(page.locator("main")).to_contain_text(key[-4:])
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
    with open_browsing(b.context.browser, b.base, b.artifacts, java_script_enabled=False) as nojs:
        nojs.go("/login")
        nojs.shot("01-login")
        nojs.log_in(PASSWORD)
        page = nojs.go(f"/runs/{failed_run}")
        expect(page.locator("#run-caret")).to_contain_text("share = total / 0;")
        page = nojs.go("/runs?function=greet")
        expect(page.locator("#runs-live tbody tr")).to_have_count(2)
