"""``/kpi``: from the text a person typed to the reply they see.

Each subcommand's handler carries its usage in its docstring's first line, and ``/kpi help``
is built from those docstrings, so the help cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn
from commands import kpi_parser as p
from commands.alerts import handle_alerts
from commands.countermeasures import open_form_reply
from commands.ideas import ideas_list, new_idea
from commands.kpi_charts import pace_reply, quad_reply
from commands.kpi_views import list_kpis, my_kpis, show_kpi
from commands.log_actual import FieldError, log_actual
from commands.lookup import NotFound
from commands.reply import Caller, Reply
from commands.targets import move_owner_reply, set_target_reply

Handler = Callable[..., Reply]


def _log(cmd: p.LogActual, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi log CODE VALUE [PERIOD] [note…]` — record an actual (default: the last period due)."""
    try:
        logged = log_actual(
            store=store,
            caller=caller,
            code=cmd.code,
            value=cmd.value,
            period_text=cmd.period_text,
            note=cmd.note,
            now=now,
        )
    except FieldError as exc:
        return _problem(exc.message, p.USAGE["log"] if exc.field in ("value", "period") else None)
    return logged.reply


def _list(cmd: p.ListKpis, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi list` — every KPI of this channel's scorecard with its status (in a DM: yours)."""
    return list_kpis(store=store, caller=caller, as_of=now.date() if now else None)


def _show(cmd: p.ShowKpi, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi show CODE` — a KPI's definition, owner, last 12 periods and countermeasures."""
    return show_kpi(store=store, caller=caller, code=cmd.code, as_of=now.date() if now else None)


def _mine(cmd: p.MyKpis, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi mine` — your KPIs, missing actuals first, with a Log button each."""
    return my_kpis(store=store, caller=caller, as_of=now.date() if now else None)


def _idea(cmd: p.NewIdea, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi idea [CODE] TEXT` — raise an improvement idea on this channel's board."""
    return new_idea(cmd, store=store, caller=caller)


def _ideas(cmd: p.ListIdeas, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi ideas` — the board's ideas; the chair accepts, completes or rejects them."""
    return ideas_list(store=store, caller=caller)


def _alerts(cmd: p.Alerts, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi alerts [on|off]` — show or switch instant red alerts for this channel (chair)."""
    return handle_alerts(cmd.enabled, store=store, caller=caller)


def _quad(cmd: p.Quad, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi quad CODE [PERIOD]` — trend, root causes, action plan and summary in one picture."""
    return quad_reply(cmd, store=store, caller=caller, now=now)


def _pace(cmd: p.Pace, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi pace CODE` — today's hourly pace of an hourly KPI against its plan."""
    return pace_reply(cmd, store=store, caller=caller, now=now)


def _cm(cmd: p.Countermeasures, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi cm [CODE]` — file a countermeasure for a red KPI; alone: your open ones, to close."""
    return open_form_reply(cmd, store=store, caller=caller, now=now)


def _target(cmd: p.SetTarget, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi target CODE VALUE [FROM-PERIOD]` — the KPI's target from that period on (chair)."""
    return set_target_reply(cmd, store=store, caller=caller, now=now)


def _owner(cmd: p.MoveOwner, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi owner CODE @person` — give a KPI to another owner (chair)."""
    return move_owner_reply(cmd, store=store, caller=caller)


def _help(cmd: p.Help, *, store: Store, caller: Caller, now: datetime | None) -> Reply:
    """`/kpi help [COMMAND]` — this help."""
    return help_reply(cmd.topic)


HANDLERS: dict[type, Handler] = {
    p.LogActual: _log,
    p.ListKpis: _list,
    p.ShowKpi: _show,
    p.MyKpis: _mine,
    p.Countermeasures: _cm,
    p.Quad: _quad,
    p.Pace: _pace,
    p.NewIdea: _idea,
    p.ListIdeas: _ideas,
    p.Alerts: _alerts,
    p.SetTarget: _target,
    p.MoveOwner: _owner,
    p.Help: _help,
}


def help_reply(topic: str | None = None) -> Reply:
    lines = []
    for handler in HANDLERS.values():
        doc = (handler.__doc__ or "").strip().splitlines()[0]
        usage = doc.split("`")[1] if "`" in doc else ""
        verb = usage.split()[1] if len(usage.split()) > 1 else ""
        if topic and verb.rstrip("]").lstrip("[").lower() != topic.lower():
            continue
        lines.append(f"• {doc}")
    if not lines:
        return help_reply(None)
    text = "*/kpi* — log and read your scorecard\n" + "\n".join(lines)
    return Reply(text=text)


def _problem(message: str, usage: str | None) -> Reply:
    text = f"⚠️ {message}"
    if usage:
        text += f"\nUsage: `{usage}`"
    return Reply(text=text + "\nNothing was changed.")


def usage_reply(exc: p.UsageError) -> Reply:
    """The answer to a malformed command: what was wrong, and the right form.

    The message may quote what was typed, so it is escaped: a "code" such as ``<!here>``
    is echoed inert.
    """
    reply = _problem(escape_mrkdwn(exc.message), exc.usage)
    if exc.usage is None:
        reply = Reply(text=reply.text + "\n\n" + help_reply().text)
    return reply


def handle_kpi(text: str, *, store: Store, caller: Caller, now: datetime | None = None) -> Reply:
    """Run one ``/kpi`` command and return the reply (errors become helpful replies)."""
    try:
        command = p.parse_kpi(text)
    except p.UsageError as exc:
        return usage_reply(exc)
    return run_kpi(command, store=store, caller=caller, now=now)


def run_kpi(
    command: p.KpiCommand, *, store: Store, caller: Caller, now: datetime | None = None
) -> Reply:
    """Run an already parsed ``/kpi`` command (errors become helpful replies)."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        return _problem("that command is not available in this version of bscbot", None)
    try:
        return handler(command, store=store, caller=caller, now=now)
    except NotFound as exc:
        return _problem(str(exc), None)


SLOW_COMMANDS: tuple[type, ...] = (p.Quad, p.Pace)


def is_slow(command: p.KpiCommand) -> bool:
    """Commands that draw charts or call Slack several times run after the ack."""
    return isinstance(command, SLOW_COMMANDS)


def handle_slow_kpi(
    text: str,
    *,
    store: Store,
    caller: Caller,
    now: datetime | None = None,
    name_of: Callable[[str], str] | None = None,
) -> Reply:
    """Run a command that was acknowledged first (charts, several Slack calls).

    Args:
        name_of: resolves Slack user IDs to display names for what is drawn in charts.
    """
    command = p.parse_kpi(text)
    if isinstance(command, p.Quad) and name_of is not None:
        try:
            return quad_reply(command, store=store, caller=caller, now=now, name_of=name_of)
        except NotFound as exc:
            return _problem(str(exc), None)
    return handle_kpi(text, store=store, caller=caller, now=now)
