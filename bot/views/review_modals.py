"""Block Kit of the review loop's modals: Record decision, Update initiative, and the
small messages around them (the agenda's own buttons are in :mod:`commands.review_blocks`)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bsc_core.decisions import MAX_DECISION, DecisionInfo
from bsc_core.formatting import escape_mrkdwn
from bsc_core.initiative_updates import MAX_NOTE, STATUSES, status_words
from commands import blocks as bk
from commands.review_blocks import option as _option
from commands.review_loop import DECISION_DONE, REOPEN_REVIEW, DecisionForm, InitiativeForm

DECISION_CALLBACK = "review_decision"
INITIATIVE_CALLBACK = "review_initiative_update"
MAX_OPTIONS = 100


# -- the decision modal -------------------------------------------------------------------------


def decision_modal(form: DecisionForm) -> dict[str, Any]:
    """The Record decision modal: the decision, an optional KPI, an owner and a due date."""
    kpi_element: dict[str, Any] = {
        "type": "static_select",
        "action_id": "kpi",
        "placeholder": {"type": "plain_text", "text": "The KPI it concerns (optional)"},
        "options": [_option(f"{k.code} {k.name}", k.code) for k in form.kpis[:MAX_OPTIONS]],
    }
    chosen = next((k for k in form.kpis if k.code == form.kpi_code), None)
    if chosen is not None:
        kpi_element["initial_option"] = _option(f"{chosen.code} {chosen.name}", chosen.code)
    blocks: list[bk.Block] = [
        bk.section(
            f"Review of *{escape_mrkdwn(form.review.scorecard_name)}* · {form.review.month}. "
            "With an owner and a due date the decision becomes an action: followed up in the "
            "owner's Home, reminded when overdue, and listed at the next review."
        ),
        {
            "type": "input",
            "block_id": "decision",
            "label": {"type": "plain_text", "text": "Decision"},
            "element": {
                "type": "plain_text_input",
                "action_id": "decision",
                "multiline": True,
                "max_length": MAX_DECISION,
                "placeholder": {"type": "plain_text", "text": "What the meeting decided"},
            },
        },
    ]
    if kpi_element["options"]:
        blocks.append(
            {
                "type": "input",
                "block_id": "kpi",
                "optional": True,
                "label": {"type": "plain_text", "text": "KPI"},
                "element": kpi_element,
            }
        )
    blocks += [
        {
            "type": "input",
            "block_id": "owner",
            "optional": True,
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {"type": "users_select", "action_id": "owner"},
        },
        {
            "type": "input",
            "block_id": "due",
            "optional": True,
            "label": {"type": "plain_text", "text": "Due date"},
            "element": {
                "type": "datepicker",
                "action_id": "due",
                "placeholder": {"type": "plain_text", "text": "With an owner: due by"},
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": DECISION_CALLBACK,
        "title": {"type": "plain_text", "text": "Record decision"},
        "submit": {"type": "plain_text", "text": "Record"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
        "private_metadata": json.dumps({"review_id": form.review.id}),
    }


def decision_values(view: dict[str, Any]) -> dict[str, Any]:
    """The decision modal's fields: ``decision``, ``kpi``, ``owner`` (str|None), ``due``."""
    state = _state(view)
    due_text = _element(state, "due").get("selected_date")
    try:
        due = date.fromisoformat(due_text) if due_text else None
    except ValueError:
        due = None
    return {
        "decision": _element(state, "decision").get("value"),
        "kpi": (_element(state, "kpi").get("selected_option") or {}).get("value") or None,
        "owner": _element(state, "owner").get("selected_user") or None,
        "due": due,
    }


# -- the initiative modal -----------------------------------------------------------------------


def initiative_modal(form: InitiativeForm) -> dict[str, Any]:
    """The Update modal: status, % complete (0–100) and a note, with the current state."""
    options = [_option(status_words(s), s) for s in STATUSES]
    current = next((o for o in options if o["value"] == form.status), None)
    status_element: dict[str, Any] = {
        "type": "static_select",
        "action_id": "status",
        "options": options,
    }
    if current is not None:
        status_element["initial_option"] = current
    percent_element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "percent",
        "placeholder": {"type": "plain_text", "text": "0 to 100"},
    }
    if form.percent is not None:
        percent_element["initial_value"] = str(form.percent)
    now = status_words(form.status) + (f", {form.percent} %" if form.percent is not None else "")
    return {
        "type": "modal",
        "callback_id": INITIATIVE_CALLBACK,
        "title": {"type": "plain_text", "text": "Update initiative"},
        "submit": {"type": "plain_text", "text": "Update"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            bk.section(
                f"*{escape_mrkdwn(form.name)}* ({escape_mrkdwn(form.objective_code)}) · now: {now}"
            ),
            {
                "type": "input",
                "block_id": "status",
                "label": {"type": "plain_text", "text": "Status"},
                "element": status_element,
            },
            {
                "type": "input",
                "block_id": "percent",
                "optional": True,
                "label": {"type": "plain_text", "text": "% complete"},
                "element": percent_element,
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": {"type": "plain_text", "text": "Note"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "note",
                    "multiline": True,
                    "max_length": MAX_NOTE,
                },
            },
        ],
        "private_metadata": json.dumps(
            {"review_id": form.review.id, "initiative_id": form.initiative_id}
        ),
    }


def initiative_values(view: dict[str, Any]) -> dict[str, Any]:
    """The initiative modal's fields: ``status``, ``percent`` (text), ``note``."""
    state = _state(view)
    return {
        "status": (_element(state, "status").get("selected_option") or {}).get("value"),
        "percent": _element(state, "percent").get("value"),
        "note": _element(state, "note").get("value"),
    }


# -- shared -------------------------------------------------------------------------------------


def _state(view: dict[str, Any]) -> dict[str, Any]:
    return dict(view.get("state", {}).get("values", {}))


def _element(state: dict[str, Any], block: str) -> dict[str, Any]:
    return state.get(block, {}).get(block, {}) or {}


def reopen_blocks(text: str, value: str) -> list[bk.Block]:
    """The answer to a click on a closed review's Close button: what happened, and Reopen."""
    return [
        bk.section(text),
        bk.actions(bk.button("🔓 Reopen the review", action_id=REOPEN_REVIEW, value=value)),
    ]


def done_button(decision_id: int) -> bk.Block:
    return bk.button("Done", action_id=DECISION_DONE, value=str(decision_id))


def decision_blocks(decisions: list[DecisionInfo], *, limit: int = 10) -> list[bk.Block]:
    """The Home tab's "Your review decisions": each open action with its Done button."""
    if not decisions:
        return []
    blocks: list[bk.Block] = [
        bk.divider(),
        bk.section(f"*Your review decisions ({len(decisions)})*"),
    ]
    for d in decisions[:limit]:
        late = " · *overdue*" if d.state == "overdue" else ""
        kpi = f" · *{escape_mrkdwn(d.kpi_code)}*" if d.kpi_code else ""
        due = f" · due {d.due_date.isoformat()}" if d.due_date else ""
        text = (
            f"📝 {escape_mrkdwn(' '.join(d.text.split()))}{kpi}{due}{late}\n"
            f"_{escape_mrkdwn(d.scorecard_name)}, review of {d.review_month}_"
        )
        blocks.append(bk.section(text, accessory=done_button(d.id)))
    if len(decisions) > limit:
        blocks.append(bk.context(f"+{len(decisions) - limit} more"))
    return blocks
