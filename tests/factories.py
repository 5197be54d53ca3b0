"""Builders for test data: small scorecards written as the YAML an admin would write.

Going through the real import keeps the tests honest about the file format too.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from bsc_core.db import Store
from bsc_core.imports.scorecard_apply import ImportSummary, apply_scorecard
from bsc_core.imports.scorecard_file import parse_scorecard_text

OWNER = "U0OWNER01"
CHAIR = "U0CHAIR01"
OTHER = "U0OTHER01"
ADMIN = "U0ADMIN01"
CHANNEL = "C0TEAM0001"


def kpi(code: str, **overrides: Any) -> dict[str, Any]:
    """One KPI entry; defaults to a monthly, up, 5 % KPI with target 100 owned by OWNER."""
    entry: dict[str, Any] = {
        "code": code,
        "name": f"{code} measure",
        "unit": "",
        "owner": OWNER,
        "frequency": "monthly",
        "direction": "up",
        "amber": "5%",
        "target": 100,
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def scorecard(*kpis: dict[str, Any], slug: str = "team", **overrides: Any) -> dict[str, Any]:
    """A scorecard document with one objective per perspective used by the KPIs."""
    objectives: dict[str, dict[str, Any]] = {}
    for entry in kpis:
        perspective = entry.pop("perspective", "Financial")
        code = entry.pop("objective", perspective[:1] + "1")
        objectives.setdefault(
            code,
            {
                "code": code,
                "perspective": perspective,
                "name": f"Objective {code}",
                "owner": OWNER,
                "kpis": [],
            },
        )["kpis"].append(entry)
    doc: dict[str, Any] = {
        "scorecard": slug.title(),
        "slug": slug,
        "tier": 1,
        "channel": CHANNEL,
        "chair": CHAIR,
        "timezone": "UTC",
        "objectives": list(objectives.values()),
    }
    doc.update(overrides)
    return doc


def to_yaml(*docs: dict[str, Any]) -> str:
    return "---\n".join(yaml.safe_dump(d, sort_keys=False, allow_unicode=True) for d in docs)


def import_yaml(store: Store, text: str, *, actor: str = "test") -> list[ImportSummary]:
    """Import YAML text (a dict-built document or a literal string) into ``store``."""
    specs = parse_scorecard_text(textwrap.dedent(text))
    with store.write() as session:
        return [apply_scorecard(session, spec, actor=actor) for spec in specs]


def import_docs(store: Store, *docs: dict[str, Any]) -> list[ImportSummary]:
    return import_yaml(store, to_yaml(*docs))
