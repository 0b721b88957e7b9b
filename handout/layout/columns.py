"""A light two-column flowable for lists of short items.

ReportLab's ``BalancedColumns`` searches for its split by laying the content out
again and again (about 80 ms for an 18-item list). Here each item is measured
once per width; the left column takes items until it is at least as tall as the
right, and when the block meets the bottom of a page it splits between items.
"""

from __future__ import annotations

from reportlab.platypus import Flowable


class TwoColumns(Flowable):  # type: ignore[misc]
    def __init__(self, items: list[Flowable], gap: float, space_after: float = 0.0) -> None:
        super().__init__()
        self.items = items
        self.gap = gap
        self.spaceAfter = space_after
        self._heights: list[float] = []
        self._width = -1.0
        self._split_at = 0
        self._height = 0.0

    def _measure(self, width: float) -> None:
        if width == self._width:
            return
        col_w = (width - self.gap) / 2
        self._heights = []
        for i, item in enumerate(self.items):
            _, h = item.wrapOn(self.canv, col_w, 1e6)
            after = item.getSpaceAfter() if i < len(self.items) - 1 else 0.0
            self._heights.append(h + after)
        self._width = width
        self._split_at, self._height = balance(self._heights)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self._measure(aW)
        return aW, self._height

    def split(self, aW: float, aH: float) -> list[Flowable]:
        self._measure(aW)
        if self._height <= aH:
            return [self]
        # the longest run of items whose balanced columns fit in the space left
        fit = 0
        for n in range(1, len(self.items)):
            if balance(self._heights[:n])[1] <= aH:
                fit = n
            else:
                break
        if fit == 0:
            return []
        return [TwoColumns(self.items[:fit], self.gap), TwoColumns(self.items[fit:], self.gap, self.spaceAfter)]

    def draw(self) -> None:
        col_w = (self._width - self.gap) / 2
        for column, items in ((0, self.items[: self._split_at]), (1, self.items[self._split_at :])):
            y = self._height
            heights = self._heights[: self._split_at] if column == 0 else self._heights[self._split_at :]
            for item, h in zip(items, heights, strict=True):
                _, ih = item.wrapOn(self.canv, col_w, 1e6)
                y -= h
                item.drawOn(self.canv, column * (col_w + self.gap), y + (h - ih))


def balance(heights: list[float]) -> tuple[int, float]:
    """Split point and column height that make the two columns most even (left ≥ right)."""
    total = sum(heights)
    left = 0.0
    best = (len(heights), total)
    for k, h in enumerate(heights, start=1):
        left += h
        tallest = max(left, total - left)
        if tallest < best[1] - 1e-6:
            best = (k, tallest)
    return best
