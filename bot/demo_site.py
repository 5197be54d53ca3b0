"""index.html for the demo: the huddle and the review as a person would see them in Slack.

The page renders the very blocks that would be posted (mrkdwn bold, italics, mentions and
line breaks included), with the review's images shown in its thread under the message and
linked relatively, so the folder can be opened from disk or zipped and sent around.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

_TOKEN = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>|<(https?://[^>|]+)(?:\|([^>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")


def mrkdwn_to_html(text: str, name_of: Callable[[str], str] | None = None) -> Markup:
    """Slack mrkdwn as HTML: entities kept, mentions and links drawn, emphasis applied.

    mrkdwn arrives with ``&``, ``<`` and ``>`` of user text already escaped, so only the
    angle-bracket tokens Slack itself parses (mentions, links) are left to translate; any
    other character is escaped again for HTML on the way. ``name_of`` shows a mentioned
    person by name, as Slack would (a page cannot look the ID up).
    """
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(_plain(text[position : match.start()]))
        sigil, target, label, url, url_label = match.groups()
        if url:
            shown = html.escape(url_label or url, quote=False)
            out.append(f'<a href="{html.escape(url)}">{shown}</a>')
        elif sigil == "@":
            shown = label or (name_of(target) if name_of else target)
            out.append(f'<span class="mention">@{html.escape(shown)}</span>')
        elif sigil == "#":
            out.append(f'<span class="mention">#{html.escape(label or target)}</span>')
        else:
            out.append(f'<span class="mention">@{html.escape(label or target)}</span>')
        position = match.end()
    out.append(_plain(text[position:]))
    body = "".join(out)
    body = _BOLD.sub(r"<b>\1</b>", body)
    body = _ITALIC.sub(r"<i>\1</i>", body)
    body = _STRIKE.sub(r"<s>\1</s>", body)
    return Markup(body.replace("\n", "<br>\n"))


def _plain(text: str) -> str:
    """Escape for HTML what mrkdwn left raw, without doubling its own entities."""
    return html.escape(html.unescape(text), quote=False)


@dataclass(frozen=True)
class DemoMessage:
    """One message of the page: its blocks and the images posted in its thread."""

    title: str
    blocks: list[dict[str, Any]]
    images: list[tuple[str, str]]  # (relative path, alt text)
    markdown_link: str | None = None
    blocks_link: str | None = None


def _environment(name_of: Callable[[str], str] | None = None) -> Environment:
    env = Environment(
        loader=PackageLoader("bsc_core.reports", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mrkdwn"] = lambda text: mrkdwn_to_html(text, name_of)
    env.filters["buttons"] = buttons_of
    return env


def buttons_of(block: dict[str, Any]) -> list[str]:
    """The labels of the buttons in a block (an actions block, or a section's accessory).

    The page shows them greyed out: a reader sees what a Slack user could click.
    """
    elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        elements.append(accessory)
    labels = []
    for element in elements:
        text = element.get("text") if isinstance(element, dict) else None
        if element.get("type") == "button" and isinstance(text, dict) and text.get("text"):
            labels.append(str(text["text"]))
        elif element.get("type") in ("overflow", "static_select", "users_select"):
            placeholder = element.get("placeholder") or {}
            labels.append(str(placeholder.get("text") or "More…"))
    return labels


def write_index(
    out_dir: Path,
    messages: Sequence[DemoMessage],
    *,
    title: str = "bscbot demo",
    name_of: Callable[[str], str] | None = None,
) -> Path:
    """Write ``out_dir/index.html`` showing ``messages`` as a Slack channel would.

    ``name_of`` gives people's names for the mentions in the blocks.
    """
    template = _environment(name_of).get_template("demo_index.html.j2")
    page = template.render(title=title, messages=messages)
    path = out_dir / "index.html"
    path.write_text(page, "utf-8")
    return path
