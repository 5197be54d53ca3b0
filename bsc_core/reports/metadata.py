"""The metadata a posted report carries, so its own posts can be recognised by ``key``.

The clock and the job worker look for a report's key in the channel's history before posting
again after a crash (a post may have gone out before the process died).
"""

from __future__ import annotations

from typing import Any

from bsc_core.reports.huddle import HuddleData
from bsc_core.reports.review import ReviewData


def report_metadata(kind: str, data: HuddleData | ReviewData) -> dict[str, Any]:
    """Message metadata that lets the scheduler recognise its own posts by ``key``."""
    return {
        "event_type": "bscbot_report",
        "event_payload": {"kind": kind, "scorecard": data.scorecard.slug, "key": data.key},
    }
