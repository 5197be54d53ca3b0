"""index.html for the demo: the huddle and the review as a person would see them in Slack.

The page renders the very blocks that would be posted (mrkdwn bold, italics, mentions and
line breaks included), with the review's images shown in its thread under the message and
linked relatively, so the folder can be opened from disk or zipped and sent around.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

_TOKEN = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>|<(https?://[^>|]+)(?:\|([^>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\w~])")


def mrkdwn_to_html(text: str) -> Markup:
    """Slack mrkdwn as HTML: entities kept, mentions and links drawn, emphasis applied.

    mrkdwn arrives with ``&``, ``<`` and ``>`` of user text already escaped, so only the
    angle-bracket tokens Slack itself parses (mentions, links) are left to translate; any
    other character is escaped again for HTML on the way.
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
            out.append(f'<span class="mention">@{html.escape(label or target)}</span>')
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


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bsc_core.reports", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["mrkdwn"] = mrkdwn_to_html
    return env


def write_index(
    out_dir: Path, messages: Sequence[DemoMessage], *, title: str = "bscbot demo"
) -> Path:
    """Write ``out_dir/index.html`` showing ``messages`` as a Slack channel would."""
    page = _environment().get_template("demo_index.html.j2").render(title=title, messages=messages)
    path = out_dir / "index.html"
    path.write_text(page, "utf-8")
    return path
