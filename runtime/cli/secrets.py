"""``cloudburst secrets ...``: the keys that encrypt stored secrets (rotate, check, generate)."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import Context, add_db_option, command, subcommands
from cloudburst.connectors.errors import RuleViolation

__all__ = ["HELP", "configure"]

HELP = "manage the encryption of stored secrets"


def _rotate(ctx: Context) -> None:
    from cloudburst.connectors.secrets import generate_key, load_keys, write_key_file
    from cloudburst.connectors.service import ConnectorService

    a = ctx.args
    if not a.new_key:
        count = ctx.service.rotate_secrets()
        ctx.report(f"re-encrypted {count} secret value(s) with the newest key", {"re_encrypted": count})
        return
    if ctx.env.secret_keys() is not None:
        raise RuleViolation("--new-key", "applies to the key file only; with CLOUDBURST_SECRET_KEY, put the new key "
                                         "first in the list and run: cloudburst secrets rotate")
    path = ctx.env.key_file()
    old_keys = load_keys(None, path)
    ctx.service.rotate_secrets()
    keys = [generate_key(), *old_keys]
    write_key_file(path, keys)
    with ConnectorService(ctx.db, secret_keys=keys) as fresh:
        count = fresh.rotate_secrets()
    if a.drop_old_keys:
        write_key_file(path, keys[:1])
    ctx.report(f"new key written to {path}; re-encrypted {count} secret value(s)",
               {"re_encrypted": count, "key_file": str(path)})


def _check(ctx: Context) -> None:
    ctx.service.list_connectors()
    ctx.report("the secret key opens this connection store", {"ok": True})


def _generate_key(ctx: Context) -> None:
    from cloudburst.connectors.secrets import generate_key

    ctx.print(generate_key())


def configure(parser: argparse.ArgumentParser) -> None:
    add_db_option(parser)
    cmds = subcommands(parser)
    p = command(cmds, "rotate", _rotate, "re-encrypt every secret with the newest key", reports=True)
    p.add_argument("--new-key", action="store_true", help="first add a new key to the key file")
    p.add_argument("--drop-old-keys", action="store_true", help="with --new-key: keep only the new key")
    command(cmds, "check", _check, "check that the key opens the store", reports=True)
    command(cmds, "generate-key", _generate_key, "print a new key for CLOUDBURST_SECRET_KEY", db=False)
