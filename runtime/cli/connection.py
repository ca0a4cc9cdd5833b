"""``cloudburst connection ...``: create, authorize, test and manage connections, the
named, authorized uses of a connector that scripts name in ``invokeurl``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cloudburst.cli.dispatch import EXIT_OK, EXIT_RUNTIME, Context, Usage, add_db_option, command, subcommands
from cloudburst.cli.tables import listing, show
from cloudburst.cli.zoho import add_authorize_options
from cloudburst.cli.zoho import authorize as zoho_authorize
from cloudburst.connectors.errors import RuleViolation

__all__ = ["HELP", "configure"]

HELP = "manage connections (what scripts name in invokeurl's connection:)"

LINK = "the connection's link name"


def _open_browser(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


def _given_values(ctx: Context) -> dict[str, str]:
    """Parameter values from the command line, standard input, a file or environment
    variables; the last three keep a secret out of ``ps`` and the shell history."""
    a = ctx.args
    if a.params_file == "-" and a.param_stdin:
        raise Usage("--params-file - and --param-stdin both read standard input; use one")
    given: dict[str, str] = {}
    if a.params_file:
        given.update(_read_params_file(ctx, a.params_file))
    for item in a.param_env:
        key, sep, variable = item.partition("=")
        if not sep or not key or not variable:
            raise Usage(f"--param-env needs KEY=ENVVAR, got {item!r}")
        value = ctx.env.variable(variable)
        if value is None:
            raise Usage(f"--param-env {key}: the environment variable {variable} is not set")
        given[key] = value
    for key in a.param_stdin:
        line = ctx.stdin.readline()
        if not line:
            raise Usage(f"--param-stdin {key}: standard input ended before its value")
        given[key] = line.rstrip("\r\n")
    for item in a.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise RuleViolation("param", f"expected KEY=VALUE (got {key or item!r} without '=')")
        given[key] = value
    return given


def _read_params_file(ctx: Context, path: str) -> dict[str, str]:
    """A JSON object, or KEY=VALUE lines (blank lines and ``#`` comments skipped)."""
    try:
        text = ctx.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise Usage(f"cannot read --params-file {path}: {exc.strerror}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise Usage(f"--params-file {path} is not valid JSON") from None
        if not isinstance(data, dict):
            raise Usage(f"--params-file {path} must hold a JSON object of KEY: value")
        return {str(k): str(v) for k, v in data.items()}
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise Usage(f"--params-file {path}:{number}: expected KEY=VALUE")
        values[key.strip()] = value
    return values


def _create(ctx: Context) -> None:
    a = ctx.args
    scopes = None if a.scope is None else _scope_values(a.scope)
    info = ctx.service.create_connection(a.connector, a.name, link_name=a.link_name, scopes=scopes)
    ctx.report(info["link_name"], info)


def _authorize(ctx: Context) -> None:
    a = ctx.args
    given = _given_values(ctx)
    svc = ctx.service
    prompts = svc.authorization_prompts(a.link_name)
    oauth = not prompts and svc.flow_details(a.link_name)["auth_type"] == "oauth2"
    if (oauth or a.grant_code) and not given and zoho_authorize(ctx, None if a.no_browser else _open_browser):
        return
    if oauth:
        if given:
            raise RuleViolation("param", "OAuth 2.0 connections take no --param values")
        browser = None if a.no_browser else _open_browser
        svc.authorize_oauth(a.link_name, out=ctx.chatter, open_browser=browser, timeout=a.timeout, port=a.port,
                            live=ctx.chatter.isatty())
        _connected(ctx)
        return
    svc.authorization_settings(a.link_name)
    for item in prompts:
        if item["key"] in given:
            continue
        value = ctx.ask(f"{item['display_name']}: ", item["secret"])
        if value is None:
            missing = [p["key"] for p in prompts if p["key"] not in given]
            raise RuleViolation("param", f"missing value for {', '.join(missing)}; pass --param-stdin KEY, "
                                          "--params-file FILE or --param-env KEY=ENVVAR")
        given[item["key"]] = value
    svc.authorize_with_values(a.link_name, given)
    _connected(ctx)


def _connected(ctx: Context) -> None:
    link = ctx.args.link_name
    ctx.report(f"{link}: connected", {"link_name": link, "status": "connected"})


def _list(ctx: Context) -> None:
    rows = ctx.service.list_connections(ctx.args.connector)
    listing(ctx, rows, ["link_name", "name", "connector", "status", "enabled"], "no connections")


def _show(ctx: Context) -> None:
    info = ctx.service.get_connection(ctx.args.link_name)
    ctx.json(info) if ctx.args.json else show(ctx, info)


def _rename(ctx: Context) -> None:
    ctx.service.rename_connection(ctx.args.link_name, ctx.args.name)
    ctx.report(f"{ctx.args.link_name}: renamed", {"link_name": ctx.args.link_name, "name": ctx.args.name})


def _scope_values(items: list[str]) -> list[str]:
    """Scope values given as repeated and/or comma-separated arguments."""
    return [v for item in items for v in item.split(",") if v]


def _scopes(ctx: Context) -> None:
    a = ctx.args
    chosen = _scope_values(a.scope)
    connected = ctx.service.get_connection(a.link_name)["status"] == "connected"
    for warning in ctx.service.set_connection_scopes(a.link_name, chosen):
        ctx.warn(warning)
    info = ctx.service.get_connection(a.link_name)
    again = connected and info["status"] != "connected"
    text = f"{a.link_name}: scopes {', '.join(info['scopes'])}"
    if again:
        text += f"\nauthorize it again for them: cloudburst connection authorize {a.link_name}"
    ctx.report(text, {"link_name": a.link_name, "scopes": info["scopes"], "status": info["status"]})


def _revoke(ctx: Context) -> None:
    warnings = ctx.service.revoke(ctx.args.link_name)
    for warning in warnings:
        ctx.warn(warning)
    ctx.report(f"{ctx.args.link_name}: not connected (authorization revoked)",
               {"link_name": ctx.args.link_name, "status": "not connected", "warnings": list(warnings)})


def _enable(ctx: Context) -> None:
    ctx.service.set_enabled(ctx.args.link_name, True)
    ctx.report(f"{ctx.args.link_name}: enabled", {"link_name": ctx.args.link_name, "enabled": True})


def _disable(ctx: Context) -> None:
    ctx.service.set_enabled(ctx.args.link_name, False)
    ctx.report(f"{ctx.args.link_name}: disabled", {"link_name": ctx.args.link_name, "enabled": False})


def _delete(ctx: Context) -> None:
    ctx.service.delete_connection(ctx.args.link_name)
    ctx.report(f"{ctx.args.link_name}: deleted", {"link_name": ctx.args.link_name, "deleted": True})


def _test(ctx: Context) -> int:
    link = ctx.args.link_name
    result = ctx.service.test_connection(link)
    if ctx.args.json:
        ctx.json({"link_name": link, "ok": result.ok, "reason": result.reason})
        return EXIT_OK if result.ok else EXIT_RUNTIME
    if not result.ok:
        raise RuleViolation("test", f"{link}: {result.reason}")
    ctx.print(f"{link}: ok ({result.reason})")
    return EXIT_OK


def configure(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    cmds = subcommands(parser)
    p = command(cmds, "create", _create, "create a connection from a Ready connector", reports=True)
    p.add_argument("connector", metavar="CONNECTOR", help="the connector's link name")
    p.add_argument("name", help="display name, e.g. \"Weather prod\"")
    p.add_argument("--link-name", help="the name scripts use; immutable (default: derived from the name)")
    p.add_argument("--scope", action="append", metavar="VALUE",
                   help="a scope value (repeatable or comma-separated; default all the connector's scopes)")
    p = command(cmds, "authorize", _authorize, "authorize (ask for values, or run the OAuth 2.0 flow)", reports=True)
    p.add_argument("link_name", help=LINK)
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a parameter value (visible in ps and the shell history: prefer the options below)")
    p.add_argument("--param-stdin", action="append", default=[], metavar="KEY",
                   help="read KEY's value from a line of standard input (repeatable, in order)")
    p.add_argument("--params-file", metavar="FILE",
                   help="read KEY=VALUE lines or a JSON object from FILE (- for standard input)")
    p.add_argument("--param-env", action="append", default=[], metavar="KEY=ENVVAR",
                   help="take KEY's value from the environment variable ENVVAR (repeatable)")
    p.add_argument("--no-browser", action="store_true", help="print the address instead of opening a browser")
    p.add_argument("--timeout", type=float, default=90.0, metavar="SECONDS",
                   help="how long to wait for the OAuth 2.0 redirect (default 90)")
    p.add_argument("--port", type=int, default=0, help="loopback redirect port (default: a free port)")
    add_authorize_options(p)
    p = command(cmds, "list", _list, "list connections")
    p.add_argument("--connector", metavar="CONNECTOR", help="only connections of this connector")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p = command(cmds, "show", _show, "show one connection")
    p.add_argument("link_name", help=LINK)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(cmds, "rename", _rename, "change the display name (the link name never changes)", reports=True)
    p.add_argument("link_name", help=LINK)
    p.add_argument("name", help="the new display name")
    p = command(cmds, "scopes", _scopes, "choose an OAuth 2.0 connection's scopes again (a change means "
                "authorizing it again, as in Zoho)", reports=True)
    p.add_argument("link_name", help=LINK)
    p.add_argument("scope", nargs="+", metavar="SCOPE", help="the scope values (space- or comma-separated), "
                   "from the connector's scopes")
    for name, handler, text in (
        ("revoke", _revoke, "revoke the authorization and wipe stored tokens and values"),
        ("disable", _disable, "stop scripts from using the connection"),
        ("enable", _enable, "allow scripts to use the connection again"),
        ("delete", _delete, "delete the connection"),
        ("test", _test, "send one request to the connector's test URL"),
    ):
        command(cmds, name, handler, text, reports=True).add_argument("link_name", help=LINK)
