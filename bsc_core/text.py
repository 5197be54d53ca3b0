"""User text made safe to store and to show: one sanitiser and one mrkdwn escaper.

Every text a person or a file supplies — slash commands, modals, CSV notes, YAML names, Slack
profile names — goes through :func:`sanitize_text` on the way in, and every text that reaches
a Slack message goes through :func:`escape_mrkdwn` on the way out (which removes the controls
again, so a row stored before this module existed is shown clean too). The reports' templates
escape through :func:`strip_controls` the same way.

Why both: escaping alone keeps ``<!channel>`` from notifying anyone, but a right-to-left
override (U+202E) still turns "1000 USD" into "DSU 0001" for every reader of the huddle, and
zero-width characters make two equal-looking codes differ. Removing every format character is
wrong too: Persian needs the zero-width non-joiner (U+200C), emoji families need the joiner
(U+200D), and variation selectors choose the emoji or text form of a symbol.
"""

from __future__ import annotations

import re
import unicodedata

#: The longest note an actual may carry, from a command, the log modal or a CSV file alike.
MAX_NOTE = 1000

#: Explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
#: plus the implicit marks (LRM, RLM, ALM): invisible, and able to reorder what is shown.
BIDI_CONTROLS = frozenset(
    [
        *map(chr, range(0x202A, 0x202F)),
        *map(chr, range(0x2066, 0x206A)),
        "\u200e",
        "\u200f",
        "\u061c",
    ]
)
#: Format characters that scripts and emoji need: the zero-width non-joiner and joiner.
KEPT_FORMAT = frozenset({"\u200c", "\u200d"})
#: Format characters that show as a glyph (Arabic number signs and other prepended marks) or
#: that Mongolian needs; they cannot hide or reorder text.
VISIBLE_FORMAT = frozenset(
    {
        *map(chr, range(0x0600, 0x0606)),
        "\u06dd",
        "\u070f",
        "\u0890",
        "\u0891",
        "\u08e2",
        "\u180e",
        "\U000110bd",
        "\U000110cd",
    }
)
#: A black flag followed by tag characters and a cancel tag is a subdivision flag (🏴 England);
#: tag characters anywhere else are invisible text and are dropped.
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
_LINE_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029\u0085\u000b\u000c]")


def sanitize_text(text: str | None, *, multiline: bool = False) -> str:
    """``text`` without invisible or reordering controls, trimmed; None becomes ``""``.

    What is removed and kept is described in :func:`strip_controls`; this also trims the
    surrounding whitespace, which is what every input field wants.
    """
    return strip_controls(text, multiline=multiline).strip()


def strip_controls(text: str | None, *, multiline: bool = False) -> str:
    """``text`` without invisible or reordering controls, its outer whitespace untouched.

    Removed: C0 and C1 control characters, bidirectional controls, zero-width spaces, soft
    hyphens, byte-order marks, stray tag characters, lone surrogates. Kept: every visible
    character, ZWNJ and ZWJ, variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF, which are
    combining marks, not format characters) and subdivision flags.

    Args:
        multiline: keep line breaks (as ``\\n``) and tabs, for fields that are paragraphs
            (a countermeasure's action); otherwise every line break and tab becomes a space.
    """
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text)
    flags = {m.start(): m.end() for m in _FLAG_TAGS.finditer(text)}
    out: list[str] = []
    index = 0
    while index < len(text):
        if index in flags:
            out.append(text[index : flags[index]])
            index = flags[index]
            continue
        ch = text[index]
        index += 1
        if ch in "\n\t":
            out.append(ch if multiline else " ")
        elif _kept(ch):
            out.append(ch)
    return "".join(out)


def _kept(ch: str) -> bool:
    if ch in KEPT_FORMAT or ch in VISIBLE_FORMAT:
        return True
    if ch in BIDI_CONTROLS:
        return False
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs")


def escape_mrkdwn(text: str | None) -> str:
    """User text made inert and clean for Slack mrkdwn.

    Controls are removed first (whitespace is left as it is), then ``&``, ``<`` and ``>`` are
    escaped, so ``<!channel>``, ``<!here>`` and ``<@U…>`` typed by a person or written in a
    file never notify anyone. Line breaks are kept (a multi-line action reads as it was
    written); callers that need one line flatten it.
    """
    cleaned = strip_controls(text, multiline=True)
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_plain(text: str | None) -> str:
    """User text for a ``plain_text`` Block Kit field (button labels, headers, modal titles).

    Slack shows plain text literally and never turns it into a mention, so only sanitising is
    needed; escaping would show ``&lt;`` to the reader.
    """
    return sanitize_text(text)
