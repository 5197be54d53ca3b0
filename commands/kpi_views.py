"""Reading the scorecard from Slack: ``/kpi list``, ``/kpi show CODE`` and ``/kpi mine``."""

from __future__ import annotations

from datetime import date
from itertools import groupby

from sqlmodel import Session, col, select

from bsc_core.board import KpiStatus, board, load_history, load_kpis, local_today, status_of
from bsc_core.db import Store
from bsc_core.formatting import (
    STATUS_EMOJI,
    escape_mrkdwn,
    format_number,
    format_pct,
    mention,
    status_badge,
)
from bsc_core.models import Countermeasure, Scorecard
from bsc_core.status import Status
from bsc_core.text import escape_plain
from commands import blocks as bk
from commands.access import find_readable_kpi, may_read_card
from commands.lookup import scorecard_for_channel, scorecards_chaired_by, scorecards_of_owner
from commands.reply import Caller, Reply

STATUS_ORDER = {
    Status.MISSING: 0,
    Status.RED: 1,
    Status.AMBER: 2,
    Status.NO_TARGET: 3,
    Status.GREEN: 4,
}


def kpi_line(row: KpiStatus) -> str:
    """One KPI as a line: status emoji, code, name, actual vs target, variance %."""
    k = row.kpi
    actual = format_number(row.actual, k.unit)
    target = format_number(row.target, k.unit)
    pct = f" ({format_pct(row.variance_pct)})" if row.variance_pct is not None else ""
    streak = f" · red {row.streak}×" if row.streak > 1 else ""
    return (
        f"{STATUS_EMOJI[row.status.value]} *{escape_mrkdwn(k.code)}* {escape_mrkdwn(k.name)} · "
        f"{row.period}: {actual} vs {target}{pct} · _{row.status.value.replace('_', ' ')}_{streak}"
    )


def list_kpis(*, store: Store, caller: Caller, as_of: date | None = None) -> Reply:
    """`/kpi list` — the channel's scorecard by perspective (elsewhere: the cards you own KPIs on
    or chair)."""
    with store.read() as session:
        card = scorecard_for_channel(session, caller.channel_id)
        if card is not None and card.id is not None:
            ids = [card.id]
        else:
            chaired = [c.id for c in scorecards_chaired_by(session, caller.user_id) if c.id]
            ids = sorted({*scorecards_of_owner(session, caller.user_id), *chaired})
        ids = [i for i in ids if may_read_card(session, i, caller)]
        if not ids:
            return Reply(
                text="This channel has no scorecard and you own no KPIs. Ask an admin to set "
                "`channel:` in the scorecard's file, or run `/kpi list` in its channel."
            )
        rows = board(session, scorecard_ids=ids, as_of=as_of)
    blocks: list[bk.Block] = []
    for (_, name), card_rows in groupby(
        rows, key=lambda r: (r.kpi.scorecard_id, r.kpi.scorecard_name)
    ):
        card_rows = list(card_rows)
        counts = _counts(card_rows)
        blocks.append(bk.header(f"{escape_plain(name)} — scorecard"))
        blocks.append(bk.context(counts))
        for perspective, persp_rows in groupby(card_rows, key=lambda r: r.kpi.perspective):
            lines = [kpi_line(r) for r in persp_rows]
            for chunk in bk.fit_lines([f"*{escape_mrkdwn(perspective)}*", *lines]):
                blocks.append(bk.section(chunk))
    text = f"{len(rows)} KPIs: " + _counts(rows)
    return Reply(text=text, blocks=bk.fit_blocks(blocks, more_hint="/kpi show CODE for one KPI"))


def _counts(rows: list[KpiStatus]) -> str:
    order = [Status.GREEN, Status.AMBER, Status.RED, Status.MISSING, Status.NO_TARGET]
    found = {s: sum(1 for r in rows if r.status is s) for s in order}
    return " · ".join(f"{status_badge(s.value)} {n}" for s, n in found.items() if n)


def show_kpi(*, store: Store, caller: Caller, code: str, as_of: date | None = None) -> Reply:
    """`/kpi show CODE` — the definition, owner, last 12 periods and open countermeasures.

    Raises :class:`~commands.lookup.NotFound` for a code that does not exist or that the
    caller may not read, in the same words.
    """
    with store.read() as session:
        kpi = find_readable_kpi(session, code, caller)
        history = load_history(session, [kpi])
        current = status_of(kpi, history, as_of)
        series = history.series(kpi, current.period, 12)
        measures = _open_countermeasures(session, [kpi.id], today=local_today(kpi.timezone))
    direction = "higher is better" if kpi.direction.value == "up" else "lower is better"
    definition = (
        f"*{escape_mrkdwn(kpi.code)}* — {escape_mrkdwn(kpi.name)}\n"
        f"Owner {mention(kpi.owner)} · {escape_mrkdwn(kpi.scorecard_name)} › "
        f"{escape_mrkdwn(kpi.perspective)} · {kpi.frequency.value}, {direction}, "
        f"amber band {kpi.tolerance} · {kpi.kind} · unit {escape_mrkdwn(kpi.unit) or '—'}"
    )
    lines = []
    for row in reversed(series):
        note = f" — _{escape_mrkdwn(row.note)}_" if row.note else ""
        lines.append(
            f"`{row.period}` {STATUS_EMOJI[row.status.value]} {format_number(row.actual, kpi.unit)}"
            f" vs {format_number(row.target, kpi.unit)} {row.status.value.replace('_', ' ')}{note}"
        )
    blocks = [bk.section(definition), bk.context(f"Now: {kpi_line(current)}")]
    blocks += [bk.section(chunk) for chunk in bk.fit_lines(["*Last 12 periods*", *lines])]
    if measures:
        blocks.append(bk.section("*Open countermeasures*\n" + "\n".join(measures)))
    else:
        blocks.append(bk.context("No open countermeasures."))
    return Reply(text=f"{kpi.code}: {current.status.value} for {current.period}", blocks=blocks)


def _open_countermeasures(session: Session, kpi_ids: list[int], *, today: date) -> list[str]:
    rows = session.exec(
        select(Countermeasure)
        .where(col(Countermeasure.kpi_id).in_(kpi_ids), Countermeasure.status == "open")
        .order_by(col(Countermeasure.due_date))
    ).all()
    out = []
    for cm in rows:
        overdue = " *overdue*" if cm.due_date and cm.due_date < today else ""
        due = f" · due {cm.due_date.isoformat()}{overdue}" if cm.due_date else ""
        out.append(
            f"• `{cm.period}` {escape_mrkdwn(cm.action)} — root cause "
            f"_{escape_mrkdwn(cm.root_cause)}_ · {mention(cm.owner)}{due}"
        )
    return out


def my_kpis(*, store: Store, caller: Caller, as_of: date | None = None) -> Reply:
    """`/kpi mine` — your KPIs, missing actuals first, each with a Log button."""
    with store.read() as session:
        rows = board(session, owner=caller.user_id, as_of=as_of)
    if not rows:
        return Reply(text="You own no KPIs. `/kpi list` shows who owns what.")
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], r.kpi.scorecard_slug, r.kpi.code))
    blocks: list[bk.Block] = [bk.header("Your KPIs")]
    for row in rows:
        label = "Log" if row.status is Status.MISSING else "Update"
        blocks.append(
            bk.section(
                kpi_line(row),
                accessory=bk.button(
                    label,
                    action_id="log_open",
                    value=f"{row.kpi.code} {row.period}",
                    style="primary" if row.status is Status.MISSING else None,
                ),
            )
        )
    missing = sum(1 for r in rows if r.status is Status.MISSING)
    text = f"You own {len(rows)} KPIs; {missing} actual(s) missing."
    return Reply(text=text, blocks=bk.fit_blocks(blocks, more_hint="/kpi list"))


def scorecard_name(session: Session, scorecard_id: int) -> str:
    card = session.get(Scorecard, scorecard_id)
    return card.name if card else "?"


def loggable_kpis(*, store: Store, caller: Caller) -> list:  # type: ignore[type-arg]
    """KPIs the caller may log: theirs, all on cards they chair, everything for admins.

    A KPI computed from others is never offered: its sources are what people log.
    """
    with store.read() as session:
        kpis = load_kpis(session)
    return [
        k
        for k in kpis
        if not k.is_computed and (caller.is_admin or caller.user_id in (k.owner, k.chair))
    ]
