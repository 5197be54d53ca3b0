"""The review's images: bowling chart, trends, Pareto and strategy map — at most ten.

Data for the charts comes from the review itself (its history is already loaded), so drawing
adds no query. Trend charts stay one per KPI while there are only a few; beyond that they are
combined into small multiples so the whole review stays within ten uploads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from bsc_core.aggregation import ViewPeriod
from bsc_core.board import KpiRef
from bsc_core.charts import (
    BowlingCell,
    BowlingData,
    BowlingRow,
    Chart,
    MapObjective,
    ParetoData,
    StrategyMapData,
    TrendPoint,
    TrendSeries,
    bowling_chart,
    pareto_chart,
    strategy_map,
    trend_chart,
    trend_small_multiples,
)
from bsc_core.measure import aggregated, view_status, year_to_date
from bsc_core.periods import Frequency, Period
from bsc_core.reports.huddle import HuddleData
from bsc_core.reports.review import TREND_PERIODS, ReviewData, review_moment
from bsc_core.status import Status

MAX_IMAGES = 10
YTD = "YTD"
#: Up to this many red/amber KPIs get a chart each; more are drawn as small multiples.
SINGLE_TRENDS = 3
PER_GRID = 12
FIXED_IMAGES = 3  # bowling, Pareto, strategy map


def bowling_data(data: ReviewData) -> BowlingData:
    """Rows by perspective (the agenda's order), one cell per month of the year so far and
    a YTD cell.

    Each month shows the KPI viewed at that month, as the review and ``status --period`` do:
    a KPI reported more often than monthly shows the aggregate of its periods within the
    month; a quarterly one shows only in the months that close a quarter. The YTD cell is
    the year's aggregate (for ``last``, the latest).
    """
    months = data.ytd_months
    rows: list[BowlingRow] = []
    for perspective in data.perspectives:
        for row in sorted(
            perspective.reds + perspective.ambers + perspective.others,
            key=lambda r: data.rows.index(r),
        ):
            kpi = row.kpi
            cells = [_cell(data, kpi, month) for month in months] + [_ytd_cell(data, kpi)]
            rows.append(
                BowlingRow(
                    perspective=perspective.name,
                    code=kpi.code,
                    name=kpi.name,
                    unit=kpi.unit,
                    cells=[c for c in cells if c is not None],
                )
            )
    return BowlingData(
        title=data.scorecard.name,
        months=[str(m) for m in months],
        rows=rows,
        statuses={r.kpi.code: r.status.value for r in data.rows},
        statuses_label=f"at the {data.month.start:%B %Y} review",
    )


def _cell(data: ReviewData, kpi: KpiRef, month: Period) -> BowlingCell | None:
    row = view_status(kpi, data.history, ViewPeriod.of(month), until=review_moment(data.month))
    if not row.aggregated and not month.contains(row.period.end_date):
        return None  # a quarterly KPI in a month that does not close its quarter
    return BowlingCell(
        month=str(month),
        target=row.target,
        actual=row.actual,
        status=row.status.value,
        variance_pct=row.variance_pct,
    )


def _ytd_cell(data: ReviewData, kpi: KpiRef) -> BowlingCell:
    row = year_to_date(kpi, data.history, data.month, until=review_moment(data.month))
    return BowlingCell(
        month=YTD,
        target=row.target,
        actual=row.actual,
        status=row.status.value,
        variance_pct=row.variance_pct,
    )


def trend_series(data: ReviewData) -> list[TrendSeries]:
    """Actual against target over the last 12 periods of each red or amber KPI."""
    return [series for _frequency, group in trend_groups(data) for series in group]


def trend_groups(data: ReviewData) -> list[tuple[Frequency, list[TrendSeries]]]:
    """The watch list's trends grouped by frequency, monthly first.

    Twelve months and twelve weeks side by side would cover different spans under the same
    kind of axis; one image per frequency keeps every panel of an image on the same span.
    """
    groups: dict[Frequency, list[TrendSeries]] = {}
    until = review_moment(data.month)
    for row in data.watch_list():
        if row.aggregated:
            statuses = [
                aggregated(row.kpi, data.history, ViewPeriod.of(row.period.shift(-n)), until=until)
                for n in range(TREND_PERIODS - 1, -1, -1)
            ]
        else:
            statuses = data.history.series(row.kpi, row.period, TREND_PERIODS)
        points = [
            TrendPoint(
                period=str(s.period), target=s.target, actual=s.actual, status=s.status.value
            )
            for s in statuses
        ]
        groups.setdefault(row.period.frequency, []).append(
            TrendSeries(code=row.kpi.code, name=row.kpi.name, unit=row.kpi.unit, points=points)
        )
    order = [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.WEEKLY, Frequency.DAILY]
    return sorted(
        groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
    )


def pareto_data(data: ReviewData) -> ParetoData:
    first = data.month.shift(-11)
    return ParetoData(
        title=f"Root causes of countermeasures, {first.start:%b %Y} – {data.month.start:%b %Y}",
        counts=list(data.root_causes),
    )


def strategy_data(data: ReviewData) -> StrategyMapData:
    return StrategyMapData(
        title=f"{data.scorecard.name}, {data.month.start:%B %Y}",
        perspectives=[p.name for p in data.perspectives],
        objectives=[
            MapObjective(
                code=o.code,
                name=o.name,
                perspective=o.perspective,
                status=o.status.value if o.status is not None else None,
            )
            for o in data.objectives
        ],
        links=list(data.links),
    )


def trend_charts(data: ReviewData, budget: int = MAX_IMAGES - FIXED_IMAGES) -> list[Chart]:
    """One chart per KPI for a few, small multiples (12 a grid) for more, within ``budget``."""
    groups = trend_groups(data)
    series = [s for _f, group in groups for s in group]
    if not series:
        return []
    if len(series) <= SINGLE_TRENDS:
        return [trend_chart(s) for s in series]
    grids = [
        (frequency, group[i : i + PER_GRID])
        for frequency, group in groups
        for i in range(0, len(group), PER_GRID)
    ][:budget]
    month = f"{data.month.start:%B %Y}"
    return [
        trend_small_multiples(
            grid,
            f"Red and amber KPIs, {month} \u00b7 {_cadence(frequency, len(grid[0].points))}"
            + (f" ({index} of {len(grids)})" if len(grids) > 1 else ""),
        )
        for index, (frequency, grid) in enumerate(grids, start=1)
    ]


def _cadence(frequency: Frequency, points: int) -> str:
    """'last 12 months', 'last 12 weeks': what span the panels of one image cover."""
    unit = {
        Frequency.MONTHLY: "month",
        Frequency.QUARTERLY: "quarter",
        Frequency.WEEKLY: "week",
        Frequency.DAILY: "day",
        Frequency.HOURLY: "working day",
    }.get(frequency, "period")
    return f"last {points} {unit}s" if points != 1 else f"last {unit}"


def review_charts(session: Session | None, data: ReviewData) -> list[Chart]:
    """Every image of the review, in the order they are posted (at most ten).

    The bowling chart, the trends (small multiples when there are many), the Pareto and the
    strategy map come first; the room left goes to quad charts of the worst red KPIs, which
    need ``session`` for their countermeasures.
    """
    charts = [bowling_chart(bowling_data(data))]
    charts += trend_charts(data)
    charts.append(pareto_chart(pareto_data(data)))
    charts.append(strategy_map(strategy_data(data)))
    if session is not None:
        charts += quad_charts(session, data, budget=MAX_IMAGES - len(charts))
    return _unique_names(charts[:MAX_IMAGES])


def quad_charts(session: Session, data: ReviewData, *, budget: int) -> list[Chart]:
    """A quad chart for each red KPI, the worst first (longest streak), while room is left."""
    from bsc_core.charts.quad import quad_chart
    from bsc_core.kpi_quad import build_quad

    reds = sorted(
        (
            r
            for r in data.rows
            if r.status == Status.RED and r.kpi.frequency is not Frequency.HOURLY
        ),
        key=lambda r: (-r.streak, data.rows.index(r)),
    )
    # The review's own trends and rows: a quad chart repeats the message's figures.
    trends = {s.code: s for s in trend_series(data)}
    return [
        quad_chart(
            build_quad(
                session,
                kpi=r.kpi,
                period=r.own_period,
                today=data.as_of,
                current=r,
                history=data.history,
                trend=trends.get(r.kpi.code),
            )
        )
        for r in reds[: max(budget, 0)]
    ]


def _unique_names(charts: list[Chart]) -> list[Chart]:
    seen: dict[str, int] = {}
    for chart in charts:
        count = seen.get(chart.filename, 0)
        seen[chart.filename] = count + 1
        if count:
            stem, _, ext = chart.filename.rpartition(".")
            chart.filename = f"{stem}-{count + 1}.{ext}"
    return charts


def write_preview(
    kind: str,
    data: HuddleData | ReviewData,
    charts: Sequence[Chart],
    out_dir: Path,
    *,
    blocks: list[dict[str, object]],
    markdown: str | None = None,
) -> list[Path]:
    """Write what would be posted: ``blocks.json``, ``<kind>.md`` and the PNGs into ``out_dir``.

    ``blocks.json`` holds the message as chat.postMessage would send it (text, ``blocks`` as
    the Slack side built them, metadata) plus the images of its thread with their titles and
    alt text. ``markdown`` is the report's Markdown with people's names (rendered while the
    session was open); without it, IDs are shown. Returns the paths.
    """
    from bsc_core.reports import render

    if isinstance(data, HuddleData):
        text = render.huddle_fallback_text(data)
        markdown = markdown or render.render_huddle_markdown(data)
    else:
        text = render.review_fallback_text(data)
        markdown = markdown or render.render_review_markdown(data, charts)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    images = []
    for chart in charts:
        path = out_dir / chart.filename
        path.write_bytes(chart.png())
        written.append(path)
        images.append(
            {"filename": chart.filename, "title": chart.title, "alt_text": chart.alt_text}
        )
    from bsc_core.reports.metadata import report_metadata

    message = {
        "text": text,
        "blocks": blocks,
        "metadata": report_metadata(kind, data),
        "thread_images": images,
    }
    blocks_path = out_dir / "blocks.json"
    blocks_path.write_text(json.dumps(message, indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path = out_dir / f"{kind}.md"
    md_path.write_text(markdown, "utf-8")
    return [blocks_path, md_path, *written]
