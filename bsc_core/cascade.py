"""Cascading: a KPI computed from others, usually the same KPI on the boards below.

``from: [P1OTD, P2OTD]`` with ``combine: sum | average | min | max`` (default: the KPI's own
``aggregate``) makes a KPI's actual, for each of its periods, the combination of its sources'
values for that period — each source first aggregated to that period by its own rule. Its
coverage counts the sources that have a value; with none it is ``missing``. Its target,
direction and tolerance are its own.

Checked at import: every source exists (on any scorecard), none has a longer frequency than
the KPI (a weekly figure cannot be made of monthly ones), and no KPI is computed from itself,
however indirectly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal

from bsc_core.aggregation import RANK, Aggregate, Coverage, combine
from bsc_core.periods import Frequency

COMBINE_CHOICES = ("sum", "average", "min", "max")


@dataclass(frozen=True)
class ComputedValue:
    """A computed KPI's actual for one period and how many of its sources it rests on."""

    value: Decimal | None
    coverage: Coverage


def computed_value(
    sources: Sequence[str], *, how: Aggregate, value_of: Callable[[str], Decimal | None]
) -> ComputedValue:
    """Combine the sources' values for one period; sources without one are left out."""
    values = [v for code in sources if (v := value_of(code)) is not None]
    return ComputedValue(
        value=combine(values, how), coverage=Coverage(have=len(values), due=len(sources))
    )


def not_loggable(code: str, sources: Sequence[str], how: str) -> str:
    """Why a computed KPI cannot be logged, naming what to log instead."""
    return (
        f"{code} is computed ({how}) from {', '.join(sources)} and cannot be logged; "
        f"log {'that KPI' if len(sources) == 1 else 'those KPIs'} instead"
    )


@dataclass(frozen=True)
class SourceKpi:
    """What the import checks of a KPI that may be a source or computed: code, frequency,
    and its own sources (empty for a logged KPI)."""

    code: str
    frequency: Frequency
    sources: tuple[str, ...] = ()


def source_errors(
    kpis: Mapping[str, SourceKpi], *, blame: Set[str] | None = None
) -> dict[str, list[str]]:
    """Problems of each computed KPI (by code): unknown sources, longer sources, cycles.

    ``kpis`` maps upper-case codes to every KPI known (the file's and the store's). A cycle is
    listed under its first member in ``blame`` (the KPIs being imported), else its smallest.
    """
    errors: dict[str, list[str]] = {}
    for key, kpi in kpis.items():
        for source in kpi.sources:
            found = kpis.get(source.upper())
            if found is None:
                errors.setdefault(key, []).append(
                    f"source {source!r} is not a KPI code of any scorecard"
                )
            elif RANK[found.frequency] > RANK[kpi.frequency]:
                errors.setdefault(key, []).append(
                    f"source {found.code} is {found.frequency}, longer than this "
                    f"{kpi.frequency} KPI; a source must be as frequent or more"
                )
    for cycle in find_cycles({k: [s.upper() for s in v.sources] for k, v in kpis.items()}):
        shown = " from ".join(kpis[code].code for code in cycle)
        owner = next((code for code in cycle if blame and code in blame), cycle[0])
        errors.setdefault(owner, []).append(
            f"computed from itself ({shown}); remove one of these sources"
        )
    return errors


def find_cycles(graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Each cycle of "computed from" once, as the path back to its start (A, B, A).

    Iterative depth-first search with three colours; a cycle is reported from the node with
    the smallest code so the same cycle is never listed twice.
    """
    cycles: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(graph):
        if state.get(root):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            edges = [e for e in graph.get(node, ()) if e in graph]
            if index < len(edges):
                stack.append((node, index + 1))
                nxt = edges[index]
                if state.get(nxt) == 1:
                    loop = path[path.index(nxt) :]
                    start = loop.index(min(loop))
                    ordered = loop[start:] + loop[:start]
                    if tuple(ordered) not in seen:
                        seen.add(tuple(ordered))
                        cycles.append([*ordered, ordered[0]])
                elif not state.get(nxt):
                    stack.append((nxt, 0))
                continue
            state[node] = 2
            path.pop()
    return cycles
