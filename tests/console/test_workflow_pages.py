"""The workflow pages through Starlette's TestClient: functions (highlighted source, run form
with per-field errors), runs (filters, detail, live fragment, cancel and retry, the JSON record
at the same address), schedules (a schedule that cannot fire says why) and webhooks (a key is
shown once and never again)."""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any

from console_client import ConsoleClient

PAGE = {"accept": "text/html"}

INVOICE = """map invoice(string customer, int amount, map extra, string api_key)
{
\tinfo "invoicing " + customer + " <" + amount + "> with a key of " + api_key.length();
\treturn {"customer": customer, "total": amount + extra.get("fee")};
}
"""


def _finished(wf: Any, run_id: int, timeout: float = 20) -> dict[str, Any]:
    """The run's record once it has ended (the console's worker pool runs it)."""
    from cloudburst.workflows.states import FINAL

    deadline = time.monotonic() + timeout
    while True:
        run: dict[str, Any] = wf.runs.get(run_id)
        if run["status"] in FINAL or time.monotonic() > deadline:
            return run
        time.sleep(0.02)


def _errors(text: str) -> dict[str, str]:
    """The error shown next to each field, by field name (``e-f-NAME`` or ``e-NAME`` ids)."""
    return {m.group(1): html.unescape(m.group(2))
            for m in re.finditer(r'<p class="error" id="e-(?:f-)?([^"]+)">([^<]*)</p>', text)}


def test_function_page_runs_with_inputs_and_names_each_wrong_field(console: ConsoleClient, console_setup: Any) -> None:
    wf = console_setup.workflows
    wf.functions.deploy(INVOICE, "invoice.dg", "invoice")
    listing = console.get("/functions")
    assert 'href="/functions/invoice"' in listing.text and "<code>int amount</code>" in listing.text
    page = console.get("/functions/invoice")
    assert '<span class="kt">map</span>' in page.text  # highlighted by the Deluge lexer
    assert "&lt;" in page.text and '" <"' not in page.text  # source text is escaped

    assert 'name="arg.api_key" type="password"' in page.text  # a secret-looking input is typed unseen
    bad = console.post("/functions/invoice/run", {"arg.customer": "Zylker", "arg.amount": "12.5",
                                                 "arg.extra": "{fee: 1}", "arg.api_key": "sk-live-0042"},
                       from_page="/functions/invoice")
    assert bad.status_code == 400
    errors = _errors(bad.text)
    assert "is not a whole number" in errors["arg-amount"] and "not valid JSON" in errors["arg-extra"]
    assert "arg-customer" not in errors and 'value="Zylker"' in bad.text
    assert "sk-live-0042" not in bad.text  # what was typed comes back, but never the secret
    assert wf.runs.find() == []  # nothing was queued

    good = console.post("/functions/invoice/run", {"arg.customer": "Zylker", "arg.amount": "40",
                                                  "arg.extra": '{"fee": 2}', "arg.api_key": "sk-live-0042"},
                        from_page="/functions/invoice")
    assert good.status_code == 303
    run_id = int(good.headers["location"].rsplit("/", 1)[1])
    assert _finished(wf, run_id)["status"] == "succeeded"
    done = console.get(f"/runs/{run_id}", headers=PAGE)
    assert "invoicing Zylker &lt;40&gt; with a key of 12" in done.text
    assert "sk-live-0042" not in done.text and "&#34;api_key&#34;: &#34;••••&#34;" in done.text
    result = re.search(r"id=\"run-result\"[^>]*><code>(.*?)</code>", done.text, re.S)
    assert result and json.loads(html.unescape(result.group(1))) == {"customer": "Zylker", "total": 42}
    assert "data-live" not in done.text and 'http-equiv="refresh"' not in done.text
    assert re.search(rf'href="/runs/{run_id}">#{run_id}</a> <span class="badge status-succeeded">',
                     console.get("/functions").text)  # the list shows each function's last run

    assert console.get("/functions/nope").status_code == 404
    forged = console.http.post("/functions/invoice/run", data={"arg.customer": "x"}, follow_redirects=False)
    assert forged.status_code == 403 and len(wf.runs.find()) == 1


def test_a_run_not_yet_ended_updates_itself_and_can_be_cancelled_or_retried(console: ConsoleClient,
                                                                           console_setup: Any) -> None:
    wf = console_setup.workflows
    wf.functions.deploy('info "once";\nreturn 1;', "one.dg", "one")
    waiting = wf.runs.create("one", {}, "manual", version=1)  # queued, never handed to a worker
    page = console.get(f"/runs/{waiting}", headers=PAGE)
    assert f'data-live="/runs/{waiting}/live"' in page.text
    assert '<noscript><meta http-equiv="refresh"' in page.text  # without JavaScript: reloads
    history = console.get("/runs?function=one")
    assert 'data-live="/runs/live?function=one"' in history.text  # the table follows it too
    table = console.get("/runs/live?function=one").text
    assert table.lstrip().startswith('<div id="runs-live"') and f'href="/runs/{waiting}"' in table
    fragment = console.get(f"/runs/{waiting}/live")
    assert fragment.text.lstrip().startswith('<div id="run-live"') and "<html" not in fragment.text
    assert 'id="run-status">queued<' in fragment.text

    cancelled = console.post(f"/runs/{waiting}/cancel", from_page=f"/runs/{waiting}/live")
    assert cancelled.status_code == 303
    after = console.get(f"/runs/{waiting}/live")
    assert 'id="run-status">cancelled<' in after.text and "data-live" not in after.text
    assert "data-live" not in console.get("/runs/live?function=one").text  # nothing left to follow
    retried = console.post(f"/runs/{waiting}/retry", from_page=f"/runs/{waiting}/live")
    retry_id = int(retried.headers["location"].rsplit("/", 1)[1])
    assert _finished(wf, retry_id)["retry_of"] == waiting
    console.post(f"/runs/{waiting}/cancel", from_page=f"/runs/{waiting}/live")
    again = console.get(f"/runs/{waiting}", headers=PAGE)
    assert f"run {waiting} has already ended (cancelled)" in again.text


def test_the_run_address_answers_a_browser_with_the_page_and_a_script_with_json(console_setup: Any,
                                                                               anonymous: ConsoleClient) -> None:
    wf = console_setup.workflows
    wf.functions.deploy('return "ok";', "ok.dg", "ok")
    _, key = wf.webhooks.create("ok")
    run_id = wf.runs.create("ok", {}, "webhook", version=1)
    record = anonymous.http.get(f"/runs/{run_id}?zapikey={key}")
    assert record.headers["content-type"] == "application/json" and record.json()["id"] == run_id
    browser = anonymous.http.get(f"/runs/{run_id}", headers=PAGE, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == f"/login?next=/runs/{run_id}"


def test_history_filters_and_failure_caret(console: ConsoleClient, console_setup: Any) -> None:
    wf = console_setup.workflows
    wf.functions.deploy('a = 1;\n\tb = a / 0;\nreturn b;', "zero.dg", "zero")
    wf.functions.deploy('return "fine";', "fine.dg", "fine")
    failed = wf.request_run("zero", {})
    fine = wf.request_run("fine", {})
    for run_id in (failed, fine):
        console_setup.console.state.executor.submit(run_id)
        _finished(wf, run_id)

    page = console.get(f"/runs/{failed}", headers=PAGE)
    caret = re.search(r'<pre class="caret" id="run-caret"><code>(.*?)</code></pre>', page.text, re.S)
    assert caret, page.text
    text = re.sub(r"<[^>]+>", "", caret.group(1))
    source_line, marker = text.split("\n")
    assert source_line == "2 |     b = a / 0;"  # the tab shown as 4 spaces
    assert marker.index("^") == source_line.index("a / 0")

    assert 'href="/runs/%d"' % fine in console.get("/runs?status=succeeded").text
    only_failed = console.get("/runs?function=zero&within=1h").text
    assert f'href="/runs/{failed}"' in only_failed and f'href="/runs/{fine}"' not in only_failed
    wrong = console.get("/runs?status=done&within=2y")
    errors = _errors(wrong.text)
    assert wrong.status_code == 400
    assert errors["status"].startswith("unknown status 'done'") and errors["within"].startswith("unknown period")

    for _ in range(50):  # a page of 50 newer runs pushes the first two onto the next page
        wf.runs.create("fine", {}, "schedule", status="skipped")
    first = console.get("/runs?trigger=schedule").text
    assert first.count('<tr>') == 51 and "Newest runs" not in first  # header row + 50
    older = html.unescape(re.search(r'<a href="([^"]+)">Older runs</a>', first).group(1))
    assert older == f"/runs?trigger=schedule&before={fine + 1}"
    assert 'href="/runs/%d"' % failed in console.get("/runs?before=%d" % (fine + 1)).text
    last = console.get(older).text
    assert "<td" not in last and "Newest runs" in last  # no schedule runs before those 50


def test_schedules_say_why_they_cannot_fire(console: ConsoleClient, console_setup: Any) -> None:
    wf = console_setup.workflows
    wf.functions.deploy("void ping(string who)\n{\n\tinfo who;\n}", "ping.dg", "ping")
    wf.schedules.create("ping", kind="weekly", at="08:30", days="MON,FRI", timezone_name="Asia/Kolkata",
                        inputs={"who": "ops"})
    listing = console.get("/schedules")
    assert "Asia/Kolkata" in listing.text and ">active<" in listing.text
    wf.functions.deploy("void ping(string who, int times)\n{\n\tinfo who;\n}", "ping.dg", "ping")
    listing = console.get("/schedules")
    assert "cannot fire" in listing.text and "missing argument: times" in listing.text
    paused = console.post("/schedules/1/pause", from_page="/schedules/1", follow=True)
    assert "Schedule 1 paused" in paused.text and ">Resume<" in paused.text
    assert console.get("/schedules/2").status_code == 404


def test_a_schedule_is_created_from_the_function_page_and_refusals_stand_by_their_fields(
        console: ConsoleClient, console_setup: Any) -> None:
    wf = console_setup.workflows
    wf.functions.deploy("void digest(string team, string token)\n{\n\tinfo team;\n}", "digest.dg", "digest")
    page = console.get("/functions/digest")
    assert 'action="/functions/digest/schedule"' in page.text and 'name="sarg.token" type="password"' in page.text
    bad = console.post("/functions/digest/schedule", {"kind": "weekly", "at": "25:00", "timezone": "Mars/Olympus",
                                                      "sarg.team": "ops", "sarg.token": "tok-secret-77"},
                       from_page="/functions/digest")
    assert bad.status_code == 400
    errors = _errors(bad.text)
    assert errors == {"s-timezone": "--timezone: unknown time zone 'Mars/Olympus'"}  # the first refusal
    assert "tok-secret-77" not in bad.text and 'value="ops"' in bad.text
    bad = console.post("/functions/digest/schedule", {"kind": "weekly", "at": "25:00", "days": "mon",
                                                      "timezone": "Europe/Berlin", "sarg.team": "ops",
                                                      "sarg.token": "t"}, from_page="/functions/digest")
    assert _errors(bad.text) == {"s-at": "--at: '25:00' is not a time of day (HH:MM)"}
    bad = console.post("/functions/digest/schedule", {"kind": "monthly", "at": "09:00", "day": "first",
                                                      "sarg.team": "ops"}, from_page="/functions/digest")
    assert _errors(bad.text) == {"s-day": "--day: 'first' is not a day of the month (1 to 31)"}
    assert wf.schedules.all() == []

    made = console.post("/functions/digest/schedule", {"kind": "weekly", "at": "08:30", "days": "mon,fri",
                                                       "timezone": "Asia/Kolkata", "overlap": "queue",
                                                       "sarg.team": "ops", "sarg.token": "tok-secret-77"},
                        from_page="/functions/digest", follow=True)
    assert "Schedule 1 created" in made.text and "Asia/Kolkata" in made.text and "tok-secret-77" not in made.text
    (schedule,) = wf.schedules.all()
    assert (schedule["kind"], schedule["timezone"], schedule["overlap"], schedule["problem"]) == \
        ("weekly", "Asia/Kolkata", "queue", None)
    forged = console.http.post("/functions/digest/schedule", data={"kind": "daily", "at": "09:00"},
                               follow_redirects=False)
    assert forged.status_code == 403 and len(wf.schedules.all()) == 1


def test_a_webhook_key_is_shown_once(console: ConsoleClient, console_setup: Any) -> None:
    wf = console_setup.workflows
    wf.functions.deploy('return "hooked";', "hooked.dg", "hooked")
    made = console.post("/webhooks/new", {"function": "hooked"}, from_page="/webhooks")
    url = html.unescape(re.search(r'id="webhook-url">([^<]+)<', made.text).group(1))
    key = url.rsplit("zapikey=", 1)[1]
    assert url.startswith("http://127.0.0.1/functions/hooked/actions/execute?auth_type=apikey&zapikey=cb_")
    assert wf.webhooks.check("hooked", key)
    for path in ("/webhooks", "/webhooks/1", "/functions/hooked"):
        shown = console.get(path).text
        assert key not in shown and key[-4:] in shown, path
    rotated = console.post("/webhooks/1/rotate", from_page="/webhooks/1")
    new_key = html.unescape(re.search(r'id="webhook-url">([^<]+)<', rotated.text).group(1)).rsplit("=", 1)[1]
    assert new_key != key and not wf.webhooks.check("hooked", key) and wf.webhooks.check("hooked", new_key)
    revoked = console.post("/webhooks/1/revoke", from_page="/webhooks/1", follow=True)
    assert "its key no longer works" in revoked.text and not wf.webhooks.check("hooked", new_key)
    missing = console.post("/webhooks/new", {"function": ""}, from_page="/webhooks")
    assert missing.status_code == 400 and _errors(missing.text)["function"] == "choose the function this webhook runs"


def test_a_running_run_shows_its_info_lines_and_calls_so_far(console: ConsoleClient, console_setup: Any,
                                                             echo_server: Any) -> None:
    wf = console_setup.workflows
    slow = echo_server.url_for("/slow/1.5")
    wf.functions.deploy(f'info "asking the slow API";\nresp = invokeurl\n[\n\turl: "{slow}"\n\ttype: GET\n];\n'
                        'info "answered";\nreturn resp;', "slowly.dg", "slowly")
    run_id = wf.request_run("slowly", {})
    console_setup.console.state.executor.submit(run_id)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        live = console.get(f"/runs/{run_id}/live").text
        if 'id="run-status">running<' in live and "asking the slow API" in live:
            break
        assert 'id="run-status">succeeded<' not in live, "the run ended before its progress was shown"
        time.sleep(0.05)
    else:
        raise AssertionError("a running run never showed its first info line")
    assert "answered" not in live and f'data-live="/runs/{run_id}/live"' in live
    assert _finished(wf, run_id)["info"] == ["asking the slow API", "answered"]
