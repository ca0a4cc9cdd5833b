"""``cloudburst lsp``: the language server for editors, over standard input and output."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import Context, add_db_option

__all__ = ["HELP", "configure"]

HELP = "language server for editors (LSP over stdio): diagnostics, completion, hover, formatting"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=_lsp)
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default and only mode)")
    add_db_option(parser)


def _lsp(ctx: Context) -> int:
    from importlib.metadata import PackageNotFoundError, version

    from cloudburst.tooling.lsp import build_server

    def link_names() -> list[str]:
        """Connection link names for completion inside ``connection: "``; none if the store
        cannot be opened (the editor must keep working)."""
        try:
            return [c["link_name"] for c in ctx.service.list_connections()]
        except Exception:  # any store problem only means no suggestions
            return []

    try:
        own_version = version("cloudburst")
    except PackageNotFoundError:
        own_version = "0"
    build_server(link_names, own_version).start_io()
    return 0
