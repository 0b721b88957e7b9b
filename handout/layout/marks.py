"""Small signs drawn as vectors (they stay sharp at any size and need no font)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable


class WarningMark(Flowable):  # type: ignore[misc]
    """A filled warning triangle with a white exclamation mark, *size* points tall."""

    def __init__(self, size: float, color: colors.Color) -> None:
        super().__init__()
        self.size = size
        self.color = color
        self.width = size * 1.12
        self.height = size

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        s, w = self.size, self.width
        c.saveState()
        c.setFillColor(self.color)
        c.setStrokeColor(self.color)
        c.setLineJoin(1)
        c.setLineWidth(s * 0.12)
        inset = s * 0.06
        path = c.beginPath()
        path.moveTo(inset, inset)
        path.lineTo(w - inset, inset)
        path.lineTo(w / 2, s - inset)
        path.close()
        c.drawPath(path, fill=1, stroke=1)
        c.setFillColor(colors.white)
        bar = s * 0.13
        c.roundRect(w / 2 - bar / 2, s * 0.36, bar, s * 0.36, bar / 2, stroke=0, fill=1)
        c.circle(w / 2, s * 0.22, bar * 0.6, stroke=0, fill=1)
        c.restoreState()


class MarkedLine(Flowable):  # type: ignore[misc]
    """A sentence on a tinted band with a bar and a mark at its left (a stop rule).

    Laid out as a row of two cells would be: the mark's cell is *mark_cell*
    points wide with the mark *mark_left* from the left and *mark_top* below
    the top; the sentence fills the rest, *pad* below and above it and *right*
    to its right. It is drawn directly, without
    the cost of a table, and is never split (a stop rule is one sentence).
    """

    def __init__(self, mark: Flowable, sentence: Flowable, *, fill: colors.Color, bar: colors.Color,
                 mark_cell: float, mark_left: float, mark_top: float, pad: float, right: float) -> None:
        super().__init__()
        self.mark = mark
        self.sentence = sentence
        self.fill = fill
        self.bar = bar
        self.mark_cell = mark_cell
        self.mark_left = mark_left
        self.mark_top = mark_top
        self.pad = pad
        self.right = right
        self._text_h = 0.0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        _, self._text_h = self.sentence.wrap(aW - self.mark_cell - self.right, 1e6)
        self.width = aW
        self.height = max(2 * self.pad + self._text_h, self.mark_top + self.mark.height + self.pad)
        return self.width, self.height

    def draw(self) -> None:
        c, w, h = self.canv, self.width, self.height
        c.saveState()
        c.setFillColor(self.fill)
        c.rect(0, 0, w, h, stroke=0, fill=1)
        c.restoreState()
        self.mark.drawOn(c, self.mark_left, h - self.mark_top - self.mark.height)
        self.sentence.drawOn(c, self.mark_cell, h - self.pad - self._text_h)
        c.saveState()
        c.setStrokeColor(self.bar)
        c.setLineWidth(2.5)
        c.setLineCap(1)
        c.line(0, 0, 0, h)
        c.restoreState()
