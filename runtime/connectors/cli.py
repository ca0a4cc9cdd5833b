"""``cloudburst connector|connection|secrets ...``: argparse commands over :class:`ConnectorService`.

``main`` never exits the process and never prints a traceback or a secret: it returns 0 (ok),
1 (refused or failed) or 2 (usage). The REPL reuses it with its own streams, prompt and service.
This is the only module of the package that reads environment variables.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from cloudburst.connectors import rules
from cloudburst.connectors.credentials import ConnectionUnavailable
from cloudburst.connectors.errors import RuleViolation
from cloudburst.errors import CloudburstError

if TYPE_CHECKING:
    from cloudburst.connectors.service import ConnectorService

__all__ = ["main", "Prompt"]

Prompt = Callable[[str, bool], str]
"""Asks the user for a value: ``prompt(text, secret)``; secret input must not echo."""

GROUPS = ("connector", "connection", "secrets")


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _UsageError(Exception):
    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        self.message = message
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to its class's streams and raises instead of exiting."""

    _out: TextIO = sys.stdout
    _err: TextIO = sys.stderr

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            (self._err if file is sys.stderr else self._out).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._err.write(message)
        raise _Exit(status)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message, self)


class _Context:
    """What a command handler needs: parsed args, streams, prompting, and the service."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO, prompt: Prompt | None,
                 environ: Mapping[str, str], service: ConnectorService | None) -> None:
        self.args, self.out, self.err, self.prompt, self.environ = args, out, err, prompt, environ
        self._service = service
        self._owned = service is None

    @property
    def service(self) -> ConnectorService:
        if self._service is None:
            from cloudburst.connectors.service import ConnectorService

            url = getattr(self.args, "db", None) or self.environ.get("CLOUDBURST_DATABASE_URL") or None
            keys = self.environ.get("CLOUDBURST_SECRET_KEY")
            self._service = ConnectorService(url, secret_keys=keys.split(",") if keys else None)
        return self._service

    def close(self) -> None:
        if self._owned and self._service is not None:
            self._service.close()

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def warn(self, text: str) -> None:
        self.err.write(f"cloudburst: warning: {text}\n")

    def json(self, data: Any) -> None:
        self.print(json.dumps(data, indent=2, ensure_ascii=False))

    def ask(self, text: str, secret: bool) -> str | None:
        return None if self.prompt is None else self.prompt(text, secret)


def _default_prompt(text: str, secret: bool) -> str:
    return getpass.getpass(text) if secret else input(text)


# ---------------------------------------------------------------------------- helpers


def _read_logo(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(rules.MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise RuleViolation("logo", f"cannot read {path}: {exc.strerror}") from None


def _pairs(items: list[str], size: int, what: str) -> list[tuple[str, ...]]:
    if len(items) % size:
        raise RuleViolation("scopes", f"expected {what} (got {len(items)} value(s))")
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)]


def _show(ctx: _Context, data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            ctx.print(f"{key}:")
            for item in value:
                ctx.print("  - " + ", ".join(f"{k}: {v}" for k, v in item.items() if v is not None))
        elif isinstance(value, dict):
            ctx.print(f"{key}:")
            for k, v in value.items():
                ctx.print(f"  {k}: {_plain(v)}")
        else:
            ctx.print(f"{key}: {_plain(value)}")


def _plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def _table(ctx: _Context, rows: list[dict[str, Any]], columns: list[str]) -> None:
    cells = [[c.upper().replace("_", " ") for c in columns]]
    cells += [[_plain(len(r[c]) if c == "connections" else r[c]) for c in columns] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    for row in cells:
        ctx.print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def _confirm(ctx: _Context, question: str, refusal: str) -> None:
    if ctx.args.yes:
        return
    answer = ctx.ask(f"{question} [y/N] ", False)
    if answer is None:
        raise RuleViolation("confirmation", refusal)
    if answer.strip().lower() not in ("y", "yes"):
        raise _Cancelled()


class _Cancelled(Exception):
    """The user answered no to a confirmation."""


# ---------------------------------------------------------------------------- connector commands


def _connector_create(ctx: _Context) -> None:
    a = ctx.args
    info = ctx.service.create_connector(a.name, link_name=a.link_name, description=a.description,
                                        logo=_read_logo(a.logo) if a.logo else None, auth_type=a.auth)
    ctx.print(info["link_name"])


def _connector_list(ctx: _Context) -> None:
    rows = ctx.service.list_connectors(ctx.args.search)
    if ctx.args.json:
        ctx.json(rows)
    elif rows:
        _table(ctx, rows, ["link_name", "name", "stage", "auth_type", "connections"])
    else:
        ctx.print("no connectors")


def _connector_show(ctx: _Context) -> None:
    info = ctx.service.get_connector(ctx.args.link_name)
    ctx.json(info) if ctx.args.json else _show(ctx, info)


def _connector_edit(ctx: _Context) -> None:
    a = ctx.args
    changes: dict[str, Any] = {}
    for field in ("name", "link_name", "description", "test_url"):
        if getattr(a, field) is not None:
            changes[field] = getattr(a, field)
    if a.no_description:
        changes["description"] = None
    if a.no_test_url:
        changes["test_url"] = None
    if a.logo is not None:
        changes["logo"] = _read_logo(a.logo)
    if a.no_logo:
        changes["logo"] = None
    if a.allow_host or a.remove_host or a.clear_hosts:
        hosts = [] if a.clear_hosts else list(ctx.service.get_connector(a.connector)["allowed_hosts"])
        hosts += [rules.allowed_host(h) for h in a.allow_host]
        removed = {rules.allowed_host(h) for h in a.remove_host}
        changes["allowed_hosts"] = [h for h in hosts if h not in removed]
    if not changes:
        raise RuleViolation("edit", "nothing to change; see --help")
    info = ctx.service.edit_connector(a.connector, **changes)
    ctx.print(info["link_name"])


def _connector_auth(ctx: _Context) -> None:
    a = ctx.args
    new_type = rules.auth_type(a.auth_type)
    current = ctx.service.get_connector(a.link_name)
    if current["stage"] == "Ready":
        raise RuleViolation("auth_type", f'cannot be changed: connector "{a.link_name}" is Ready')
    if current["auth_type"] == new_type:
        ctx.print(f"{a.link_name}: auth type is already {new_type}")
        return
    if current["auth_type"] is not None:
        _confirm(ctx, f"Changing the auth type of {a.link_name} discards all its auth configuration. Continue?",
                 "changing the auth type discards all auth configuration; pass --yes to confirm")
    ctx.service.set_auth_type(a.link_name, new_type)
    ctx.print(f"{a.link_name}: auth type {new_type}")


def _connector_param(ctx: _Context) -> None:
    a, svc = ctx.args, ctx.service
    if a.action == "add":
        svc.add_param(a.link_name, a.display_name, a.key, a.location)
        ctx.print(f"{a.link_name}: parameter {a.key} added")
    elif a.action == "edit":
        if a.display_name is None and a.new_key is None and a.location is None:
            raise RuleViolation("param", "nothing to change; give --display-name, --key or --location")
        info = svc.edit_param(a.link_name, a.key, display_name=a.display_name, new_key=a.new_key, location=a.location)
        ctx.print(f"{a.link_name}: parameter {info['key']} updated")
    elif a.action == "delete":
        count = svc.delete_params(a.link_name, a.keys)
        ctx.print(f"{a.link_name}: {count} parameter(s) deleted")
    else:
        params = svc.get_connector(a.link_name)["params"]
        if a.json:
            ctx.json(params)
        elif params:
            _table(ctx, params, ["key", "display_name", "role", "location"])
        else:
            ctx.print("no parameters")


def _connector_oauth(ctx: _Context) -> None:
    a = ctx.args
    changes: dict[str, Any] = {}
    for field in ("grant_type", "client_id", "bearer_name", "expiry_seconds"):
        if getattr(a, field) is not None:
            changes[field] = getattr(a, field)
    for field in ("authorize_url", "token_url", "refresh_url", "revoke_url"):
        value = getattr(a, field)
        if value is not None:
            changes[field] = value or None
    if a.pkce is not None:
        changes["pkce"] = a.pkce
    if a.client_secret is not None:
        secret = a.client_secret
        if secret == "-":
            asked = ctx.ask("Client secret: ", True)
            if asked is None:
                raise RuleViolation("client_secret", "cannot prompt for it here; pass --client-secret VALUE")
            secret = asked
        changes["client_secret"] = secret
    if not changes:
        raise RuleViolation("oauth", "nothing to change; see --help")
    ctx.service.configure_oauth(a.link_name, **changes)
    ctx.print(f"{a.link_name}: OAuth 2.0 settings updated")


def _connector_scope(ctx: _Context) -> None:
    a, svc = ctx.args, ctx.service
    if a.action == "add":
        count = svc.add_scopes(a.link_name, _pairs(a.items, 2, "NAME VALUE pairs"))  # type: ignore[arg-type]
        ctx.print(f"{a.link_name}: {count} scope(s) added")
    elif a.action == "edit":
        count = svc.edit_scopes(a.link_name, _pairs(a.items, 3, "OLD_VALUE NEW_NAME NEW_VALUE triples"))  # type: ignore[arg-type]
        ctx.print(f"{a.link_name}: {count} scope(s) edited")
    elif a.action == "delete":
        count = svc.delete_scopes(a.link_name, a.values)
        ctx.print(f"{a.link_name}: {count} scope(s) deleted")
    elif a.action == "delimiter":
        svc.set_scope_delimiter(a.link_name, a.delimiter)
        ctx.print(f"{a.link_name}: scope delimiter {a.delimiter}")
    else:
        scopes = svc.list_scopes(a.link_name, a.search)
        if a.json:
            ctx.json(scopes)
        elif scopes:
            _table(ctx, scopes, ["value", "display_name"])
        else:
            ctx.print("no scopes")


def _connector_ready(ctx: _Context) -> None:
    for warning in ctx.service.mark_ready(ctx.args.link_name):
        ctx.warn(warning)
    ctx.print(f"{ctx.args.link_name}: Ready")


def _connector_delete(ctx: _Context) -> None:
    ctx.service.delete_connector(ctx.args.link_name)
    ctx.print(f"{ctx.args.link_name}: deleted")


def _connector_export(ctx: _Context) -> None:
    text = json.dumps(ctx.service.export_connector(ctx.args.link_name), indent=2, ensure_ascii=False)
    if ctx.args.output:
        Path(ctx.args.output).write_text(text + "\n", encoding="utf-8")
        ctx.print(f"{ctx.args.link_name}: exported to {ctx.args.output}")
    else:
        ctx.print(text)


def _connector_import(ctx: _Context) -> None:
    a = ctx.args
    try:
        text = sys.stdin.read() if a.file == "-" else Path(a.file).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise RuleViolation("file", f"cannot read {a.file}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise RuleViolation("file", f"{a.file} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    info = ctx.service.import_connector(data, name=a.name, link_name=a.link_name)
    ctx.print(info["link_name"])


# ---------------------------------------------------------------------------- connection commands


def _connection_create(ctx: _Context) -> None:
    a = ctx.args
    scopes = None if a.scope is None else [v for item in a.scope for v in item.split(",") if v]
    info = ctx.service.create_connection(a.connector, a.name, link_name=a.link_name, scopes=scopes)
    ctx.print(info["link_name"])


def _connection_authorize(ctx: _Context) -> None:
    a, svc = ctx.args, ctx.service
    given: dict[str, str] = {}
    for item in a.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise RuleViolation("param", f"expected KEY=VALUE (got {key or item!r} without '=')")
        given[key] = value
    prompts = svc.authorization_prompts(a.link_name)
    if not prompts and svc.flow_details(a.link_name)["auth_type"] == "oauth2":
        if given:
            raise RuleViolation("param", "OAuth 2.0 connections take no --param values")
        svc.authorize_oauth(a.link_name, out=ctx.out, open_browser=not a.no_browser, timeout=a.timeout, port=a.port)
        ctx.print(f"{a.link_name}: connected")
        return
    svc.authorization_settings(a.link_name)
    for item in prompts:
        if item["key"] in given:
            continue
        value = ctx.ask(f"{item['display_name']}: ", item["secret"])
        if value is None:
            missing = [p["key"] for p in prompts if p["key"] not in given]
            raise RuleViolation("param", f"missing value for {', '.join(missing)}; pass --param KEY=VALUE")
        given[item["key"]] = value
    svc.authorize_with_values(a.link_name, given)
    ctx.print(f"{a.link_name}: connected")


def _connection_list(ctx: _Context) -> None:
    rows = ctx.service.list_connections(ctx.args.connector)
    if ctx.args.json:
        ctx.json(rows)
    elif rows:
        _table(ctx, rows, ["link_name", "name", "connector", "status", "enabled"])
    else:
        ctx.print("no connections")


def _connection_show(ctx: _Context) -> None:
    info = ctx.service.get_connection(ctx.args.link_name)
    ctx.json(info) if ctx.args.json else _show(ctx, info)


def _connection_rename(ctx: _Context) -> None:
    ctx.service.rename_connection(ctx.args.link_name, ctx.args.name)
    ctx.print(f"{ctx.args.link_name}: renamed")


def _connection_revoke(ctx: _Context) -> None:
    for warning in ctx.service.revoke(ctx.args.link_name):
        ctx.warn(warning)
    ctx.print(f"{ctx.args.link_name}: not connected (authorization revoked)")


def _connection_enable(ctx: _Context) -> None:
    ctx.service.set_enabled(ctx.args.link_name, True)
    ctx.print(f"{ctx.args.link_name}: enabled")


def _connection_disable(ctx: _Context) -> None:
    ctx.service.set_enabled(ctx.args.link_name, False)
    ctx.print(f"{ctx.args.link_name}: disabled")


def _connection_delete(ctx: _Context) -> None:
    ctx.service.delete_connection(ctx.args.link_name)
    ctx.print(f"{ctx.args.link_name}: deleted")


def _connection_test(ctx: _Context) -> None:
    result = ctx.service.test_connection(ctx.args.link_name)
    if not result.ok:
        raise RuleViolation("test", f"{ctx.args.link_name}: {result.reason}")
    ctx.print(f"{ctx.args.link_name}: ok ({result.reason})")


# ---------------------------------------------------------------------------- secrets commands


def _secrets_rotate(ctx: _Context) -> None:
    from cloudburst.connectors.secrets import default_key_file, generate_key, load_keys, write_key_file
    from cloudburst.connectors.service import ConnectorService

    a = ctx.args
    if not a.new_key:
        count = ctx.service.rotate_secrets()
        ctx.print(f"re-encrypted {count} secret value(s) with the newest key")
        return
    if ctx.environ.get("CLOUDBURST_SECRET_KEY"):
        raise RuleViolation("--new-key", "applies to the key file only; with CLOUDBURST_SECRET_KEY, put the new key "
                                         "first in the list and run: cloudburst secrets rotate")
    path = default_key_file()
    old_keys = load_keys(None, path)
    ctx.service.rotate_secrets()
    keys = [generate_key(), *old_keys]
    write_key_file(path, keys)
    url = getattr(a, "db", None) or ctx.environ.get("CLOUDBURST_DATABASE_URL") or None
    with ConnectorService(url, secret_keys=keys) as fresh:
        count = fresh.rotate_secrets()
    if a.drop_old_keys:
        write_key_file(path, keys[:1])
    ctx.print(f"new key written to {path}; re-encrypted {count} secret value(s)")


def _secrets_check(ctx: _Context) -> None:
    ctx.service.list_connectors()
    ctx.print("the secret key opens this connection store")


def _secrets_generate_key(ctx: _Context) -> None:
    from cloudburst.connectors.secrets import generate_key

    ctx.print(generate_key())


# ---------------------------------------------------------------------------- parser


def _build_parser(prog: str, out: TextIO, err: TextIO) -> _Parser:
    class Parser(_Parser):
        _out, _err = out, err

    def make(**kwargs: Any) -> Parser:
        return Parser(**kwargs)

    db = make(add_help=False)
    db.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                    help="SQLAlchemy database URL (default: $CLOUDBURST_DATABASE_URL or a SQLite file)")

    def sub(parent: argparse._SubParsersAction[Parser], name: str, handler: Callable[[_Context], None],
            help_text: str) -> Parser:
        parser = parent.add_parser(name, help=help_text, description=help_text, parents=[db])
        parser.set_defaults(handler=handler)
        return parser

    def subgroup(parser: Parser, dest: str) -> argparse._SubParsersAction[Parser]:
        return parser.add_subparsers(dest=dest, metavar="COMMAND", required=True, parser_class=Parser)

    root = make(prog=prog, description="Manage connectors, connections and secrets.")
    groups = subgroup(root, "group")

    connector = groups.add_parser("connector", help="manage connectors", parents=[db])
    cmds = subgroup(connector, "command")
    p = sub(cmds, "create", _connector_create, "create a Draft connector and print its link name")
    p.add_argument("name")
    p.add_argument("--link-name")
    p.add_argument("--description")
    p.add_argument("--logo", metavar="FILE", help="PNG or JPEG under 1 MB")
    p.add_argument("--auth", metavar="TYPE", help="basic, api_key or oauth2")
    p = sub(cmds, "list", _connector_list, "list connectors")
    p.add_argument("--search", metavar="TEXT", help="match name or link name")
    p.add_argument("--json", action="store_true")
    p = sub(cmds, "show", _connector_show, "show one connector")
    p.add_argument("link_name")
    p.add_argument("--json", action="store_true")
    p = sub(cmds, "edit", _connector_edit, "edit general details, test URL and allowed hosts")
    p.add_argument("connector", metavar="LINK_NAME")
    p.add_argument("--name")
    p.add_argument("--link-name", help="new link name (Draft connectors only)")
    p.add_argument("--description")
    p.add_argument("--no-description", action="store_true")
    p.add_argument("--logo", metavar="FILE")
    p.add_argument("--no-logo", action="store_true")
    p.add_argument("--test-url", metavar="URL", help="the URL `connection test` requests")
    p.add_argument("--no-test-url", action="store_true")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="only inject credentials into requests to these hosts (repeatable)")
    p.add_argument("--remove-host", action="append", default=[], metavar="HOST")
    p.add_argument("--clear-hosts", action="store_true")
    p = sub(cmds, "auth", _connector_auth, "set the auth type (Draft only; discards auth configuration)")
    p.add_argument("link_name")
    p.add_argument("auth_type", metavar="TYPE", help="basic, api_key or oauth2")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub(cmds, "param", _connector_param, "add, edit, delete or list auth parameters")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    q = actions.add_parser("add", help="add an API key parameter", parents=[db])
    q.add_argument("link_name")
    q.add_argument("display_name")
    q.add_argument("key", help="the name the target API expects")
    q.add_argument("--location", default="header", help="query, form or header (default header)")
    q = actions.add_parser("edit", help="edit a parameter", parents=[db])
    q.add_argument("link_name")
    q.add_argument("key")
    q.add_argument("--display-name")
    q.add_argument("--key", dest="new_key")
    q.add_argument("--location")
    q = actions.add_parser("delete", help="delete parameters", parents=[db])
    q.add_argument("link_name")
    q.add_argument("keys", nargs="+", metavar="KEY")
    q = actions.add_parser("list", help="list parameters", parents=[db])
    q.add_argument("link_name")
    q.add_argument("--json", action="store_true")

    p = sub(cmds, "oauth", _connector_oauth, "set OAuth 2.0 details (Draft only)")
    p.add_argument("link_name")
    p.add_argument("--grant-type", help="authorization_code or client_credentials")
    p.add_argument("--pkce", dest="pkce", action="store_true", default=None)
    p.add_argument("--no-pkce", dest="pkce", action="store_false")
    p.add_argument("--client-id")
    p.add_argument("--client-secret", metavar="VALUE", help="'-' to be asked (hidden input)")
    p.add_argument("--authorize-url", metavar="URL")
    p.add_argument("--token-url", metavar="URL")
    p.add_argument("--refresh-url", metavar="URL", help="'' to clear (the token URL is used)")
    p.add_argument("--revoke-url", metavar="URL", help="'' to clear")
    p.add_argument("--bearer-name", metavar="NAME", help="token prefix (default Bearer)")
    p.add_argument("--expiry", dest="expiry_seconds", metavar="SECONDS",
                   help="900-86400, used when the token response has no expires_in (default 3600)")

    p = sub(cmds, "scope", _connector_scope, "add, edit, delete, list or search scopes")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    q = actions.add_parser("add", help="add scopes: NAME VALUE [NAME VALUE ...]", parents=[db])
    q.add_argument("link_name")
    q.add_argument("items", nargs="+", metavar="NAME VALUE")
    q = actions.add_parser("edit", help="edit scopes: OLD_VALUE NEW_NAME NEW_VALUE [...]", parents=[db])
    q.add_argument("link_name")
    q.add_argument("items", nargs="+", metavar="OLD_VALUE NEW_NAME NEW_VALUE")
    q = actions.add_parser("delete", help="delete scopes by value", parents=[db])
    q.add_argument("link_name")
    q.add_argument("values", nargs="+", metavar="VALUE")
    q = actions.add_parser("list", help="list scopes", parents=[db])
    q.add_argument("link_name")
    q.add_argument("--search", metavar="TEXT", help="match display name or value")
    q.add_argument("--json", action="store_true")
    q = actions.add_parser("delimiter", help="set the scope delimiter", parents=[db])
    q.add_argument("link_name")
    q.add_argument("delimiter", choices=["comma", "space", "plus"])

    p = sub(cmds, "ready", _connector_ready, "mark a Draft connector Ready (irreversible)")
    p.add_argument("link_name")
    p = sub(cmds, "delete", _connector_delete, "delete a connector without connections")
    p.add_argument("link_name")
    p = sub(cmds, "export", _connector_export, "write the definition as JSON (no secrets)")
    p.add_argument("link_name")
    p.add_argument("--output", "-o", metavar="FILE")
    p = sub(cmds, "import", _connector_import, "recreate an exported connector as a Draft")
    p.add_argument("file", help="JSON file, or - for standard input")
    p.add_argument("--name")
    p.add_argument("--link-name")

    connection = groups.add_parser("connection", help="manage connections", parents=[db])
    cmds = subgroup(connection, "command")
    p = sub(cmds, "create", _connection_create, "create a connection from a Ready connector")
    p.add_argument("connector", metavar="CONNECTOR")
    p.add_argument("name")
    p.add_argument("--link-name", help="immutable; default derived from the name")
    p.add_argument("--scope", action="append", metavar="VALUE",
                   help="a scope value (repeatable or comma-separated; default all the connector's scopes)")
    p = sub(cmds, "authorize", _connection_authorize, "authorize (ask for values, or run the OAuth 2.0 flow)")
    p.add_argument("link_name")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--no-browser", action="store_true", help="print the address instead of opening a browser")
    p.add_argument("--timeout", type=float, default=90.0, metavar="SECONDS")
    p.add_argument("--port", type=int, default=0, help="loopback redirect port (default: a free port)")
    p = sub(cmds, "list", _connection_list, "list connections")
    p.add_argument("--connector", metavar="CONNECTOR")
    p.add_argument("--json", action="store_true")
    p = sub(cmds, "show", _connection_show, "show one connection")
    p.add_argument("link_name")
    p.add_argument("--json", action="store_true")
    p = sub(cmds, "rename", _connection_rename, "change the display name (the link name never changes)")
    p.add_argument("link_name")
    p.add_argument("name")
    for name, handler, text in (
        ("revoke", _connection_revoke, "revoke the authorization and wipe stored tokens and values"),
        ("disable", _connection_disable, "stop scripts from using the connection"),
        ("enable", _connection_enable, "allow scripts to use the connection again"),
        ("delete", _connection_delete, "delete the connection"),
        ("test", _connection_test, "send one request to the connector's test URL"),
    ):
        sub(cmds, name, handler, text).add_argument("link_name")

    secrets = groups.add_parser("secrets", help="manage the encryption of stored secrets", parents=[db])
    cmds = subgroup(secrets, "command")
    p = sub(cmds, "rotate", _secrets_rotate, "re-encrypt every secret with the newest key")
    p.add_argument("--new-key", action="store_true", help="first add a new key to the key file")
    p.add_argument("--drop-old-keys", action="store_true", help="with --new-key: keep only the new key")
    sub(cmds, "check", _secrets_check, "check that the key opens the store")
    sub(cmds, "generate-key", _secrets_generate_key, "print a new key for CLOUDBURST_SECRET_KEY")
    return root


def main(
    argv: list[str] | None = None,
    *,
    prog: str = "cloudburst",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    prompt: Prompt | None = None,
    environ: Mapping[str, str] | None = None,
    service: ConnectorService | None = None,
) -> int:
    """Run one command; ``argv`` starts at the group word (``connector``, ``connection``, ``secrets``).

    ``prompt`` defaults to input/getpass when standard input is a terminal; without one, values
    must come from options (``--param``, ``--yes``).
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    env = os.environ if environ is None else environ
    if prompt is None and sys.stdin is not None and sys.stdin.isatty():
        prompt = _default_prompt
    parser = _build_parser(prog, out, err)
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except _Exit as done:
        return done.status
    except _UsageError as usage:
        usage.parser.print_usage(err)
        err.write(f"{prog}: error: {usage.message}\n")
        return 2
    ctx = _Context(args, out, err, prompt, env, service)
    try:
        args.handler(ctx)
        return 0
    except _Cancelled:
        err.write(f"{prog}: cancelled\n")
        return 1
    except (CloudburstError, ConnectionUnavailable) as exc:
        err.write(f"{prog}: error: {getattr(exc, 'message', str(exc))}\n")
        return 1
    except KeyboardInterrupt:
        err.write(f"{prog}: interrupted\n")
        return 130
    except Exception as exc:  # never a traceback; the type alone cannot leak a secret
        err.write(f"{prog}: error: internal error ({exc.__class__.__name__}); please report it\n")
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
