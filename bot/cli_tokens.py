"""``bscbot token``: the API tokens other systems send actuals with.

A token is printed once, by ``create``; the database keeps only its hash, so a lost token is
revoked and replaced, never recovered.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bsc_core.api_tokens import TokenError, create_token, list_tokens, revoke_token
from bsc_core.db import get_store

token_app = typer.Typer(
    help="API tokens for POST /api/v1/actuals: create, list, revoke.", no_args_is_help=True
)
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)
CLI_ACTOR = "cli:" + os.environ.get("USER", "operator")


def _fail(exc: TokenError) -> typer.Exit:
    err.print(f"error: {exc}", highlight=False, markup=False)
    return typer.Exit(1)


@token_app.command("create")
def create(
    scorecard: Annotated[str, typer.Option("--scorecard", help="The scorecard's slug.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. crm-sync.")],
) -> None:
    """Create a token for one scorecard and print it (once: only its hash is kept)."""
    try:
        with get_store().write() as session:
            token = create_token(session, scorecard_slug=scorecard, name=name, actor=CLI_ACTOR)
    except TokenError as exc:
        raise _fail(exc) from None
    err.print(
        f"Token {name!r} for scorecard {scorecard!r}. Keep it now: it is not shown again.",
        highlight=False,
        markup=False,
    )
    print(token)


@token_app.command("list")
def list_() -> None:
    """Every token: its name, scorecard, creator, and when it was created, used or revoked."""
    with get_store().read() as session:
        tokens = list_tokens(session)
    if not tokens:
        console.print(
            "No tokens. Create one with `bscbot token create --scorecard SLUG --name NAME`."
        )
        return
    table = Table("name", "scorecard", "created by", "created", "last used", "state")
    for t in tokens:
        table.add_row(
            t.name,
            t.scorecard_slug,
            t.created_by,
            f"{t.created_at:%Y-%m-%d %H:%M}",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
            f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active",
        )
    console.print(table)


@token_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token at once: its next request gets 401."""
    try:
        with get_store().write() as session:
            revoke_token(session, name=name, actor=CLI_ACTOR)
    except TokenError as exc:
        raise _fail(exc) from None
    console.print(f"Token {name!r} revoked.", highlight=False, markup=False)
