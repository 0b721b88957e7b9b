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
