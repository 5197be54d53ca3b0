"""Parsing ``/kpi`` text into a command: a pure function, no store, no Slack.

Slack sends the text with ``&``, ``<`` and ``>`` escaped; we unescape them once here so a note
is stored as the person typed it (and escaped again wherever it is shown). The text is then
sanitised (:func:`bsc_core.text.sanitize_text`): invisible and bidirectional controls go, the
joiners that Persian words and emoji families need stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bsc_core.periods import Period, PeriodError, looks_like_period
from bsc_core.text import sanitize_text
from commands.values import BadValue, TypedValue, looks_like_number, parse_value

MAX_TEXT = 3000


class UsageError(ValueError):
    """The text is not a valid command; ``usage`` is the form to show with the message."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class LogActual:
    code: str
    value: TypedValue
    period_text: str | None
    note: str | None


@dataclass(frozen=True)
class ListKpis:
    pass


@dataclass(frozen=True)
class ShowKpi:
    code: str


@dataclass(frozen=True)
class MyKpis:
    pass


@dataclass(frozen=True)
class Countermeasures:
    code: str | None


@dataclass(frozen=True)
class Quad:
    code: str
    period_text: str | None


@dataclass(frozen=True)
class Pace:
    code: str


@dataclass(frozen=True)
class NewIdea:
    first_word: str
    rest: str
    text: str


@dataclass(frozen=True)
class ListIdeas:
    pass


@dataclass(frozen=True)
class Alerts:
    enabled: bool | None


@dataclass(frozen=True)
class SetTarget:
    code: str
    value: TypedValue
    period_text: str | None  # None: from the current period on


@dataclass(frozen=True)
class MoveOwner:
    code: str
    person: str  # a Slack user ID, or ``@name`` as typed (looked up among known names)


KpiCommand = (
    Help
    | LogActual
    | ListKpis
    | ShowKpi
    | MyKpis
    | Countermeasures
    | Quad
    | Pace
    | NewIdea
    | ListIdeas
    | Alerts
    | SetTarget
    | MoveOwner
)

USAGE = {
    "log": "/kpi log CODE VALUE [PERIOD] [note…]   e.g. /kpi log MRR 127,500 2026-10 strong month",
    "list": "/kpi list",
    "show": "/kpi show CODE",
    "mine": "/kpi mine",
    "cm": "/kpi cm [CODE]",
    "quad": "/kpi quad CODE [PERIOD]",
    "pace": "/kpi pace CODE",
    "idea": "/kpi idea [CODE] TEXT",
    "ideas": "/kpi ideas",
    "alerts": "/kpi alerts [on|off]",
    "help": "/kpi help [COMMAND]",
    "target": "/kpi target CODE VALUE [FROM-PERIOD]   e.g. /kpi target MRR 130,000 2027-01",
    "owner": "/kpi owner CODE @person   e.g. /kpi owner MRR @dana",
}

#: A mention as Slack sends it (``<@U0123ABCD>`` or ``<@U0123ABCD|dana>``), or a bare user ID.
_MENTION = re.compile(r"^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def unescape_slack(text: str) -> str:
    """Undo Slack's escaping of slash-command text (``&lt;`` → ``<``, …)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean(text: str) -> str:
    """Command text on one line, sanitised: line breaks become spaces, controls are dropped."""
    return sanitize_text(text)


def parse_kpi(text: str) -> KpiCommand:
    """Parse the text after ``/kpi``; raises :class:`UsageError` for anything malformed."""
    text = clean(unescape_slack(text or ""))
    if len(text) > MAX_TEXT:
        raise UsageError(
            f"that is {len(text):,} characters; a command may have at most {MAX_TEXT:,}"
        )
    words = text.split()
    if not words:
        return Help()
    verb, args = words[0].lower(), words[1:]
    if verb in ("help", "?", "usage"):
        return Help(args[0].lower() if args else None)
    if verb == "log":
        return _parse_log(args)
    if verb in ("list", "ls", "status"):
        _no_args(verb, args)
        return ListKpis()
    if verb == "show":
        return ShowKpi(_one_code(verb, args))
    if verb in ("mine", "my"):
        _no_args("mine", args)
        return MyKpis()
    if verb in ("cm", "countermeasure", "countermeasures"):
        if len(args) > 1:
            raise UsageError("`/kpi cm` takes at most one KPI code", USAGE["cm"])
        return Countermeasures(_code(args[0]) if args else None)
    if verb == "quad":
        if not args or len(args) > 2:
            raise UsageError("`/kpi quad` needs a KPI code and optionally a period", USAGE["quad"])
        return Quad(_code(args[0]), _period_token(args[1]) if len(args) > 1 else None)
    if verb == "pace":
        return Pace(_one_code(verb, args))
    if verb == "idea":
        body = text.split(None, 1)[1] if len(words) > 1 else ""
        if not body.strip():
            raise UsageError(
                "the idea is empty: write what you propose after `/kpi idea`", USAGE["idea"]
            )
        first, _, rest = body.partition(" ")
        return NewIdea(first_word=first, rest=rest.strip(), text=body.strip())
    if verb == "ideas":
        _no_args(verb, args)
        return ListIdeas()
    if verb == "alerts":
        if not args:
            return Alerts(None)
        if len(args) == 1 and args[0].lower() in ("on", "off"):
            return Alerts(args[0].lower() == "on")
        raise UsageError("`/kpi alerts` takes `on` or `off`", USAGE["alerts"])
    if verb == "target":
        return _parse_target(args)
    if verb == "owner":
        return _parse_owner(args)
    raise UsageError(f"`{verb[:40]}` is not a /kpi command", None)


def _parse_target(args: list[str]) -> SetTarget:
    usage = USAGE["target"]
    if len(args) < 2:
        raise UsageError("`/kpi target` needs a KPI code and the new target", usage)
    if len(args) > 3:
        raise UsageError(
            "`/kpi target` takes a KPI code, one value and optionally the first period", usage
        )
    code = _code(args[0])
    try:
        value = parse_value(args[1])
    except BadValue as exc:
        raise UsageError(str(exc), usage) from None
    period_text = None
    if len(args) == 3:
        if not looks_like_period(args[2]):
            raise UsageError(f"`{args[2][:40]}` is not a period like 2027-01", usage)
        period_text = _period_token(args[2], usage)
    return SetTarget(code=code, value=value, period_text=period_text)


def _parse_owner(args: list[str]) -> MoveOwner:
    usage = USAGE["owner"]
    if len(args) > 2 and args[1].startswith("@"):
        # Without Slack's escaping a picked person arrives as their name: "@Dana Whitfield".
        return MoveOwner(code=_code(args[0]), person=" ".join(args[1:]))
    if len(args) != 2:
        raise UsageError("`/kpi owner` needs a KPI code and the new owner", usage)
    code = _code(args[0])
    person = args[1]
    mention = _MENTION.match(person)
    if mention:
        return MoveOwner(code=code, person=mention.group(1))
    if _USER_ID.match(person):
        return MoveOwner(code=code, person=person)
    if person.startswith("@") and len(person) > 1:
        return MoveOwner(code=code, person=person)
    raise UsageError(
        f"`{person[:40]}` is not a person: mention them (type @ and pick them from the list)",
        usage,
    )


def _parse_log(args: list[str]) -> LogActual:
    usage = USAGE["log"]
    if not args:
        raise UsageError("`/kpi log` needs a KPI code and a value", usage)
    code = _code(args[0])
    if len(args) < 2:
        raise UsageError(f"the value for {code} is missing", usage)
    try:
        value = parse_value(args[1])
    except BadValue as exc:
        raise UsageError(str(exc), usage) from None
    rest = args[2:]
    period_text = None
    if rest and looks_like_period(rest[0]):
        period_text = _period_token(rest[0])
        rest = rest[1:]
    elif rest and looks_like_number(rest[0]):
        raise UsageError(
            f"`{args[1]} {rest[0]}` is two numbers; give one value (no spaces inside it)", usage
        )
    note = " ".join(rest).strip() or None
    return LogActual(code=code, value=value, period_text=period_text, note=note)


def _period_token(token: str, usage: str = USAGE["log"]) -> str:
    """A period as typed; refused here when malformed (the KPI's frequency is checked later)."""
    try:
        return str(Period.parse(token))
    except PeriodError as exc:
        raise UsageError(str(exc), usage) from None


def _code(token: str) -> str:
    code = token.strip()
    if not code or len(code) > 32 or not code.replace("_", "").replace("-", "").isalnum():
        shown = code[:32] + ("…" if len(code) > 32 else "")
        raise UsageError(
            f"`{shown}` is not a KPI code; codes are short words like MRR or OTD", None
        )
    return code


def _one_code(verb: str, args: list[str]) -> str:
    if len(args) != 1:
        raise UsageError(f"`/kpi {verb}` needs exactly one KPI code", USAGE[verb])
    return _code(args[0])


def _no_args(verb: str, args: list[str]) -> None:
    if args:
        raise UsageError(f"`/kpi {verb}` takes no arguments", USAGE.get(verb))
