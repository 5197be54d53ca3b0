"""Small lookups over matplotlib artists, so chart tests check structure rather than pixels."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure


def axes_by_gid(figure: Figure, gid: str) -> Axes:
    """The single Axes with this gid (fails loudly if there is none or several)."""
    found = [ax for ax in figure.axes if ax.get_gid() == gid]
    assert len(found) == 1, f"expected one Axes with gid {gid!r}, got {len(found)}"
    return found[0]


def patches_with_prefix(ax: Axes, prefix: str) -> dict[str, object]:
    """Patches whose gid starts with ``prefix``, keyed by the rest of the gid."""
    return {
        p.get_gid()[len(prefix) :]: p
        for p in ax.patches
        if p.get_gid() and p.get_gid().startswith(prefix)
    }


def texts(figure: Figure) -> list[str]:
    """Every text string drawn anywhere in the figure (axes, figure, legends, ticks)."""
    found = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def hex_of(colour: object) -> str:
    """Normalise any matplotlib colour to '#rrggbb' for comparison with the palette."""
    return to_hex(colour, keep_alpha=False).lower()
