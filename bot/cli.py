"""The ``bscbot`` command line: the store's maintenance, imports, status, and the processes.

Each command is a thin shell over bsc_core (or, for ``serve`` and ``clock``, over the Slack
adapter and the scheduler, imported only when those commands run so that ``bscbot status``
starts fast and loads neither Slack nor matplotlib).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from bsc_core.board import board, find_scorecard
from bsc_core.db import DatabaseUnavailable, get_store
from bsc_core.imports.actuals_csv import (
    ActualsFileError,
    export_actuals,
    open_csv,
    read_actuals,
    write_actuals,
)
from bsc_core.imports.scorecard_apply import apply_scorecard
from bsc_core.imports.scorecard_file import ScorecardFileError, load_scorecard_file
from bsc_core.settings import reload_settings

app = typer.Typer(
    help="bscbot: a Balanced Scorecard in Slack — log KPI actuals, daily huddles, monthly reviews.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database: apply migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, soft_wrap=True)
CLI_ACTOR = "cli:" + os.environ.get("USER", "operator")


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


@app.callback()
def _root(
    database: Annotated[
        str | None,
        typer.Option(
            "--database", envvar="DATABASE_URL", help="Database URL (default sqlite:///bsc.db)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if database:
        os.environ["DATABASE_URL"] = database
    try:
        reload_settings()
    except ValidationError as exc:
        for problem in exc.errors():
            name = ".".join(str(part) for part in problem["loc"])
            message = str(problem["msg"]).removeprefix("Value error, ")
            err.print(f"error: {name} {message}", highlight=False, markup=False)
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration the database lacks (other commands also do this by themselves)."""
    from bsc_core.db import upgrade

    store = get_store()
    revision = upgrade(store.engine)
    console.print(f"database at revision {revision}")


@app.command("import")
def import_scorecard(
    file: Annotated[Path, typer.Argument(help="A scorecard YAML file, e.g. examples/acme.yaml.")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite owners and targets changed in Slack since."),
    ] = False,
) -> None:
    """Create or update scorecards from a YAML file (idempotent; all or nothing).

    Stops, listing them, when the file would undo owners or targets changed in Slack since
    its last import; ``--force`` overwrites them.
    """
    try:
        specs = load_scorecard_file(file)
        with get_store().write() as session:
            summaries = [
                apply_scorecard(session, spec, actor=CLI_ACTOR, force=force) for spec in specs
            ]
    except ScorecardFileError as exc:
        raise fail(str(exc)) from None
    for summary in summaries:
        if not summary.changed:
            console.print(f"scorecard {summary.scorecard}: already up to date, nothing changed")
            continue
        console.print(
            f"scorecard {summary.scorecard}: {len(summary.created)} created, "
            f"{len(summary.updated)} updated, {len(summary.deactivated)} deactivated"
            + (f" ({', '.join(summary.deactivated)})" if summary.deactivated else "")
        )


@app.command("export-scorecard")
def export_scorecard(
    scorecard: Annotated[str, typer.Option("--scorecard", help="The scorecard's slug.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the YAML file.")],
) -> None:
    """Write a scorecard's definition as the YAML `bscbot import` reads (Slack edits included)."""
    from bsc_core.export_scorecard import ExportError, export_scorecard_yaml

    with get_store().read() as session:
        try:
            text = export_scorecard_yaml(session, scorecard)
        except ExportError:
            raise fail(_unknown_scorecard(session, scorecard)) from None
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror}") from None
    console.print(f"scorecard {scorecard} written to {out}")


@app.command("import-actuals")
def import_actuals(
    file: Annotated[Path, typer.Argument(help="CSV with columns code,period,value[,note][,user].")],
) -> None:
    """Load actuals in bulk from CSV: every bad row is reported and then nothing is written."""
    if not file.exists():
        raise fail(f"{file}: no such file")
    store = get_store()
    try:
        with open_csv(file) as stream, store.read() as session:
            rows = read_actuals(session, stream, source=str(file))
        with store.write() as session, _progress(len(rows)) as advance:
            result = write_actuals(session, rows, actor=CLI_ACTOR, progress=advance)
    except ActualsFileError as exc:
        raise fail(str(exc)) from None
    console.print(
        f"{result.total} rows: {result.created} new, {result.updated} replaced, "
        f"{result.unchanged} unchanged"
    )


class _progress:
    """A rich progress bar on a terminal; silent otherwise (CI logs stay clean)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._progress = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        if not sys.stderr.isatty() or self.total < 1000:
            return None
        from rich.progress import Progress

        self._progress = Progress(console=err, transient=True)
        self._progress.start()
        task = self._progress.add_task("importing actuals", total=self.total)
        return lambda n: self._progress.advance(task, n)  # type: ignore[union-attr]

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


@app.command("export")
def export(
    scorecard: Annotated[str, typer.Option("--scorecard", help="The scorecard's slug.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the CSV.")],
) -> None:
    """Write a scorecard's actuals as CSV, in the columns import-actuals reads."""
    with get_store().read() as session:
        card = find_scorecard(session, scorecard)
        if card is None:
            raise fail(_unknown_scorecard(session, scorecard))
        with out.open("w", newline="", encoding="utf-8") as stream:
            count = export_actuals(session, scorecard_id=card.id or 0, out=stream)
    console.print(f"{count} actuals written to {out}")


def _unknown_scorecard(session, slug: str) -> str:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from bsc_core.models import Scorecard

    known = session.exec(select(Scorecard.slug).order_by(Scorecard.slug)).all()
    hint = (
        f"known: {', '.join(known)}"
        if known
        else "none imported yet: run `bscbot import FILE.yaml`"
    )
    return f"unknown scorecard {slug!r} ({hint})"


@app.command("status")
def status(
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", help="Only this scorecard (slug).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today locally).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="View every KPI at this period: 2026-10, 2026-W44, 2026-Q3, 2026-11-02 or 2026.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Every active KPI at its reporting period (or viewed at --period): actual, target,
    variance, status, and for aggregates their coverage."""
    if as_of and period:
        raise fail("give --as-of or --period, not both")
    day = _parse_date(as_of, "--as-of") if as_of else None
    view = _parse_view(period) if period else None
    with get_store().read() as session:
        ids = None
        if scorecard is not None:
            card = find_scorecard(session, scorecard)
            if card is None:
                raise fail(_unknown_scorecard(session, scorecard))
            ids = [card.id or 0]
        if view is not None:
            from bsc_core.measure import board_at

            rows = board_at(session, view=view, scorecard_ids=ids)
        else:
            rows = board(session, scorecard_ids=ids, as_of=day)
        cards = [] if as_json else _scores_of(session, rows)
    if as_json:
        sys.stdout.write(json.dumps([r.as_json() for r in rows], indent=2) + "\n")
        return
    from bsc_core.formatting import format_number, format_pct

    title = "Scorecard status" + (f" as of {day}" if day else "") + (f" for {view}" if view else "")
    table = Table(title=title, title_justify="left")
    table.add_column("KPI", no_wrap=True)
    table.add_column("Name", overflow="ellipsis", no_wrap=True, max_width=24)
    table.add_column("Period", no_wrap=True)
    for column in ("Actual", "Target", "Var", "Var %"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Coverage", no_wrap=True)
    colours = {"green": "green", "amber": "yellow", "red": "red", "missing": "magenta"}
    for r in rows:
        if len({x.kpi.scorecard_slug for x in rows}) > 1 and r.kpi.code == _first_code(rows, r):
            table.add_section()
            table.add_row(f"[bold]{r.kpi.scorecard_name}[/]", "", "", "", "", "", "", "", "")
        table.add_row(
            r.kpi.code,
            r.kpi.name,
            r.period_text,
            format_number(r.actual, r.kpi.unit),
            format_number(r.target, r.kpi.unit),
            format_number(r.variance, r.kpi.unit),
            format_pct(r.variance_pct),
            f"[{colours.get(r.status.value, 'dim')}]{r.status.value}[/]",
            r.coverage_text,
        )
    console.print(table)
    for card in cards:
        score = card.as_json()["scorecard"]
        shown = (
            "no score yet" if score["score"] is None else f"{score['score']:.1f} {score['status']}"
        )
        console.print(
            f"{card.name}: score {shown} (roll-up {score['rollup']}); "
            f"{card.without_status} of {card.total} KPIs without a status",
            highlight=False,
        )
    if not rows:
        console.print("no active KPIs yet: run `bscbot import examples/acme.yaml`")


@app.command("scores")
def scores(
    scorecard: Annotated[str, typer.Option("--scorecard", help="The scorecard (slug).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD: the board as of that day.")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="2026-10, 2026-W44, 2026-Q3 or 2026: KPIs viewed then."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The scorecard's roll-up: objectives, perspectives, the card and the boards below."""
    from bsc_core.rollup import board_rows_as_of, scorecard_scores, view_rows

    if (as_of is None) == (period is None):
        raise fail("give exactly one of --as-of YYYY-MM-DD or --period PERIOD")
    day = _parse_date(as_of, "--as-of") if as_of else None
    view = _parse_view(period) if period else None
    with get_store().read() as session:
        card = find_scorecard(session, scorecard)
        if card is None:
            raise fail(_unknown_scorecard(session, scorecard))
        rows_for = view_rows(view) if view is not None else board_rows_as_of(day)
        rows = rows_for(session, [card.id or 0])
        result = scorecard_scores(
            session, scorecard_id=card.id or 0, rows=rows, child_rows=rows_for
        )
    if as_json:
        sys.stdout.write(json.dumps(result.as_json(), indent=2) + "\n")
        return
    _print_scores(result.as_json(), without=result.without_status, total=result.total)


def _print_scores(data: dict, *, without: int, total: int) -> None:  # type: ignore[type-arg]
    def shown(score: float | None) -> str:
        return "—" if score is None else f"{score:.1f}"

    head = data["scorecard"]
    console.print(
        f"[bold]{head['name']}[/]: {shown(head['score'])} ({head['status'] or 'no score'}, "
        f"roll-up {head['rollup']}); {without} of {total} KPIs without a status",
        highlight=False,
    )
    table = Table(title_justify="left", title="Objectives")
    for column in ("Perspective", "Objective", "Weight", "Score", "Status", "KPIs"):
        table.add_column(column)
    for o in data["objectives"]:
        table.add_row(
            o["perspective"],
            f"{o['code']} {o['name']}",
            f"{o['weight']:g}",
            shown(o["score"]),
            o["status"] or "",
            ", ".join(o["kpis"]),
        )
    console.print(table)
    for p in data["perspectives"]:
        weight = f"weight {p['weight']:g}"
        console.print(f"  {p['name']} ({weight}): {shown(p['score'])} {p['status'] or ''}")
    if data["children"]:
        console.print("[bold]Boards below[/]")
        for c in data["children"]:
            console.print(
                f"  {c['slug']}: {shown(c['score'])} {c['status'] or ''}, {c['red']} red",
                highlight=False,
            )


def _scores_of(session, rows):  # type: ignore[no-untyped-def]
    from bsc_core.rollup import scores_of

    return scores_of(session, rows)


def _parse_view(text: str):  # type: ignore[no-untyped-def]
    from bsc_core.aggregation import parse_view_period
    from bsc_core.periods import PeriodError

    try:
        return parse_view_period(text)
    except PeriodError as exc:
        raise fail(f"--period {exc}") from None


def _first_code(rows, row) -> str:  # type: ignore[no-untyped-def]
    return next(r.kpi.code for r in rows if r.kpi.scorecard_slug == row.kpi.scorecard_slug)


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option} {text!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-23") from None


def _register_process_commands() -> None:
    """The long-running processes; their modules import Slack only when they run."""
    from bot.cli_clock import clock, worker
    from bot.cli_reports import demo, preview, run
    from bot.cli_serve import serve

    app.command("serve")(serve)
    app.command("clock")(clock)
    app.command("worker")(worker)
    app.command("demo")(demo)
    app.command("preview")(preview)
    app.command("run")(run)
    from bot.cli_tokens import token_app

    app.add_typer(token_app, name="token")


_register_process_commands()


def main() -> None:
    """Console entry point: turns a database outage into one clear line and exit code 2."""
    try:
        app()
    except DatabaseUnavailable as exc:
        err.print(f"error: the database did not answer: {exc}")
        sys.exit(2)
