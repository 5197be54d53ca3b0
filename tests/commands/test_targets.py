"""`/kpi target` and `/kpi owner`: the forms accepted and refused, who may, what changes."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlmodel import col, select

from bsc_core.db import Store
from bsc_core.models import AuditEvent, Job, Kpi, SlackUser, Target
from commands import kpi_parser as p
from commands.kpi import handle_kpi, help_reply
from commands.reply import Caller
from commands.values import parse_value
from tests.factories import ADMIN, CHAIR, CHANNEL, OTHER, OWNER, import_docs, kpi, scorecard

NEW_OWNER = "U0NEWOWN1"
NOW = datetime(2026, 11, 20, 10, 0)

ACCEPTED = [
    ("target MRR 120,000", p.SetTarget("MRR", parse_value("120,000"), None)),
    ("target MRR 120000 2027-01", p.SetTarget("MRR", parse_value("120000"), "2027-01")),
    ("target gm 63.5% 2026-Q4", p.SetTarget("gm", parse_value("63.5%"), "2026-Q4")),
    ("owner MRR <@U0NEWOWN1>", p.MoveOwner("MRR", NEW_OWNER)),
    ("owner MRR <@U0NEWOWN1|dana>", p.MoveOwner("MRR", NEW_OWNER)),
    ("owner MRR &lt;@U0NEWOWN1|dana&gt;", p.MoveOwner("MRR", NEW_OWNER)),
    ("owner MRR U0NEWOWN1", p.MoveOwner("MRR", NEW_OWNER)),
    ("owner MRR @dana", p.MoveOwner("MRR", "@dana")),
    ("owner MRR @Dana Whitfield", p.MoveOwner("MRR", "@Dana Whitfield")),
]

REFUSED = [
    ("target", "needs a KPI code and the new target"),
    ("target MRR", "needs a KPI code and the new target"),
    ("target MRR lots", "not a number"),
    ("target MRR 5 2026-13", "month 13 does not exist"),
    ("target MRR 5 next-month", "not a period"),
    ("target MRR 5 2027-01 because", "one value and optionally the first period"),
    ("target <!here> 5", "is not a KPI code"),
    ("owner MRR", "needs a KPI code and the new owner"),
    ("owner MRR dana", "is not a person"),
    ("owner MRR <@U0A> <@U0B>", "needs a KPI code and the new owner"),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_forms(text: str, expected: p.KpiCommand) -> None:
    assert p.parse_kpi(text) == expected


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_refused_forms_say_what_was_wrong(text: str, message: str) -> None:
    with pytest.raises(p.UsageError) as caught:
        p.parse_kpi(text)
    assert message in caught.value.message


def test_help_lists_both_commands() -> None:
    text = help_reply().text
    assert "`/kpi target CODE VALUE [FROM-PERIOD]`" in text
    assert "`/kpi owner CODE @person`" in text
    assert help_reply("target").text.count("•") == 1


def _card(store: Store) -> None:
    import_docs(
        store,
        scorecard(
            kpi("MRR", unit="USD", target=100000, targets={"2026-12": 110000}),
            kpi("GM", unit="%", target=62),
        ),
    )


def _targets(store: Store, code: str) -> tuple[float | None, dict[str, float]]:
    with store.read() as session:
        row = session.exec(select(Kpi).where(Kpi.code == code)).one()
        rows = session.exec(select(Target).where(Target.kpi_id == row.id)).all()
        return row.default_target, {t.period: t.value for t in rows}


def _run(store: Store, text: str, user: str = CHAIR, channel: str = CHANNEL) -> str:
    caller = Caller(user, channel, is_admin=user == ADMIN)
    return handle_kpi(text, store=store, caller=caller, now=NOW).text


def test_target_from_a_period_keeps_every_earlier_target(store: Store) -> None:
    _card(store)
    with store.write() as session:  # an actual in March: the history starts there
        from bsc_core.models import Actual

        mrr = session.exec(select(Kpi).where(Kpi.code == "MRR")).one()
        session.add(Actual(kpi_id=mrr.id or 0, period="2026-03", value=90000))

    text = _run(store, "target MRR 130,000 2026-11")

    assert "from 2026-11 on" in text and "100,000" in text and "130,000" in text
    flat, rows = _targets(store, "MRR")
    assert flat == 130000
    # Every month of the year before November keeps 100,000; December's own plan is replaced.
    assert rows == {f"2026-{m:02d}": 100000 for m in range(1, 11)}


def test_target_without_period_starts_at_the_current_one(store: Store) -> None:
    _card(store)
    text = _run(store, "target GM 64%")
    assert "from 2026-11 on" in text and "62%" in text and "64%" in text
    flat, rows = _targets(store, "GM")
    assert flat == 64 and rows["2026-10"] == 62 and "2026-11" not in rows


def test_target_change_is_audited_and_refreshes_the_homes_concerned(store: Store) -> None:
    _card(store)
    _run(store, "target MRR 130000 2026-12")
    with store.read() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "set_target")).one()
        jobs = session.exec(select(Job).where(Job.kind == "after_change")).all()
    assert event.actor == CHAIR
    assert json.loads(event.before or "{}")["2026-12"] == 110000
    assert json.loads(event.after or "{}")["target"] == 130000
    assert len(jobs) == 1
    assert set(json.loads(jobs[0].payload)["people"]) == {OWNER, CHAIR}


@pytest.mark.parametrize(
    ("user", "allowed"), [(CHAIR, True), (ADMIN, True), (OWNER, False), (OTHER, False)]
)
def test_only_the_chair_and_admins_change_targets_and_owners(
    store: Store, user: str, allowed: bool
) -> None:
    _card(store)
    target = _run(store, "target MRR 1 2027-01", user=user)
    owner = _run(store, f"owner MRR <@{NEW_OWNER}>", user=user)
    flat, _ = _targets(store, "MRR")
    with store.read() as session:
        moved = session.exec(select(Kpi.owner).where(Kpi.code == "MRR")).one()
        events = session.exec(select(AuditEvent).where(col(AuditEvent.actor) == user)).all()
    if allowed:
        assert (flat, moved) == (1, NEW_OWNER)
        assert len(events) == 2
    else:
        assert (flat, moved) == (100000, OWNER)
        assert events == []
        for reply in (target, owner):
            assert f"Only the chair <@{CHAIR}> or an admin" in reply
            assert "Nothing was changed." in reply


def test_owner_moves_with_before_and_after(store: Store) -> None:
    _card(store)
    text = _run(store, f"owner MRR <@{NEW_OWNER}|dana>")
    assert f"<@{OWNER}> → *<@{NEW_OWNER}>*" in text
    again = _run(store, f"owner MRR <@{NEW_OWNER}>")
    assert "already owned" in again and "Nothing was changed." in again
    with store.read() as session:
        job = session.exec(select(Job).where(Job.kind == "after_change")).one()
    assert {OWNER, NEW_OWNER} <= set(json.loads(job.payload)["people"])


def test_owner_by_a_known_name_and_an_unknown_one(store: Store) -> None:
    _card(store)
    with store.write() as session:
        session.add(SlackUser(user_id=NEW_OWNER, display_name="Dana Whitfield"))
    assert f"*<@{NEW_OWNER}>*" in _run(store, "owner MRR @dana whitfield")
    unknown = _run(store, "owner GM @nobody")
    assert "nobody is known as `@nobody`" in unknown and "Nothing was changed." in unknown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("target MRR 5% 2027-01", "MRR is measured in USD"),
        ("target MRR 5 2026-W50", "this KPI is monthly"),
        ("target NOPE 5", "There is no KPI `NOPE`"),
    ],
)
def test_bad_input_changes_nothing(store: Store, text: str, message: str) -> None:
    _card(store)
    reply = _run(store, text)
    assert message in reply and "Nothing was changed." in reply
    assert _targets(store, "MRR") == (100000, {"2026-12": 110000})
    with store.read() as session:
        assert session.exec(select(Job)).all() == []
