"""``/kpi idea`` and ``/kpi ideas``: raise an improvement idea; the chair decides on it."""

from __future__ import annotations

from bsc_core.board import load_kpis
from bsc_core.db import Store
from bsc_core.formatting import escape_mrkdwn, mention
from bsc_core.ideas import (
    DECISIONS,
    STATUS_LABEL,
    IdeaError,
    add_idea,
    decide_idea,
    list_ideas,
)
from bsc_core.models import Idea, Scorecard
from bsc_core.text import escape_plain
from commands import blocks as bk
from commands.access import chair_only, may_chair, may_read_card, posts_in_channel
from commands.kpi_parser import NewIdea
from commands.lookup import scorecard_for_channel
from commands.reply import Caller, Reply

DECISION_LABEL = {"accepted": "Accept", "done": "Done", "rejected": "Reject"}


def new_idea(cmd: NewIdea, *, store: Store, caller: Caller) -> Reply:
    """Record the idea in the channel's scorecard (tied to a KPI when its code comes first).

    A KPI code of a scorecard the caller may not read counts as plain text, so raising an idea
    reveals nothing about that scorecard. The thank-you is posted for everyone only in the
    scorecard's own channel; elsewhere only the author sees it.
    """
    with store.read() as session:
        card = scorecard_for_channel(session, caller.channel_id)
        kpi = None
        if cmd.rest:
            found = load_kpis(session, codes=[cmd.first_word])
            kpi = found[0] if found else None
            if kpi is not None and not may_read_card(session, kpi.scorecard_id, caller):
                kpi = None
        if card is None and kpi is not None:
            card = session.get(Scorecard, kpi.scorecard_id)
    if card is None:
        return Reply(
            text="⚠️ Raise ideas in a scorecard's channel (or start with a KPI code: "
            "`/kpi idea OTD faster loading`). Nothing was recorded."
        )
    if kpi is not None and kpi.scorecard_id != card.id:
        kpi = None
    text = cmd.rest if kpi is not None else cmd.text
    try:
        with store.write() as session:
            idea = add_idea(
                session=session,
                scorecard_id=card.id or 0,
                kpi_id=kpi.id if kpi else None,
                text=text,
                author=caller.user_id,
            )
            stored, idea_id = idea.text, idea.id
    except IdeaError as exc:
        return Reply(text=f"⚠️ {exc.message} Nothing was recorded.")
    about = f" about *{escape_mrkdwn(kpi.code)}*" if kpi else ""
    return Reply(
        text=f"💡 Thank you, {mention(caller.user_id)}! Idea #{idea_id}{about} is on "
        f"{escape_mrkdwn(card.name)}'s board: _{escape_mrkdwn(stored)}_. It will come up at the "
        "next huddle.",
        visibility="in_channel" if posts_in_channel(caller, card.channel_id) else "ephemeral",
    )


def ideas_list(*, store: Store, caller: Caller) -> Reply:
    """The channel's ideas, open ones first; the chair gets Accept / Done / Reject buttons."""
    with store.read() as session:
        card = scorecard_for_channel(session, caller.channel_id)
        if card is None:
            return Reply(text="⚠️ Run `/kpi ideas` in the channel of a scorecard.")
        ideas = list_ideas(session, scorecard_ids=[card.id or 0])
    if not ideas:
        return Reply(
            text=f"No ideas yet on {escape_mrkdwn(card.name)}. `/kpi idea TEXT` raises one."
        )
    chair = may_chair(card.chair, caller)
    ideas.sort(key=lambda i: (i.status in ("done", "rejected"), -i.id))
    blocks: list[bk.Block] = [bk.header(f"Ideas — {escape_plain(card.name)}")]
    for idea in ideas:
        about = f" · *{escape_mrkdwn(idea.kpi_code)}*" if idea.kpi_code else ""
        line = (
            f"#{idea.id} {STATUS_LABEL[idea.status]}{about} — {escape_mrkdwn(idea.text)}\n"
            f"_by {mention(idea.author)} on {idea.created_at:%Y-%m-%d}_"
        )
        blocks.append(bk.section(line))
        if chair and idea.status not in ("done", "rejected"):
            buttons = [
                bk.button(DECISION_LABEL[d], action_id=f"idea_{d}", value=str(idea.id))
                for d in DECISIONS
                if d != idea.status
            ]
            blocks.append(bk.actions(*buttons))
    return Reply(
        text=f"{len(ideas)} ideas on {escape_mrkdwn(card.name)}",
        blocks=bk.fit_blocks(blocks, more_hint="older ideas are in the review agenda"),
    )


def decide(*, store: Store, caller: Caller, idea_id: int, status: str) -> Reply:
    """A chair's Accept / Done / Reject click."""
    with store.read() as session:
        idea = session.get(Idea, idea_id)
        card = session.get(Scorecard, idea.scorecard_id) if idea else None
    if idea is None or card is None:
        return Reply(text="⚠️ That idea no longer exists.")
    if not may_chair(card.chair, caller):
        return Reply(text=f"⚠️ {chair_only(card.chair, 'decide on ideas')} Nothing was changed.")
    with store.write() as session:
        decide_idea(session=session, idea_id=idea_id, status=status, actor=caller.user_id)
    updated = ideas_list(
        store=store, caller=Caller(caller.user_id, card.channel_id, caller.is_admin)
    )
    return Reply(
        text=f"Idea #{idea_id} is now {status}.", blocks=updated.blocks, visibility="ephemeral"
    )
