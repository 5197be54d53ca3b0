"""A report ready to post or preview: data, text, blocks, Markdown, charts and metadata.

The bot (``/huddle``, ``/review``), ``bscbot run``, ``bscbot preview``, the demo and the
scheduler all go through these two functions, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlmodel import Session

from bsc_core.board import find_scorecard, local_today
from bsc_core.people import resolver
from bsc_core.periods import Frequency, Period
from bsc_core.reports import render
from bsc_core.reports.common import ReportError
from bsc_core.reports.huddle import HuddleData, build_huddle
from bsc_core.reports.metadata import report_metadata
from bsc_core.reports.review import ReviewData, build_review, last_ended_month

if TYPE_CHECKING:  # the chart modules load matplotlib: only when a chart is drawn
    from bsc_core.charts import Chart

ReportKind = Literal["huddle", "review"]


@dataclass
class PreparedReport:
    """Everything needed to post one report; ``channel_id`` is the scorecard's channel."""

    kind: ReportKind
    data: HuddleData | ReviewData
    channel_id: str | None
    text: str
    markdown: str
    charts: list[Chart] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.data.key

    @property
    def metadata(self) -> dict[str, Any]:
        return report_metadata(self.kind, self.data)

    def write(self, out_dir: Path, *, blocks: list[dict[str, Any]]) -> list[Path]:
        """Write the preview files (blocks.json, <kind>.md, PNGs) into ``out_dir``.

        Args:
            blocks: the message's blocks as the Slack side built them (the core renders text).
        """
        from bsc_core.reports.charts import write_preview

        return write_preview(
            self.kind, self.data, self.charts, out_dir, markdown=self.markdown, blocks=blocks
        )


def _scorecard_id(session: Session, slug: str) -> tuple[int, str]:
    card = find_scorecard(session, slug)
    if card is None or card.id is None:
        raise ReportError(f"there is no scorecard {slug!r}")
    return card.id, card.timezone


def prepare_huddle(
    session: Session,
    *,
    scorecard_slug: str,
    day: date | None = None,
    previous_day: date | None = None,
) -> PreparedReport:
    """The huddle of ``scorecard_slug`` for ``day`` (default: today in its time zone)."""
    scorecard_id, zone = _scorecard_id(session, scorecard_slug)
    data = build_huddle(
        session,
        scorecard_id=scorecard_id,
        day=day or local_today(zone),
        previous_day=previous_day,
    )
    return PreparedReport(
        kind="huddle",
        data=data,
        channel_id=data.scorecard.channel_id,
        text=render.huddle_fallback_text(data),
        markdown=render.render_huddle_markdown(data, resolver(session)),
    )


def prepare_review(
    session: Session,
    *,
    scorecard_slug: str,
    month: Period | None = None,
    with_charts: bool = True,
) -> PreparedReport:
    """The review of ``scorecard_slug`` for ``month`` (default: the month that ended last)."""
    scorecard_id, zone = _scorecard_id(session, scorecard_slug)
    month = month or last_ended_month(local_today(zone))
    data = build_review(session, scorecard_id=scorecard_id, month=month)
    charts: list[Chart] = []
    if with_charts:
        from bsc_core.reports.charts import review_charts

        charts = review_charts(session, data)
    return PreparedReport(
        kind="review",
        data=data,
        channel_id=data.scorecard.channel_id,
        text=render.review_fallback_text(data),
        markdown=render.render_review_markdown(data, charts, resolver(session)),
        charts=charts,
    )


def parse_month(text: str) -> Period:
    """``YYYY-MM`` from a command line or a slash command, with the period parser's errors."""
    return Period.parse(text, Frequency.MONTHLY)
