"""Typos get a "did you mean" through the real command: functions, methods, variables and
connection link names, in ``cloudburst check`` and at run time; ``check`` warns about a
variable read but never assigned; a fresh home stays clean when a script names a connection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

LEAD_SCRIPT = """\
leadName = "Ann Lee";
score = lenght(leadName);
label = leadName.toUpperCas();
info nams;
"""

FOLLOW_UP = """\
leadName = "Ann Lee";
if (leadName.startsWith("Bo"))
{
\towner = "Bo";
}
info "Following up with " + leadNam;
"""

WEATHER = """\
resp = invokeurl
[
\turl: "http://127.0.0.1:9/weather"
\ttype: GET
\tconnection: "weather_pord"
];
info resp;
"""


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose home, data, config and cache dirs are all fresh and empty."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDBURST_") and not k.startswith("XDG_")}
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    return env


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def cloudburst(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cloudburst", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def test_check_suggests_near_names(tmp_path: Path, home: dict[str, str]) -> None:
    script = write(tmp_path / "lead.dg", LEAD_SCRIPT)
    proc = cloudburst(home, "check", str(script))
    assert proc.returncode == 3
    assert "lead.dg:2:9: warning: function 'lenght' is not defined in this script" in proc.stderr
    assert "did you mean 'length'?" in proc.stderr
    assert "lead.dg:3:9: error: unknown method 'toUpperCas'; did you mean 'toUpperCase'?" in proc.stderr
    # no known name is near 'nams': the warning shows without a guess
    assert "lead.dg:4:6: warning: undefined variable 'nams' (it may be supplied by the caller)\n" in proc.stderr


def test_check_warns_about_a_variable_never_assigned(tmp_path: Path, home: dict[str, str]) -> None:
    script = write(tmp_path / "follow_up.dg", FOLLOW_UP)
    proc = cloudburst(home, "check", str(script))
    assert proc.returncode == 0
    assert proc.stderr == (
        "follow_up.dg:6:29: warning: undefined variable 'leadNam' (it may be supplied by the caller); "
        "did you mean 'leadName'?\n"
        "    info \"Following up with \" + leadNam;\n"
        "                                ^^^^^^^\n").replace("follow_up.dg", str(script))
    assert "owner" not in proc.stderr  # assigned in one branch: not a typo
    strict = cloudburst(home, "check", "--strict", str(script))
    assert strict.returncode == 3 and "error: undefined variable 'leadNam'" in strict.stderr


def test_run_time_errors_suggest_too(tmp_path: Path, home: dict[str, str]) -> None:
    script = tmp_path / "follow_up.dg"
    script.write_text(FOLLOW_UP.replace("leadNam;", "leadNam;\n").replace('"Bo"))', '"Ann"))'))
    proc = cloudburst(home, "run", str(script))
    assert proc.returncode == 1
    assert "variable 'leadNam' is used before it has a value; did you mean 'leadName'?" in proc.stderr
    typo = tmp_path / "length.dg"
    typo.write_text('n = lenght("Ann");\ninfo n;\n')
    proc = cloudburst(home, "run", str(typo))
    assert "length.dg:1:5: error: function 'lenght' is not defined in this script; did you mean 'length'?" \
        in proc.stderr


def test_a_mistyped_connection_link_name(tmp_path: Path, home: dict[str, str]) -> None:
    env = {**home, "CLOUDBURST_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "CLOUDBURST_SECRET_KEY": Fernet.generate_key().decode()}
    for step in (["connector", "create", "Open Weather"], ["connector", "auth", "open_weather", "api_key"],
                 ["connector", "param", "add", "open_weather", "App ID", "appid", "--location", "query"],
                 ["connector", "ready", "open_weather"],
                 ["connection", "create", "open_weather", "Weather prod", "--link-name", "weather_prod"]):
        assert cloudburst(env, *step).returncode == 0
    script = write(tmp_path / "weather.dg", WEATHER)
    proc = cloudburst(env, "run", str(script))
    assert proc.returncode == 1
    assert "connection \"weather_pord\" does not exist; did you mean 'weather_prod'?" in proc.stderr
    shown = cloudburst(env, "connection", "show", "weather_pord")
    assert shown.returncode != 0 and "did you mean 'weather_prod'?" in shown.stderr
    unknown = cloudburst(env, "connection", "show", "crm_live")
    assert "create it with: cloudburst connection create CONNECTOR \"NAME\" --link-name crm_live" in unknown.stderr


def test_a_fresh_home_gets_no_store_from_a_script(tmp_path: Path, home: dict[str, str]) -> None:
    script = write(tmp_path / "weather.dg", WEATHER)
    proc = cloudburst(home, "run", str(script))
    assert proc.returncode == 1
    assert "no connection is saved yet; create one with: cloudburst connector create" in proc.stderr
    assert "cloudburst connection create" in proc.stderr
    made = [p.name for p in Path(home["HOME"]).rglob("*") if p.is_file()]
    assert "connections.db" not in made and "secret.key" not in made


@pytest.mark.parametrize(("name", "slip"), [
    ("lenght", "length"), ("toStirng", "toString"), ("TOUPPERCASE", "toUpperCase"),
    ("toLower", "toLowerCase"), ("toUpperC", "toUpperCase"), ("getAsString", None), ("nosuch", None),
])
def test_misspelling_is_a_slip_not_a_likeness(name: str, slip: str | None) -> None:
    from cloudburst.suggest import builtin_methods, misspelling_of

    assert misspelling_of(name, builtin_methods()) == slip


SETTINGS_SCRIPT = """\
settings = {"currency": "EUR", "rate": 1.1};
currency = settings.getAsString("currency");
info currency;
"""


def test_an_unknown_method_far_from_every_known_one_is_a_warning(tmp_path: Path, home: dict[str, str]) -> None:
    script = write(tmp_path / "settings.dg", SETTINGS_SCRIPT)
    proc = cloudburst(home, "check", str(script))
    assert proc.returncode == 0, proc.stderr
    assert f"{script}:2:12: warning: unknown method 'getAsString'" in proc.stderr
    strict = cloudburst(home, "check", "--strict", str(script))
    assert strict.returncode == 3
    assert f"{script}:2:12: error: unknown method 'getAsString'" in strict.stderr
    run = cloudburst(home, "run", str(script))
    assert run.returncode != 0
    assert f"{script}:2:12: error: KEY-VALUE has no method 'getasstring'" in run.stderr
    assert "Traceback" not in run.stderr


PAYROLL_SCRIPT = """\
employees = zoho.payroll.getEmployees("org-1");
leads = zoho.crn.getRecords("Leads");
"""


def test_an_unknown_zoho_service_is_a_warning_and_a_slip_of_a_known_one_an_error(
        tmp_path: Path, home: dict[str, str]) -> None:
    script = write(tmp_path / "payroll.dg", PAYROLL_SCRIPT)
    proc = cloudburst(home, "check", str(script))
    assert proc.returncode == 3
    assert f"{script}:1:13: warning: unknown Zoho service 'zoho.payroll'" in proc.stderr
    assert f"{script}:2:9: error: unknown Zoho task 'zoho.crn.getRecords'; did you mean 'zoho.crm'?" in proc.stderr
    script.write_text(PAYROLL_SCRIPT.splitlines()[0] + "\n")
    assert cloudburst(home, "check", str(script)).returncode == 0
    assert cloudburst(home, "check", "--strict", str(script)).returncode == 3


def test_an_unknown_method_on_today_fails_when_reached_instead_of_giving_null() -> None:
    from cloudburst.engine import Runtime
    from cloudburst.errors import DelugeRuntimeError

    source = 'info "start";\nweek = today.getWeekOfMonth();\ninfo week;\n'
    runtime = Runtime(network=False)
    assert [w.code for w in runtime.check(source, "week.dg")] == ["N208"]
    with pytest.raises(DelugeRuntimeError) as caught:
        runtime.run(source)
    assert "has no method 'getweekofmonth'" in caught.value.message
    assert caught.value.span is not None and caught.value.span.line == 2
