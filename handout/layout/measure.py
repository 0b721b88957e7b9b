"""Measuring flowables before they are placed (for page-break decisions and card overflow)."""

from __future__ import annotations

import io
from functools import cache

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether


@cache
def scratch_canvas() -> Canvas:
    """A canvas that is never saved, for the flowables that need one to wrap."""
    return Canvas(io.BytesIO())


def height(f: Flowable, width: float, available: float = 10_000) -> float:
    """Height *f* takes at *width*; a KeepTogether's real height, not its forced-split one."""
    _, h = f.wrapOn(scratch_canvas(), width, available)
    if isinstance(f, KeepTogether):
        return float(f._H)  # its wrap() reports a huge height on purpose, to force a split
    return float(h)


def stacked_height(story: list[Flowable], width: float, available: float) -> float:
    """Height the flowables take stacked in one frame (space between them included).

    A flowable that takes the room left below it (one with ``fills_space`` true, like
    a card's picture) counts with the least height it needs, its ``min_h``.
    """
    total = 0.0
    previous_after = 0.0
    for i, f in enumerate(story):
        h = float(f.min_h) if getattr(f, "fills_space", False) else height(f, width, available)
        before = f.getSpaceBefore() if i else 0.0
        total += max(before, previous_after) + h
        previous_after = f.getSpaceAfter()
    return total
