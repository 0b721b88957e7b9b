"""The dose box: what to do, how long, how many, how often, in cells of equal width.

A tinted box under an accent rule; each cell holds a label over its value,
white lines part the cells, and an optional last line across the whole box
says whose dose it is. It is drawn as a table of that shape would be, without
a table's cost (a card is measured at two type sizes before it is laid out),
and it is never split.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Flowable

#: padding inside a cell (points): left, right, top, bottom; a note line has no top padding
LEFT, RIGHT, TOP, BOTTOM = 7.0, 5.0, 5.0, 6.0
RULE = 2.0  # the accent rule above the box
PARTING = 0.75  # the white lines between cells


class DoseBox(Flowable):  # type: ignore[misc]
    """*rows* of cells (each a list of flowables, or empty), *per_row* cells a row, then *note* across the box."""

    def __init__(self, rows: Sequence[Sequence[Sequence[Flowable]]], per_row: int, note: Flowable | None,
                 fill: colors.Color, accent: colors.Color) -> None:
        super().__init__()
        self.rows = [list(r) + [[]] * (per_row - len(r)) for r in rows]
        self.per_row = per_row
        self.note = note
        self.fill = fill
        self.accent = accent
        self._heights: list[float] = []  # each row's height, the note line last
        self._width = -1.0

    @staticmethod
    def _stack(cell: Sequence[Flowable], width: float) -> float:
        """Height of a cell's flowables one under the other (the space before the first and after the last not counted)."""
        total = 0.0
        for i, f in enumerate(cell):
            _, h = f.wrap(width, 1e6)
            total += h + (f.getSpaceBefore() if i else 0.0) + (f.getSpaceAfter() if i < len(cell) - 1 else 0.0)
        return total

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        if aW != self._width:
            inner = aW / self.per_row - LEFT - RIGHT
            self._heights = [max(TOP + self._stack(cell, inner) + BOTTOM if cell else TOP + BOTTOM for cell in row) for row in self.rows]
            if self.note is not None:
                self._heights.append(self._stack([self.note], aW - LEFT - RIGHT) + BOTTOM)
            self._width = aW
        self.width = aW
        self.height = sum(self._heights)
        return self.width, self.height

    def draw(self) -> None:
        c, w, h = self.canv, self.width, self.height
        col = w / self.per_row
        c.saveState()
        c.setFillColor(self.fill)
        c.rect(0, 0, w, h, stroke=0, fill=1)
        c.restoreState()
        top = h
        for row, rh in zip(self.rows, self._heights, strict=False):
            for k, cell in enumerate(row):
                self._draw_cell(cell, k * col + LEFT, top - TOP)
            top -= rh
        if self.note is not None:
            self._draw_cell([self.note], LEFT, top)
        # lines, as a table draws them: round caps, the rule above, then the partings
        c.saveState()
        c.setLineCap(1)
        c.setLineJoin(1)
        c.setStrokeColor(self.accent)
        c.setLineWidth(RULE)
        c.line(0, h, w, h)
        c.setStrokeColor(colors.white)
        c.setLineWidth(PARTING)
        values_bottom = h - sum(self._heights[: len(self.rows)])
        for k in range(1, self.per_row):
            c.line(k * col, values_bottom, k * col, h)
        y = h
        for rh in self._heights[: len(self.rows) - 1]:
            y -= rh
            c.line(0, y, w, y)
        c.restoreState()

    def _draw_cell(self, cell: Sequence[Flowable], x: float, top: float) -> None:
        y = top
        for i, f in enumerate(cell):
            if i:
                y -= f.getSpaceBefore()
            y -= f.height
            f.drawOn(self.canv, x, y)
            y -= f.getSpaceAfter()
