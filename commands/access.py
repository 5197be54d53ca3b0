"""Who may do what: owners log their KPIs; the chair and BSC_ADMINS may do anything on a card.

Who may read a scorecard (its list, a KPI, its charts, its ideas): anyone in the scorecard's
own channel; elsewhere (a DM, another channel) its KPI owners, its chair, admins and the
members of its channel — or anyone in the workspace when that channel is public. A scorecard
without a channel is read by its owners, chair and admins only. Anyone else is told exactly
what they would be told about a KPI that does not exist, so a refusal reveals nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bsc_core.board import KpiRef, load_kpis
from bsc_core.formatting import mention
from bsc_core.models import Kpi, Objective, Scorecard
from commands.lookup import NotFound, not_found_message
from commands.reply import Caller


def may_log(kpi: KpiRef, caller: Caller) -> bool:
    return caller.is_admin or caller.user_id in (kpi.owner, kpi.chair)


def may_chair(chair: str | None, caller: Caller) -> bool:
    """Chair-only actions (reviews, schedules, alerts, idea decisions)."""
    return caller.is_admin or (chair is not None and caller.user_id == chair)


def not_yours(kpi: KpiRef) -> str:
    chair = f" or the chair {mention(kpi.chair)}" if kpi.chair else ""
    return f"{kpi.code} is owned by {mention(kpi.owner)}: only they{chair} or an admin can log it."


def chair_only(chair: str | None, what: str) -> str:
    who = f"the chair {mention(chair)}" if chair else "the scorecard's chair"
    return f"Only {who} or an admin can {what}."


@dataclass(frozen=True)
class ReadScope:
    """What deciding who may read one scorecard needs: its channel, chair and KPI owners."""

    scorecard_id: int
    channel_id: str | None
    chair: str | None
    owners: frozenset[str]


def read_scope(session: Session, scorecard_id: int) -> ReadScope | None:
    """The scope of one scorecard (None when there is no such scorecard)."""
    card = session.get(Scorecard, scorecard_id)
    if card is None:
        return None
    owners = session.exec(
        select(Kpi.owner)
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .where(Objective.scorecard_id == scorecard_id, Kpi.active == True)  # noqa: E712
    ).all()
    return ReadScope(scorecard_id, card.channel_id, card.chair, frozenset(owners))


def scopes_of(kpis: Iterable[KpiRef]) -> dict[int, ReadScope]:
    """The scope of every scorecard the (active) ``kpis`` belong to, without another query."""
    owners: dict[int, set[str]] = {}
    first: dict[int, KpiRef] = {}
    for kpi in kpis:
        first.setdefault(kpi.scorecard_id, kpi)
        owners.setdefault(kpi.scorecard_id, set()).add(kpi.owner)
    return {
        card_id: ReadScope(card_id, ref.channel_id, ref.chair, frozenset(owners[card_id]))
        for card_id, ref in first.items()
    }


def may_read(scope: ReadScope, caller: Caller) -> bool:
    """Whether ``caller`` may see the scorecard's data where they asked (see the module)."""
    if caller.is_admin or caller.user_id == scope.chair or caller.user_id in scope.owners:
        return True
    if not scope.channel_id:
        return False
    if caller.channel_id == scope.channel_id:
        return True
    if caller.channel_access is None:
        return False
    access = caller.channel_access(scope.channel_id)
    return not access.is_private or caller.user_id in access.members


def may_read_card(session: Session, scorecard_id: int, caller: Caller) -> bool:
    """:func:`may_read` for one scorecard, asking the database as little as it can.

    The cheap answers come first (an admin, the chair, the scorecard's own channel); only then
    one ``EXISTS`` for "owns a KPI on it", and last Slack's channel membership. On a card of a
    thousand KPIs a log does not load every owner.
    """
    card = session.get(Scorecard, scorecard_id)
    if card is None:
        return False
    if caller.is_admin or caller.user_id == card.chair:
        return True
    if card.channel_id and caller.channel_id == card.channel_id:
        return True
    owns = session.exec(
        select(Kpi.id)
        .join(Objective, col(Objective.id) == col(Kpi.objective_id))
        .where(
            Objective.scorecard_id == scorecard_id,
            Kpi.active == True,  # noqa: E712
            Kpi.owner == caller.user_id,
        )
        .limit(1)
    ).first()
    if owns is not None:
        return True
    scope = ReadScope(scorecard_id, card.channel_id, card.chair, frozenset())
    return may_read(scope, caller)


def find_readable_kpi(session: Session, code: str, caller: Caller) -> KpiRef:
    """The active KPI ``code`` if ``caller`` may read its scorecard.

    Raises :class:`NotFound` otherwise, with the same words as for a code that does not exist
    and suggestions drawn only from scorecards the caller may read.
    """
    found = load_kpis(session, codes=[code])
    if found and may_read_card(session, found[0].scorecard_id, caller):
        return found[0]
    every = load_kpis(session)
    scopes = scopes_of(every)
    readable = {card_id for card_id, scope in scopes.items() if may_read(scope, caller)}
    codes = [k.code for k in every if k.scorecard_id in readable]
    raise NotFound(not_found_message(code, codes))


def posts_in_channel(caller: Caller, scorecard_channel: str | None) -> bool:
    """Whether a reply for everyone may be posted where the command was typed.

    Only in the scorecard's own channel: a chart or a thank-you asked for elsewhere goes to the
    asker alone (their DM), so a scorecard's data never lands in a channel it does not live in.
    """
    return bool(scorecard_channel) and caller.channel_id == scorecard_channel
