"""``cloudburst connector ...``: define the APIs connections are made for (auth type,
parameters, OAuth 2.0 details, scopes, allowed hosts), as Zoho's connector pages do."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cloudburst.cli.dispatch import Context, add_db_option, command, subcommands
from cloudburst.cli.tables import confirm, listing, show
from cloudburst.cli.zoho import add_preset_options
from cloudburst.connectors import rules
from cloudburst.connectors.errors import RuleViolation

__all__ = ["HELP", "configure"]

HELP = "manage connectors (the APIs connections are made for)"

LINK = "the connector's link name"


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



def _create(ctx: Context) -> None:
    a = ctx.args
    if a.preset:
        from cloudburst.cli.zoho import create_preset

        return create_preset(ctx)
    info = ctx.service.create_connector(a.name, link_name=a.link_name, description=a.description,
                                        logo=_read_logo(a.logo) if a.logo else None, auth_type=a.auth)
    ctx.report(info["link_name"], info)


def _list(ctx: Context) -> None:
    rows = ctx.service.list_connectors(ctx.args.search)
    listing(ctx, rows, ["link_name", "name", "stage", "auth_type", "connections"], "no connectors")


def _show(ctx: Context) -> None:
    info = ctx.service.get_connector(ctx.args.link_name)
    oauth = info.get("oauth")
    if isinstance(oauth, dict) and oauth.get("grant_type") != "authorization_code":
        info["oauth"] = {k: v for k, v in oauth.items() if k != "pkce"}  # PKCE belongs to the code grant only
    ctx.json(info) if ctx.args.json else show(ctx, info)


def _edit(ctx: Context) -> None:
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
    ctx.report(info["link_name"], info)


def _auth(ctx: Context) -> None:
    a = ctx.args
    new_type = rules.auth_type(a.auth_type)
    current = ctx.service.get_connector(a.link_name)
    if current["stage"] == "Ready":
        raise RuleViolation("auth_type", f'cannot be changed: connector "{a.link_name}" is Ready')
    if current["auth_type"] == new_type:
        ctx.report(f"{a.link_name}: auth type is already {new_type}", {"link_name": a.link_name, "auth_type": new_type})
        return
    if current["auth_type"] is not None:
        confirm(ctx, f"Changing the auth type of {a.link_name} discards all its auth configuration. Continue?",
                 "changing the auth type discards all auth configuration; pass --yes to confirm")
    ctx.service.set_auth_type(a.link_name, new_type)
    ctx.report(f"{a.link_name}: auth type {new_type}", {"link_name": a.link_name, "auth_type": new_type})


def _param(ctx: Context) -> None:
    a, svc = ctx.args, ctx.service
    if a.action == "add":
        svc.add_param(a.link_name, a.display_name, a.key, a.location)
        ctx.report(f"{a.link_name}: parameter {a.key} added", {"link_name": a.link_name, "added": [a.key]})
    elif a.action == "edit":
        if a.display_name is None and a.new_key is None and a.location is None:
            raise RuleViolation("param", "nothing to change; give --display-name, --key or --location")
        info = svc.edit_param(a.link_name, a.key, display_name=a.display_name, new_key=a.new_key, location=a.location)
        ctx.report(f"{a.link_name}: parameter {info['key']} updated", {"link_name": a.link_name, "parameter": info})
    elif a.action == "delete":
        count = svc.delete_params(a.link_name, a.keys)
        ctx.report(f"{a.link_name}: {count} parameter(s) deleted", {"link_name": a.link_name, "deleted": count})
    else:
        params = svc.get_connector(a.link_name)["params"]
        listing(ctx, params, ["key", "display_name", "role", "location"], "no parameters")


def _oauth(ctx: Context) -> None:
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
    ctx.report(f"{a.link_name}: OAuth 2.0 settings updated",
               {"link_name": a.link_name, "updated": sorted(changes)})


def _scope(ctx: Context) -> None:
    a, svc = ctx.args, ctx.service
    if a.action == "add":
        count = svc.add_scopes(a.link_name, _pairs(a.items, 2, "NAME VALUE pairs"))  # type: ignore[arg-type]
        ctx.report(f"{a.link_name}: {count} scope(s) added", {"link_name": a.link_name, "added": count})
    elif a.action == "edit":
        count = svc.edit_scopes(a.link_name, _pairs(a.items, 3, "OLD_VALUE NEW_NAME NEW_VALUE triples"))  # type: ignore[arg-type]
        ctx.report(f"{a.link_name}: {count} scope(s) edited", {"link_name": a.link_name, "edited": count})
    elif a.action == "delete":
        count = svc.delete_scopes(a.link_name, a.values)
        ctx.report(f"{a.link_name}: {count} scope(s) deleted", {"link_name": a.link_name, "deleted": count})
    elif a.action == "delimiter":
        svc.set_scope_delimiter(a.link_name, a.delimiter)
        ctx.report(f"{a.link_name}: scope delimiter {a.delimiter}",
                   {"link_name": a.link_name, "scope_delimiter": a.delimiter})
    else:
        scopes = svc.list_scopes(a.link_name, a.search)
        listing(ctx, scopes, ["value", "display_name"], "no scopes")


def _ready(ctx: Context) -> None:
    warnings = ctx.service.mark_ready(ctx.args.link_name)
    for warning in warnings:
        ctx.warn(warning)
    ctx.report(f"{ctx.args.link_name}: Ready", {"link_name": ctx.args.link_name, "stage": "Ready",
                                                "warnings": list(warnings)})


def _delete(ctx: Context) -> None:
    ctx.service.delete_connector(ctx.args.link_name)
    ctx.report(f"{ctx.args.link_name}: deleted", {"link_name": ctx.args.link_name, "deleted": True})


def _export(ctx: Context) -> None:
    text = json.dumps(ctx.service.export_connector(ctx.args.link_name), indent=2, ensure_ascii=False)
    if ctx.args.output:
        Path(ctx.args.output).write_text(text + "\n", encoding="utf-8")
        ctx.print(f"{ctx.args.link_name}: exported to {ctx.args.output}")
    else:
        ctx.print(text)


def _import(ctx: Context) -> None:
    a = ctx.args
    try:
        text = ctx.stdin.read() if a.file == "-" else Path(a.file).read_text(encoding="utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise RuleViolation("file", f"cannot read {a.file}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise RuleViolation("file", f"{a.file} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    info = ctx.service.import_connector(data, name=a.name, link_name=a.link_name)
    ctx.report(info["link_name"], info)


def configure(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    cmds = subcommands(parser)
    p = command(cmds, "create", _create, "create a Draft connector and print its link name", reports=True)
    p.add_argument("name", help="display name, e.g. \"Open Weather\"")
    p.add_argument("--link-name", help="the name scripts and connections use (default: derived from the name)")
    p.add_argument("--description", help="free text shown by `connector show`")
    p.add_argument("--logo", metavar="FILE", help="PNG or JPEG under 1 MB")
    p.add_argument("--auth", metavar="TYPE", help="basic, api_key or oauth2 (can be set later with `connector auth`)")
    add_preset_options(p)
    p = command(cmds, "list", _list, "list connectors")
    p.add_argument("--search", metavar="TEXT", help="match name or link name")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p = command(cmds, "show", _show, "show one connector")
    p.add_argument("link_name", help=LINK)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command(cmds, "edit", _edit, "edit general details, test URL and allowed hosts", reports=True)
    p.add_argument("connector", metavar="LINK_NAME", help=LINK)
    p.add_argument("--name", help="new display name")
    p.add_argument("--link-name", help="new link name (Draft connectors only)")
    p.add_argument("--description", help="new description")
    p.add_argument("--no-description", action="store_true", help="remove the description")
    p.add_argument("--logo", metavar="FILE", help="new logo: PNG or JPEG under 1 MB")
    p.add_argument("--no-logo", action="store_true", help="remove the logo")
    p.add_argument("--test-url", metavar="URL", help="the URL `connection test` requests")
    p.add_argument("--no-test-url", action="store_true", help="remove the test URL")
    p.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="only inject credentials into requests to these hosts (repeatable)")
    p.add_argument("--remove-host", action="append", default=[], metavar="HOST",
                   help="remove a host from the allowed hosts (repeatable)")
    p.add_argument("--clear-hosts", action="store_true", help="remove every allowed host")
    p = command(cmds, "auth", _auth, "set the auth type (Draft only; discards auth configuration)", reports=True)
    p.add_argument("link_name", help=LINK)
    p.add_argument("auth_type", metavar="TYPE", help="basic, api_key or oauth2")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = command(cmds, "param", _param, "add, edit, delete or list API key parameters")
    actions = subcommands(p, "action")
    q = command(actions, "add", _param, "add an API key parameter", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("display_name", help="what `connection authorize` asks for, e.g. \"API key\"")
    q.add_argument("key", help="the name the target API expects")
    q.add_argument("--location", default="header", help="query, form or header (default header)")
    q = command(actions, "edit", _param, "edit a parameter", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("key", help="the parameter's current key")
    q.add_argument("--display-name", help="new display name")
    q.add_argument("--key", dest="new_key", help="new key")
    q.add_argument("--location", help="query, form or header")
    q = command(actions, "delete", _param, "delete parameters", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("keys", nargs="+", metavar="KEY", help="keys of the parameters to delete")
    q = command(actions, "list", _param, "list parameters")
    q.add_argument("link_name", help=LINK)
    q.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = command(cmds, "oauth", _oauth, "set OAuth 2.0 details (Draft only)", reports=True)
    p.add_argument("link_name", help=LINK)
    p.add_argument("--grant-type", help="authorization_code or client_credentials")
    p.add_argument("--pkce", dest="pkce", action="store_true", default=None,
                   help="use PKCE in the authorization code grant")
    p.add_argument("--no-pkce", dest="pkce", action="store_false", help="do not use PKCE")
    p.add_argument("--client-id", help="the client ID the provider issued")
    p.add_argument("--client-secret", metavar="VALUE",
                   help="the client secret; '-' to be asked (hidden input, not kept in the shell history)")
    p.add_argument("--authorize-url", metavar="URL", help="the provider's authorization endpoint")
    p.add_argument("--token-url", metavar="URL", help="the provider's token endpoint")
    p.add_argument("--refresh-url", metavar="URL", help="'' to clear (the token URL is used)")
    p.add_argument("--revoke-url", metavar="URL", help="RFC 7009 revocation endpoint; '' to clear")
    p.add_argument("--bearer-name", metavar="NAME", help="token prefix (default Bearer)")
    p.add_argument("--expiry", dest="expiry_seconds", metavar="SECONDS",
                   help="900-86400, used when the token response has no expires_in (default 3600)")

    p = command(cmds, "scope", _scope, "add, edit, delete, list or search scopes")
    actions = subcommands(p, "action")
    q = command(actions, "add", _scope, "add scopes: NAME VALUE [NAME VALUE ...]", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("items", nargs="+", metavar="NAME VALUE", help="display name and value of each scope")
    q = command(actions, "edit", _scope, "edit scopes: OLD_VALUE NEW_NAME NEW_VALUE [...]", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("items", nargs="+", metavar="OLD_VALUE NEW_NAME NEW_VALUE", help="one triple per scope")
    q = command(actions, "delete", _scope, "delete scopes by value", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("values", nargs="+", metavar="VALUE", help="values of the scopes to delete")
    q = command(actions, "list", _scope, "list scopes")
    q.add_argument("link_name", help=LINK)
    q.add_argument("--search", metavar="TEXT", help="match display name or value")
    q.add_argument("--json", action="store_true", help="print JSON instead of a table")
    q = command(actions, "delimiter", _scope, "set the scope delimiter", reports=True)
    q.add_argument("link_name", help=LINK)
    q.add_argument("delimiter", choices=["comma", "space", "plus"], help="how scopes are joined in requests")

    p = command(cmds, "ready", _ready, "mark a Draft connector Ready (irreversible)", reports=True)
    p.add_argument("link_name", help=LINK)
    p = command(cmds, "delete", _delete, "delete a connector without connections", reports=True)
    p.add_argument("link_name", help=LINK)
    p = command(cmds, "export", _export, "write the definition as JSON (no secrets)")
    p.add_argument("link_name", help=LINK)
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    p = command(cmds, "import", _import, "recreate an exported connector as a Draft", reports=True)
    p.add_argument("file", help="JSON file, or - for standard input")
    p.add_argument("--name", help="display name (default: the exported one)")
    p.add_argument("--link-name", help="link name (default: the exported one)")
