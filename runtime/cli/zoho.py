"""Zoho's options in the ``connector``, ``connection`` and ``run`` groups (docs/zoho.md):
``connector create --preset zoho``, ``connection authorize --grant-code``, and
``run --connection-for/--record/--replay``. Not a group of its own: those group modules
call these hooks, so everything Zoho-specific on the command line stays here."""

from __future__ import annotations

from cloudburst.cli.dispatch import Context, Usage

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any, Callable

    from cloudburst.cli.dispatch import Arguments

__all__ = ["add_preset_options", "create_preset", "add_authorize_options", "authorize", "add_run_options",
           "provider_for_run", "report_calls"]

_SERVICES = ("zoho", "zoho.crm", "zoho.books", "zoho.creator")


# -- connector create --preset zoho ---------------------------------------------------------
def add_preset_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Zoho preset (--preset zoho: a Ready OAuth 2.0 connector for Zoho's APIs)")
    group.add_argument("--preset", choices=("zoho",), help="create the connector from a preset")
    group.add_argument("--dc", default="us", metavar="DC",
                       help="Zoho data centre: us, eu, in, au, jp, ca, sa, cn, uk (default us)")
    group.add_argument("--apps", default="crm", metavar="LIST",
                       help="comma-separated apps whose scopes to add: crm, books, creator (default crm)")
    group.add_argument("--client-id", dest="preset_client_id", metavar="ID", help="the API console's client id")
    group.add_argument("--client-secret", dest="preset_client_secret", metavar="VALUE",
                       help="the client secret; '-' to be asked (hidden input, not kept in the shell history)")
    group.add_argument("--scope", dest="preset_scopes", action="append", default=[], metavar="VALUE",
                       help="an extra scope (repeatable)")
    group.add_argument("--accounts-url", metavar="URL",
                       help="use this accounts server instead of the data centre's (a proxy or a test double)")


def create_preset(ctx: Context) -> None:
    from cloudburst.zoho.setup import create_zoho_connector

    a = ctx.args
    if a.auth is not None:
        raise Usage("--preset zoho sets the auth type itself; leave out --auth")
    if not a.preset_client_id or not a.preset_client_secret:
        raise Usage("--preset zoho needs --client-id and --client-secret (from Zoho's API console)")
    secret = a.preset_client_secret
    if secret == "-":
        asked = ctx.ask("Client secret: ", True)
        if not asked:
            from cloudburst.connectors.errors import RuleViolation

            raise RuleViolation("client_secret", "cannot prompt for it here; pass --client-secret VALUE")
        secret = asked
    apps = [x.strip() for x in a.apps.split(",") if x.strip()]
    try:
        info = create_zoho_connector(ctx.service, a.name, link_name=a.link_name, client_id=a.preset_client_id,
                                     client_secret=secret, dc=a.dc, apps=apps, extra_scopes=a.preset_scopes,
                                     accounts_url=a.accounts_url)
    except ValueError as exc:
        raise Usage(str(exc)) from None
    ctx.report(info["link_name"], info)


# -- connection authorize --grant-code ------------------------------------------------------
def add_authorize_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grant-code", metavar="CODE",
                        help="Zoho connections: a self-client grant code from Zoho's API console ('-' to be asked) "
                             "instead of the browser")


def authorize(ctx: Context, open_browser: Callable[[str], object] | None) -> bool:
    """Authorize a Zoho connection (True), or leave a non-Zoho one to the generic flow (False)."""
    from cloudburst.zoho.connections import is_zoho_connector
    from cloudburst.zoho.setup import authorize_in_browser, authorize_with_grant_code

    a = ctx.args
    svc = ctx.service
    connector = svc.get_connector(svc.get_connection(a.link_name)["connector"])
    if not is_zoho_connector(connector):
        if a.grant_code:
            from cloudburst.connectors.errors import RuleViolation

            raise RuleViolation("grant_code", "only Zoho connections (bearer Zoho-oauthtoken) take a grant code")
        return False
    if a.grant_code:
        code = a.grant_code
        if code == "-":
            code = ctx.ask("Grant code: ", True) or ""
        summary = authorize_with_grant_code(svc, a.link_name, code)
    else:
        summary = authorize_in_browser(svc, a.link_name, out=ctx.chatter, open_browser=open_browser,
                                       timeout=a.timeout, port=a.port, live=ctx.chatter.isatty())
    if summary.get("warning"):
        ctx.warn(summary["warning"])
    domain = f" (API domain {summary['api_domain']})" if summary.get("api_domain") else ""
    ctx.report(f"{a.link_name}: connected{domain}",
               {"link_name": a.link_name, "status": "connected", "api_domain": summary.get("api_domain")})
    return True


# -- run ------------------------------------------------------------------------------------
def add_run_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Zoho apps (zoho.crm/books/creator tasks and invokeapi; docs/zoho.md)")
    group.add_argument("--connection-for", action="append", default=[], metavar="SERVICE=LINK",
                       help="the connection for zoho.crm, zoho.books, zoho.creator, or zoho (all); repeatable "
                            "(default: the task's connection argument, else the one Zoho connection)")
    group.add_argument("--record", metavar="DIR", help="save every Zoho request and answer (no secrets) into DIR")
    group.add_argument("--replay", metavar="DIR", help="answer Zoho tasks from a --record directory (offline)")


def _mapping(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        service, sep, link = item.partition("=")
        service = service.strip().lower()
        if not sep or not link.strip() or service not in _SERVICES:
            raise Usage(f"--connection-for needs SERVICE=LINK with SERVICE one of {', '.join(_SERVICES)}; got {item!r}")
        out[service] = link.strip()
    return out


def provider_for_run(args: Arguments, runtime: Any) -> Any:
    """The Zoho provider the run options ask for, installed on ``runtime`` (None with --records)."""
    from cloudburst.errors import ConfigurationError
    from cloudburst.zoho import ZohoProvider

    mapping = _mapping(args.connection_for)
    if args.replay:
        for flag, given in (("--record", args.record), ("--connection-for", mapping), ("--records", args.records)):
            if given:
                raise Usage(f"--replay answers from a recording; it excludes {flag}")
        try:
            provider = ZohoProvider.replay(args.replay)
        except ConfigurationError as exc:
            raise Usage(exc.message) from None
    elif args.records:
        if args.record or mapping:
            raise Usage("--records serves Zoho tasks from a fixture; it excludes --record and --connection-for")
        return None
    else:
        try:
            provider = ZohoProvider.live(runtime, connection_for=mapping, record=args.record)
        except ConfigurationError as exc:
            raise Usage(exc.message) from None
    provider.install(runtime)
    return provider


def report_calls(ctx: Context, provider: Any) -> None:
    if provider is not None and provider.calls:
        ctx.err.write(f"zoho: {provider.calls} API call{'s' if provider.calls != 1 else ''}\n")
        ctx.err.flush()
