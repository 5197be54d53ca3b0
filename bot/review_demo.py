"""The demo page's review thread: last month's review, its decisions, updates and minutes."""

from __future__ import annotations

from pathlib import Path

from bot.demo_site import DemoMessage
from bsc_core.db import Store
from commands import blocks as bk
from commands.review_loop import kept_minutes, review_thread_lines


def review_thread_message(store: Store, out: Path, *, slug: str, month: str) -> DemoMessage | None:
    """The thread of the review of ``month`` as a demo message, its minutes written beside."""
    lines = review_thread_lines(store=store, scorecard_slug=slug, month=month)
    minutes = kept_minutes(store=store, scorecard_slug=slug, month=month)
    if not lines:
        return None
    link = None
    if minutes is not None:
        filename, text = minutes
        (out / filename).write_text(text, encoding="utf-8")
        link = filename
    return DemoMessage(
        title=f"review:{slug}:{month} — the thread (decisions, updates, minutes)",
        blocks=[bk.section(chunk) for chunk in bk.fit_lines(lines)],
        images=[],
        markdown_link=link,
    )
