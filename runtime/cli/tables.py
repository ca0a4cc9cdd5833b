"""How store commands print: key/value blocks, tables, and yes/no confirmations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudburst.cli.dispatch import Cancelled, Context
from cloudburst.connectors.errors import RuleViolation

__all__ = ["show", "plain", "table", "confirm"]


def show(ctx: Context, data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            ctx.print(f"{key}:")
            for item in value:
                ctx.print("  - " + ", ".join(f"{k}: {v}" for k, v in item.items() if v is not None))
        elif isinstance(value, dict):
            ctx.print(f"{key}:")
            for k, v in value.items():
                ctx.print(f"  {k}: {plain(v)}")
        else:
            ctx.print(f"{key}: {plain(value)}")


def plain(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def table(ctx: Context, rows: list[dict[str, Any]], columns: list[str]) -> None:
    cells = [[c.upper().replace("_", " ") for c in columns]]
    cells += [[plain(len(r[c]) if c == "connections" else r[c]) for c in columns] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    for row in cells:
        ctx.print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def listing(ctx: Context, rows: list[dict[str, Any]], columns: list[str], empty: str | None = None) -> None:
    """A list command's answer: JSON with ``--json``, else a table (or ``empty`` for none)."""
    if ctx.args.json:
        ctx.json(rows)
    elif rows or empty is None:
        table(ctx, rows, columns)
    else:
        ctx.print(empty)


def confirm(ctx: Context, question: str, refusal: str) -> None:
    if ctx.args.yes:
        return
    answer = ctx.ask(f"{question} [y/N] ", False)
    if answer is None:
        raise RuleViolation("confirmation", refusal)
    if answer.strip().lower() not in ("y", "yes"):
        raise Cancelled()
