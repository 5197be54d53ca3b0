"""``bscbot preview``, ``bscbot run`` and ``bscbot demo``: the reports without (or with) Slack.

``preview`` writes what would be posted, ``run`` posts it now through the same code the
scheduler and the slash commands use, and ``demo`` builds a whole example scorecard with a
year of history in a throw-away SQLite database and writes a page showing its reports.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bsc_core.board import local_today
from bsc_core.db import DatabaseUnavailable, Store, get_store
from bsc_core.periods import PeriodError
from bsc_core.reports.common import ReportError
from bsc_core.reports.prepare import PreparedReport, parse_month, prepare_huddle, prepare_review
from bsc_core.reports.review import ReviewData
from commands.report_blocks import report_blocks

console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True)


class ReportKind(StrEnum):
    HUDDLE = "huddle"
    REVIEW = "review"


class RunKind(StrEnum):
    HUDDLE = "huddle"
    REVIEW = "review"
    NAG = "nag"


class PreviewKind(StrEnum):
    HUDDLE = "huddle"
    REVIEW = "review"
    QUAD = "quad"


KindArg = Annotated[ReportKind, typer.Argument(help="huddle or review.")]
ScorecardOpt = Annotated[str, typer.Option("--scorecard", "-s", help="The scorecard's slug.")]
DateOpt = Annotated[
    str | None,
    typer.Option("--date", help="Huddle date YYYY-MM-DD (default: today in the scorecard's zone)."),
]
MonthOpt = Annotated[
    str | None,
    typer.Option("--month", help="Review month YYYY-MM (default: the month that ended last)."),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(1)


def _prepare(
    store: Store, kind: ReportKind, scorecard: str, day: str | None, month: str | None
) -> PreparedReport:
    try:
        with store.read() as session:
            if kind is ReportKind.HUDDLE:
                when = date.fromisoformat(day) if day else None
                return prepare_huddle(session, scorecard_slug=scorecard, day=when)
            period = parse_month(month) if month else None
            return prepare_review(session, scorecard_slug=scorecard, month=period)
    except ValueError as error:  # ReportError, PeriodError, a bad --date
        if isinstance(error, ReportError | PeriodError):
            raise _fail(str(error)) from None
        raise _fail(f"--date must be YYYY-MM-DD, not {day!r}") from None
    except DatabaseUnavailable as error:
        raise _fail(f"the database did not answer: {error}") from None


def preview(
    kind: Annotated[PreviewKind, typer.Argument(help="huddle, review or quad.")],
    scorecard: ScorecardOpt,
    date: DateOpt = None,  # noqa: A002 - the option is --date
    month: MonthOpt = None,
    kpi: Annotated[str | None, typer.Option("--kpi", help="quad: the KPI's code.")] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="quad: the period (default: its latest).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory to write into.")] = Path("preview"),
) -> None:
    """Write what would be posted: blocks.json, Markdown and PNGs (quad: the PNG and its data)."""
    if kind is PreviewKind.QUAD:
        _preview_quad(scorecard, kpi, period, out)
        return
    report = _prepare(get_store(), ReportKind(kind.value), scorecard, date, month)
    paths = report.write(out, blocks=report_blocks(report))
    if kind is PreviewKind.REVIEW:  # a closed review: its kept minutes too (issue 18)
        paths += write_kept_minutes(get_store(), report, out)
    console.print(f"{kind.value} {report.key}: wrote {len(paths)} files to {out}/")


def write_kept_minutes(store: Store, report: PreparedReport, out: Path) -> list[Path]:
    """The minutes of the previewed review, once it was closed (the same text Slack got)."""
    from commands.review_loop import kept_minutes

    data = report.data
    if not isinstance(data, ReviewData):
        return []
    found = kept_minutes(store=store, scorecard_slug=data.scorecard.slug, month=str(data.month))
    if found is None:
        return []
    path = out / found[0]
    path.write_text(found[1], encoding="utf-8")
    return [path]


def _preview_quad(scorecard: str, code: str | None, period_text: str | None, out: Path) -> None:
    import json

    from bsc_core.board import find_scorecard
    from bsc_core.charts.quad import quad_chart
    from bsc_core.kpi_quad import build_quad, quad_as_json
    from bsc_core.periods import Period
    from commands.lookup import NotFound, find_kpi

    if not code:
        raise _fail("preview quad needs --kpi CODE")
    store = get_store()
    with store.read() as session:
        card = find_scorecard(session, scorecard)
        if card is None:
            raise _fail(f"unknown scorecard {scorecard!r}")
        try:
            kpi = find_kpi(session, code)
        except NotFound as error:
            raise _fail(str(error).replace("`", "")) from None
        if kpi.scorecard_id != card.id:
            raise _fail(
                f"{kpi.code} belongs to scorecard {kpi.scorecard_slug!r}, not {scorecard!r}"
            )
        try:
            when = Period.parse(period_text, kpi.frequency) if period_text else None
        except PeriodError as error:
            raise _fail(str(error)) from None
        data = build_quad(session, kpi=kpi, period=when, today=local_today(kpi.timezone))
    chart = quad_chart(data)
    out.mkdir(parents=True, exist_ok=True)
    (out / chart.filename).write_bytes(chart.png())
    payload = {"alt_text": chart.alt_text, "data": quad_as_json(data)}
    (out / f"{Path(chart.filename).stem}.json").write_text(
        json.dumps(payload, indent=2, default=str)
    )
    console.print(f"quad {kpi.code}: wrote {chart.filename} and its data to {out}/")


def run(
    kind: Annotated[RunKind, typer.Argument(help="huddle, review or nag.")],
    scorecard: ScorecardOpt,
    date: DateOpt = None,  # noqa: A002 - the option is --date
    month: MonthOpt = None,
) -> None:
    """Post a huddle or review to the scorecard's channel now, or run a nag round now.

    The scheduler runs the same code. A nag round run here ignores working hours and the
    once-a-day cadence, but still sends one DM per owner and nothing for KPIs that have a
    countermeasure or are snoozed.
    """
    from bot.publish import post_prepared
    from bot.slack_client import get_client

    if kind is RunKind.NAG:
        from bot.cli_nag import run_nag

        run_nag(scorecard=scorecard)
        return
    if not os.environ.get("SLACK_BOT_TOKEN"):
        raise _fail("SLACK_BOT_TOKEN is not set: export the bot token (xoxb-…) to post to Slack")
    report = _prepare(get_store(), ReportKind(kind.value), scorecard, date, month)
    try:
        result = post_prepared(get_client(), report)
    except ReportError as error:
        raise _fail(str(error)) from None
    line = f"posted {report.key} to {result.channel} (ts {result.ts})"
    if report.charts:
        line += f", {result.uploaded} image(s) in the thread"
    console.print(line)
    if result.upload_error:
        err.print(f"[yellow]warning:[/yellow] the charts were not uploaded: {result.upload_error}")


def demo(
    out: Annotated[Path, typer.Option("--out", help="Directory for the demo.")] = Path("demo"),
    today: Annotated[
        str | None, typer.Option("--today", help="Pretend today is YYYY-MM-DD (reproducible).")
    ] = None,
) -> None:
    """Build the example scorecards with a year of history and write their reports' previews.

    Uses a fresh SQLite database inside the output directory (``bsc.db``, replaced on each
    run) whatever DATABASE_URL says, so it never touches a real store.
    """
    from bot.demo_site import DemoMessage, write_index
    from bsc_core.demo import EXAMPLE_FILE, generate_demo, scorecard_huddle_day
    from bsc_core.imports.scorecard_file import load_scorecard_file
    from bsc_core.people import everyone

    out.mkdir(parents=True, exist_ok=True)
    database = out / "bsc.db"
    for leftover in (database, out / "bsc.db-wal", out / "bsc.db-shm"):
        leftover.unlink(missing_ok=True)
    store = Store(f"sqlite:///{database.resolve()}")
    spec = load_scorecard_file(EXAMPLE_FILE)[0]
    slug = spec.slug
    try:
        day = date.fromisoformat(today) if today else local_today(spec.timezone)
        summary = generate_demo(store, today=day, log=_log_like_slack(store, day))
        with store.read() as session:
            # The huddle a reader sees on a day off is the last working day's (none is sent).
            huddle = prepare_huddle(
                session, scorecard_slug=slug, day=scorecard_huddle_day(session, slug, day)
            )
            review = prepare_review(session, scorecard_slug=slug)
            plant = [
                prepare_huddle(
                    session, scorecard_slug=s.slug, day=scorecard_huddle_day(session, s.slug, day)
                )
                for s in load_scorecard_file(EXAMPLE_FILE)[1:]
            ]
        messages = []
        for report in (huddle, review, *plant):
            folder = out / report.key.replace(":", "-")
            report.write(folder, blocks=report_blocks(report))
            messages.append(
                DemoMessage(
                    title=report.key,
                    blocks=report_blocks(report),
                    images=[(f"{folder.name}/{c.filename}", c.alt_text) for c in report.charts],
                    markdown_link=f"{folder.name}/{report.kind}.md",
                    blocks_link=f"{folder.name}/blocks.json",
                )
            )
        messages.extend(_demo_extras(store, out, summary.huddle_day or day))
        from bot.review_demo import review_thread_message  # last month's review (issue 18)

        shown = review.data.month if isinstance(review.data, ReviewData) else None
        held = (
            review_thread_message(store, out, slug=slug, month=str(shown.shift(-1)))
            if shown is not None
            else None
        )
        messages += [held] if held is not None else []
        with store.read() as session:
            name_of = everyone(session)
        index = write_index(out, messages, title=f"{slug} — bscbot demo", name_of=name_of)
    finally:
        store.dispose()
    console.print(
        f"demo: {summary.actuals} actuals and {summary.countermeasures} countermeasures "
        f"in {database}"
    )
    console.print(f"open {index.resolve()}")


def _log_like_slack(store: Store, day: date) -> Callable[[Any], None]:
    """Log a demo actual as its owner would with ``/kpi log``: same code, same alerts."""
    from bsc_core.demo import StoryActual, demo_now
    from commands.log_actual import log_actual
    from commands.reply import Caller

    def log(entry: StoryActual) -> None:
        log_actual(
            store=store,
            caller=Caller(entry.owner),
            code=entry.code,
            value=f"{entry.value:g}",
            period_text=entry.period,
            note=None,
            now=demo_now(day),
        )

    return log


def _demo_extras(store: Store, out: Path, day: date) -> list[Any]:
    """What else the bot posts: the instant alert logging produced, a quad chart, a pace."""
    from bot.demo_site import DemoMessage
    from bsc_core.alerts import take_pending
    from bsc_core.demo import STREAK_KPI, WENT_RED_KPI, demo_now
    from commands.alerts import alert_message
    from commands.kpi_charts import pace_reply, quad_reply
    from commands.kpi_parser import Pace, Quad
    from commands.reply import Caller, Reply

    messages = []
    with store.write() as session:
        pending = take_pending(session)  # only what logging a red value really claimed
    with store.read() as session:
        alert = alert_message(session, pending[0]) if pending else None
    if alert is not None:
        messages.append(
            DemoMessage(
                title=f"Instant alert: {WENT_RED_KPI} turned red",
                blocks=alert.blocks or [],
                images=[],
            )
        )
    now = demo_now(day)
    caller = Caller("U0CHAIR01", None, is_admin=True)
    replies: list[tuple[str, Reply]] = [
        (
            f"/kpi quad {STREAK_KPI}",
            quad_reply(Quad(STREAK_KPI, None), store=store, caller=caller, now=now),
        ),
        ("/kpi pace UP1", pace_reply(Pace("UP1"), store=store, caller=caller, now=now)),
    ]
    for title, reply in replies:
        folder = out / title.strip("/").replace(" ", "-").lower()
        folder.mkdir(parents=True, exist_ok=True)
        images = []
        for file in reply.files:
            (folder / file.filename).write_bytes(file.content)
            images.append((f"{folder.name}/{file.filename}", file.alt_text))
        blocks = reply.blocks or [
            {"type": "section", "text": {"type": "mrkdwn", "text": reply.text}}
        ]
        messages.append(DemoMessage(title=title, blocks=blocks, images=images))
    return messages
