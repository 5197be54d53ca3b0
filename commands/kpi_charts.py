"""``/kpi quad`` and ``/kpi pace``: one KPI's picture, drawn after the ack.

Both answer with a short message visible in the channel and the chart in its thread when asked
in the KPI's scorecard channel; asked anywhere else (a DM, another channel) they go to the
person's DM with the bot, with a link in the ephemeral answer. Only people who may read the
scorecard get either (:mod:`commands.access`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bsc_core.board import load_history
from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn, format_number, format_pct, status_badge
from bsc_core.kpi_quad import build_quad
from bsc_core.pace import day_end, day_window, pace_data, pace_day, pace_rows
from bsc_core.periods import Frequency, Period, PeriodError
from bsc_core.status import variance_pct
from commands.access import find_readable_kpi, posts_in_channel
from commands.kpi_parser import Pace, Quad
from commands.reply import Caller, Reply, ReplyFile

NameOf = Callable[[str], str]


def quad_reply(
    cmd: Quad,
    *,
    store: Store,
    caller: Caller,
    now: datetime | None = None,
    name_of: NameOf | None = None,
) -> Reply:
    """`/kpi quad CODE [PERIOD]` — the four-panel picture of one KPI, posted in a thread."""
    from bsc_core.charts.quad import quad_chart

    with store.read() as session:
        kpi = find_readable_kpi(session, cmd.code, caller)
        local_now = now or datetime.now(kpi.zone).replace(tzinfo=None)
        period = None
        if cmd.period_text:
            try:
                period = Period.parse(cmd.period_text, kpi.frequency)
            except PeriodError as exc:
                return Reply(text=f"⚠️ {exc}. Nothing was posted.")
        data = build_quad(
            session,
            kpi=kpi,
            period=period,
            today=local_now.date(),
            name_of=name_of,
        )
    chart = quad_chart(data)
    status = data.trend.points[-1].status if data.trend.points else "missing"
    text = (
        f"📊 Quad chart of *{escape_mrkdwn(kpi.code)}* ({escape_mrkdwn(kpi.name)}) — "
        f"{data.trend.points[-1].period if data.trend.points else ''} · {status_badge(status)}"
    )
    return Reply(
        text=text,
        visibility="in_channel" if posts_in_channel(caller, kpi.channel_id) else "ephemeral",
        files=[ReplyFile(chart.filename, chart.png(), chart.title, chart.alt_text)],
    )


def pace_reply(cmd: Pace, *, store: Store, caller: Caller, now: datetime | None = None) -> Reply:
    """`/kpi pace CODE` — today's cumulative actual against plan, hour by hour, with a chart."""
    from bsc_core.charts.pace import pace_chart

    with store.read() as session:
        kpi = find_readable_kpi(session, cmd.code, caller)
        if kpi.frequency is not Frequency.HOURLY:
            return Reply(
                text=f"⚠️ {kpi.code} is {kpi.frequency.value}; pace is for hourly KPIs. "
                f"`/kpi show {kpi.code}` shows its history."
            )
        local_now = now or datetime.now(kpi.zone).replace(tzinfo=None)
        day = pace_day(kpi, local_now.date())
        history = load_history(session, [kpi], since={Frequency.HOURLY: day_window(day)[0]})
    off_day = day != local_now.date()  # a day off has no plan: show the last working day's
    rows = pace_rows(kpi, history, day=day, now=local_now if not off_day else day_end(day))
    if not rows:
        return Reply(
            text=f"No hours of {kpi.code} have ended yet today ({kpi.hours or '08:00-17:00'})."
        )
    lines = [
        f"`{r.period.hour:02d}:00` {status_badge(r.status.value)} "
        f"{format_number(r.actual, kpi.unit)} / {format_number(r.plan, kpi.unit)} · "
        f"cumulative {format_number(r.cumulative_actual, kpi.unit)} / "
        f"{format_number(r.cumulative_plan, kpi.unit)}"
        for r in rows
    ]
    last = rows[-1]
    pct = variance_pct(last.cumulative_actual, last.cumulative_plan)
    head = (
        ("There is no plan today: it is not a working day. " if off_day else "")
        + f"⏱️ Pace of *{escape_mrkdwn(kpi.code)}* ({escape_mrkdwn(kpi.name)}) "
        + (f"on the last working day, {day:%A %-d %B}: " if off_day else "today: ")
        + f"{format_number(last.cumulative_actual, kpi.unit)} against a plan of "
        f"{format_number(last.cumulative_plan, kpi.unit)}"
        + (f" ({format_pct(float(pct))})" if pct is not None else "")
    )
    chart = pace_chart(pace_data(kpi, rows, day))
    return Reply(
        text=head + "\n" + "\n".join(lines),
        visibility="in_channel" if posts_in_channel(caller, kpi.channel_id) else "ephemeral",
        files=[ReplyFile(chart.filename, chart.png(), chart.title, chart.alt_text)],
    )
