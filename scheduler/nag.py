"""One nag round: every person owed a reminder gets at most one DM, chairs hear of silence.

A *scheduled* round (the clock's daily job) respects people: nothing on their weekend or
outside 08:00–18:00 in their own Slack time zone, and an item at most once per local day.
An *operator* round (``bscbot run nag``) ignores hours and cadence but still sends one DM per
person and nothing about answered or snoozed items.

Each item is claimed in the database before its DM is sent (``nagging.claim_reminders``), so
two rounds at once cannot both send it, and the claim is released when Slack refuses the DM,
so the next round tries again. A failure for one person never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, select

from bsc_core.db import DatabaseUnavailable, Store
from bsc_core.decisions import (
    OverdueDecision,
    claim_decision_reminders,
    overdue_decisions,
    release_decision_reminders,
)
from bsc_core.models import Scorecard
from bsc_core.nagging import (
    NagItem,
    cached_zones,
    claim_escalation,
    claim_reminders,
    escalations,
    local_date,
    owed,
    release_escalation,
    release_reminders,
    remember_zones,
)
from commands.escalations import escalatable
from commands.nag_messages import escalation_message, nag_message

log = logging.getLogger(__name__)

WORK_STARTS = time(8, 0)
WORK_ENDS = time(18, 0)


class UnknownScorecard(LookupError):
    """The slug names no scorecard; the message lists the known ones."""


@dataclass(frozen=True)
class Skip:
    """Someone (and optionally one item) left out of this round, and why."""

    user: str
    reason: str
    item: str | None = None


@dataclass
class NagReport:
    """What one round did: DMs per person (item labels), chair escalations, skips, failures."""

    sent: dict[str, list[str]] = field(default_factory=dict)
    escalations: dict[str, str] = field(default_factory=dict)
    skipped: list[Skip] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def dms_sent(self) -> int:
        return len(self.sent)

    def summary(self) -> str:
        """A few lines for the command line and the clock's log."""
        lines = [
            f"{self.dms_sent} reminder DM(s), {len(self.escalations)} escalation(s) to a chair"
        ]
        lines += [f"  sent to {u}: {', '.join(labels)}" for u, labels in self.sent.items()]
        lines += [f"  chair {chair} told about {slug}" for slug, chair in self.escalations.items()]
        reasons: dict[str, set[str]] = {}
        for skip in self.skipped:
            reasons.setdefault(skip.reason, set()).add(skip.user)
        lines += [f"  skipped ({r}): {', '.join(sorted(us))}" for r, us in reasons.items()]
        lines += [f"  FAILED for {u}: {error}" for u, error in self.failed.items()]
        return "\n".join(lines)


def quiet_reason(moment: datetime, zone: str) -> str | None:
    """Why a scheduled DM may not go out at ``moment`` in ``zone``; None in working hours.

    Working hours are Monday to Friday, 08:00 to 18:00 local.
    """
    local = moment.astimezone(ZoneInfo(zone))
    if local.weekday() >= 5:
        return "weekend"
    if not WORK_STARTS <= local.time() < WORK_ENDS:
        return "outside working hours"
    return None


def run_nag_round(
    client: WebClient,
    store: Store,
    *,
    now: datetime,
    scheduled: bool,
    scorecard_slug: str | None = None,
) -> NagReport:
    """Send this round's reminders and escalations; returns what was done.

    Args:
        now: the moment of the round (naive means UTC); each person's local day and hours
            come from it and their Slack time zone.
        scheduled: True for the clock's daily round (working hours, once a day per item);
            False for an operator's round, which ignores both.
        scorecard_slug: only this scorecard's items (raises :class:`UnknownScorecard`).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    report = NagReport()
    with store.read() as session:
        ids = None
        if scorecard_slug is not None:
            ids = [_scorecard_id(session, scorecard_slug)]
        items = owed(session, now=now, scorecard_ids=ids)
        decided = overdue_decisions(session, now=now, scorecard_ids=ids)
    if not items and not decided:
        return report
    people: dict[str, str] = {}
    for item in items:
        people.setdefault(item.owner, item.kpi.timezone)
        if item.kpi.chair:
            people.setdefault(item.kpi.chair, item.kpi.timezone)
    for decision in decided:
        people.setdefault(decision.owner, decision.timezone)
    zones = resolve_zones(client, store, people, now=now)
    today_of = {user: local_date(now, zone) for user, zone in zones.items()}
    by_owner: dict[str, list[NagItem]] = {}
    for item in items:
        by_owner.setdefault(item.owner, []).append(item)
    decisions_of: dict[str, list[OverdueDecision]] = {}
    for decision in decided:
        decisions_of.setdefault(decision.owner, []).append(decision)
    for owner in sorted(set(by_owner) | set(decisions_of)):
        _remind(
            client=client,
            store=store,
            owner=owner,
            items=by_owner.get(owner, []),
            decisions=decisions_of.get(owner, []),
            now=now,
            zone=zones[owner],
            today=today_of[owner],
            scheduled=scheduled,
            report=report,
        )
    for escalation in escalations(items, today_of):
        chair = escalation.chair
        quiet = quiet_reason(now, zones[chair]) if scheduled else None
        if quiet:
            report.skipped.append(Skip(chair, quiet, f"escalation {escalation.scorecard_slug}"))
            continue
        today = today_of[chair]
        try:
            claimed = store.run(
                lambda s, e=escalation, d=today: claim_escalation(s, e.new, today=d)
            )
        except DatabaseUnavailable as exc:
            report.failed[chair] = f"database unavailable: {exc}"
            continue
        if not claimed:
            continue
        message = escalation_message(escalation)
        try:
            _send(client, chair, message.text, message.blocks)
        except Exception as exc:  # noqa: BLE001 - one chair's failure must not stop the round
            log.warning("nag: escalation DM to %s failed: %s", chair, exc)
            report.failed[chair] = _error_text(exc)
            _quietly(store, lambda s, e=escalation, d=today: release_escalation(s, e.new, today=d))
            continue
        report.escalations[escalation.scorecard_slug] = chair
    return report


def _remind(
    *,
    client: WebClient,
    store: Store,
    owner: str,
    items: list[NagItem],
    now: datetime,
    zone: str,
    today: date,
    scheduled: bool,
    report: NagReport,
    decisions: Sequence[OverdueDecision] = (),
) -> None:
    quiet = quiet_reason(now, zone) if scheduled else None
    if quiet:
        report.skipped.extend(Skip(owner, quiet, i.label) for i in items)
        report.skipped.extend(Skip(owner, quiet, d.label) for d in decisions)
        return
    candidates = []
    for item in items:
        if item.snoozed(today):
            report.skipped.append(Skip(owner, "snoozed", item.label))
        elif scheduled and item.reminded_on(today):
            report.skipped.append(Skip(owner, "already reminded today", item.label))
        else:
            candidates.append(item)
    due = [d for d in decisions if not (scheduled and d.reminded_on(today))]
    if not candidates and not due:
        return
    try:
        claimed, decided = store.run(
            lambda s: (
                claim_reminders(s, candidates, today=today, force=not scheduled),
                claim_decision_reminders(s, due, today=today, force=not scheduled),
            )
        )
    except DatabaseUnavailable as exc:
        report.failed[owner] = f"database unavailable: {exc}"
        return
    if not claimed and not decided:
        report.skipped.extend(Skip(owner, "claimed by another round", i.label) for i in candidates)
        return
    try:
        message = nag_message(
            owner,
            claimed,
            escalatable=escalatable(store, [i.kpi.id for i in claimed]),
            decisions=decided,
        )
        _send(client, owner, message.text, message.blocks)
    except Exception as exc:  # noqa: BLE001 - one person's failure must not stop the round
        log.warning("nag: reminder DM to %s failed: %s", owner, exc)
        report.failed[owner] = _error_text(exc)
        _quietly(store, lambda s: release_reminders(s, claimed))
        _quietly(store, lambda s: release_decision_reminders(s, decided))
        return
    report.sent[owner] = [i.label for i in claimed] + [d.label for d in decided]


def _send(client: WebClient, user: str, text: str, blocks: Any) -> None:
    """A DM from the app: posting to a user ID lands in the app's conversation with them."""
    client.chat_postMessage(channel=user, text=text, blocks=blocks, unfurl_links=False)


def _quietly(store: Store, work: Any) -> None:
    try:
        store.run(work)
    except Exception:  # noqa: BLE001 - the round goes on; the next one sends again anyway
        log.exception("nag: could not release a claim")


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc)
    return f"{type(exc).__name__}: {exc}"


def _scorecard_id(session: Session, slug: str) -> int:
    card = session.exec(select(Scorecard).where(Scorecard.slug == slug)).first()
    if card is None:
        known = session.exec(select(Scorecard.slug).order_by(Scorecard.slug)).all()
        hint = f"known: {', '.join(known)}" if known else "no scorecard imported yet"
        raise UnknownScorecard(f"unknown scorecard {slug!r} ({hint})")
    return card.id or 0


def resolve_zones(
    client: WebClient, store: Store, people: Mapping[str, str], *, now: datetime
) -> dict[str, str]:
    """Each person's Slack time zone: cached for a day, else ``users.info``, else the fallback.

    Args:
        people: user ID → the zone to use when Slack does not say (their scorecard's).
    """
    with store.read() as session:
        fresh, stale = cached_zones(session, people, now=now)
    fetched: dict[str, str] = {}
    for user in _missing(people, fresh):
        try:
            tz = client.users_info(user=user)["user"].get("tz")
        except Exception as exc:  # noqa: BLE001 - fall back to the cached or scorecard zone
            log.warning("nag: users.info for %s failed: %s", user, exc)
            continue
        if _valid_zone(tz):
            fetched[user] = tz
    if fetched:
        try:
            store.run(lambda s: remember_zones(s, fetched, now=now))
        except Exception:  # noqa: BLE001 - the cache is a courtesy; the round goes on
            log.exception("nag: could not cache time zones")
    return {
        user: fresh.get(user) or fetched.get(user) or stale.get(user) or fallback
        for user, fallback in people.items()
    }


def _missing(people: Iterable[str], fresh: Mapping[str, str]) -> list[str]:
    return sorted(u for u in people if u not in fresh)


def _valid_zone(tz: object) -> bool:
    if not isinstance(tz, str) or not tz:
        return False
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
