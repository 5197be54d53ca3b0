"""Finding what a command names: a KPI by code (with suggestions), a channel's scorecard."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from sqlmodel import Session, col, select

from bsc_core.board import KpiRef, load_kpis
from bsc_core.formatting import escape_mrkdwn
from bsc_core.models import Kpi, Scorecard


class NotFound(LookupError):
    """Nothing matches; the message says so and suggests what might have been meant."""


def find_kpi(session: Session, code: str) -> KpiRef:
    """The active KPI with ``code`` (any case), or :class:`NotFound` naming the nearest codes."""
    found = load_kpis(session, codes=[code])
    if found:
        return found[0]
    codes = session.exec(select(Kpi.code).where(Kpi.active == True)).all()  # noqa: E712
    raise NotFound(not_found_message(code, codes))


def not_found_message(code: str, codes: Sequence[str]) -> str:
    """ "There is no KPI …", suggesting the nearest of ``codes`` (only codes the asker may see)."""
    near = difflib.get_close_matches(code.upper(), [c.upper() for c in codes], n=3, cutoff=0.5)
    by_key = {c.upper(): c for c in codes}
    hint = f" Did you mean {', '.join(by_key[n] for n in near)}?" if near else ""
    return f"There is no KPI `{escape_mrkdwn(code)}`.{hint} `/kpi list` shows the codes."


def scorecard_for_channel(session: Session, channel_id: str | None) -> Scorecard | None:
    """The scorecard bound to a channel (its YAML ``channel``), if any."""
    if not channel_id:
        return None
    return session.exec(select(Scorecard).where(Scorecard.channel_id == channel_id)).first()


def scorecards_of_owner(session: Session, user_id: str) -> list[int]:
    """Scorecards where the user owns at least one active KPI (for DMs and unbound channels)."""
    return sorted({k.scorecard_id for k in load_kpis(session, owner=user_id)})


def scorecards_chaired_by(session: Session, user_id: str) -> list[Scorecard]:
    return list(
        session.exec(
            select(Scorecard).where(Scorecard.chair == user_id).order_by(col(Scorecard.slug))
        )
    )
