"""``bscbot run nag --scorecard SLUG``: one nag round now, for an operator.

It ignores working hours and the once-a-day cadence (the operator asked for it now), but still
sends one DM per person and nothing about KPIs that have a countermeasure or are snoozed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from bot.settings import get_slack_settings
from bsc_core.db import DatabaseUnavailable, get_store

console = Console()
err = Console(stderr=True)


def run_nag(
    scorecard: Annotated[str, typer.Option("--scorecard", help="The scorecard's slug.")],
) -> None:
    """Send the scorecard's reminders now: one DM per owner, escalations to the chair."""
    from bot.slack_client import get_client
    from scheduler.nag import UnknownScorecard, run_nag_round

    if not get_slack_settings().SLACK_BOT_TOKEN:
        err.print(
            "[red]error:[/red] SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token "
            "(xoxb-…) from your Slack app's OAuth & Permissions page",
            highlight=False,
        )
        raise typer.Exit(1)
    try:
        report = run_nag_round(
            get_client(),
            get_store(),
            now=datetime.now(UTC),
            scheduled=False,
            scorecard_slug=scorecard,
        )
    except UnknownScorecard as exc:
        err.print(f"[red]error:[/red] {exc.args[0]}", highlight=False)
        raise typer.Exit(1) from None
    except DatabaseUnavailable as exc:
        err.print(f"[red]error:[/red] the database did not answer: {exc}", highlight=False)
        raise typer.Exit(1) from None
    console.print(f"nag round for {scorecard}: {report.summary()}", highlight=False, markup=False)
    if report.failed:
        raise typer.Exit(2)
