"""Groups of flowables that stay together except at chosen places.

A routine must not be cut anywhere (a lonely title at the foot of a page, a
dose without its steps), yet a long routine kept whole leaves a hole at the
foot of the page before it. A :class:`Group` is placed as one block; when it
does not fit in the space left, it splits only before a child marked with
``break_before = True`` (a step from the third on, a list item in a box), and
the part that goes on starts with the group's heading repeated and
"(continued)". A :class:`Box` is a group drawn on a tinted panel; each part of a
split box is a whole panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from handout.layout.measure import scratch_canvas
from handout.layout.para import Para

CONTINUED = "(continued)"


def may_break_before(f: Flowable) -> Flowable:
    """Mark *f* as a place where a group may split (the part from *f* on goes to the next page)."""
    f.break_before = True
    return f


class Group(Flowable):  # type: ignore[misc]
    #: space inside the group's edges: left, right, top, bottom
    pad = (0.0, 0.0, 0.0, 0.0)

    def __init__(self, content: Sequence[Flowable], continued: Paragraph | None = None) -> None:
        super().__init__()
        self.content = list(content)
        #: what starts the part after a split: the group's heading with "(continued)"
        self.continued = continued
        self._width = -1.0
        self._heights: list[float] = []
        self._gaps: list[float] = []

    def part(self, content: list[Flowable]) -> Group:
        """A group like this one holding *content* (one side of a split)."""
        return Group(content, self.continued)

    def ending(self) -> Flowable | None:
        """What closes the first part of a split (nothing for a plain group)."""
        return None

    # -- measuring ---------------------------------------------------------
    def _measure(self, width: float) -> None:
        if width == self._width:
            return
        canv = getattr(self, "canv", None) or scratch_canvas()
        inner = width - self.pad[0] - self.pad[1]
        self._heights = []
        self._gaps = []
        previous_after = 0.0
        for i, f in enumerate(self.content):
            _, h = f.wrapOn(canv, inner, 1e6)
            self._heights.append(float(h))
            self._gaps.append(max(f.getSpaceBefore(), previous_after) if i else 0.0)
            previous_after = f.getSpaceAfter()
        self._width = width

    def _top(self, i: int) -> float:
        """Height of the first *i* children with the group's top and bottom space."""
        return self.pad[2] + sum(self._heights[:i]) + sum(self._gaps[:i]) + self.pad[3]

    @property
    def total(self) -> float:
        return self._top(len(self.content))

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self._measure(aW)
        return aW, self.total

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return float(self.content[0].getSpaceBefore()) if self.content else 0.0

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return float(self.content[-1].getSpaceAfter()) if self.content else 0.0

    def breaks(self) -> list[int]:
        """Indexes of the children the group may split before (never right after its headings only)."""
        out = []
        body = False  # something other than a heading comes before
        for i, f in enumerate(self.content):
            if body and getattr(f, "break_before", False):
                out.append(i)
            body = body or not getattr(f, "lead_in", False)
        return out

    # -- splitting and drawing -----------------------------------------------
    def split(self, aW: float, aH: float) -> list[Flowable]:
        self._measure(aW)
        if self.total <= aH:
            return [self]
        end = self.ending()
        first = None
        for i in reversed(self.breaks()):
            if self._top(i) > aH:
                continue
            candidate = self.part([*self.content[:i], *([end] if end is not None else [])])
            if candidate.wrap(aW, aH)[1] <= aH:
                first = candidate
                break
        if first is None:
            return []
        rest = self.part([*([self.continued] if self.continued is not None else []), *self.content[i:]])
        for p in (first, rest):
            if hasattr(self, "section_title"):
                p.section_title = self.section_title
        return [first, rest]

    def draw(self) -> None:
        self.decorate(self._width, self.total)
        y = self.total - self.pad[2]
        for f, h, gap in zip(self.content, self._heights, self._gaps, strict=True):
            y -= gap + h
            f.drawOn(self.canv, self.pad[0], y)

    def decorate(self, width: float, height: float) -> None:
        """Draw what lies under the children (nothing for a plain group)."""


@dataclass(frozen=True)
class Panel:
    """How a box looks: tint, the bar along its left edge, an optional border, and inner space."""

    fill: colors.Color
    bar: colors.Color
    border: colors.Color | None
    pad: tuple[float, float, float, float]
    space_before: float
    space_after: float
    bar_width: float = 4.0


class Box(Group):
    def __init__(self, content: Sequence[Flowable], panel: Panel, continued: Paragraph | None = None,
                 continues: Paragraph | None = None) -> None:
        super().__init__(content, continued)
        self.panel = panel
        #: the last line of a box's first part when it splits ("Continues on the next page")
        self.continues = continues
        first, last = (content[0].getSpaceBefore(), content[-1].getSpaceAfter()) if content else (0.0, 0.0)
        left, right, top, bottom = panel.pad
        self.pad = (left, right, top + first, bottom + last)

    def part(self, content: list[Flowable]) -> Group:
        return Box(content, self.panel, self.continued, self.continues)

    def ending(self) -> Flowable | None:
        return self.continues

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return self.panel.space_before

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return self.panel.space_after

    def decorate(self, width: float, height: float) -> None:
        c, p = self.canv, self.panel
        c.saveState()
        c.setFillColor(p.fill)
        c.rect(0, 0, width, height, stroke=0, fill=1)
        if p.border is not None:
            c.setStrokeColor(p.border)
            c.setLineWidth(1.25)
            c.rect(0, 0, width, height, stroke=1, fill=0)
        c.setStrokeColor(p.bar)
        c.setLineWidth(p.bar_width)
        c.line(p.bar_width / 2, 0, p.bar_width / 2, height)
        c.restoreState()


def continued_heading(content: Sequence[Flowable], font: str, color: str, largest: float, tail: float = 0.8) -> Paragraph | None:
    """The first heading in *content* again, at most *largest* points, followed by "(continued)" in *font* and *color*."""
    head = next((f for f in content if isinstance(f, Paragraph) and getattr(f, "lead_in", False)), None)
    if head is None:
        return None
    style = head.style
    if style.fontSize > largest:
        ratio = largest / style.fontSize
        style = ParagraphStyle(f"{style.name}-continued", parent=style, fontSize=largest, leading=style.leading * ratio,
                               spaceBefore=style.spaceBefore * ratio, spaceAfter=style.spaceAfter * ratio)
    words = f'<font name="{font}" color="{color}" size="{style.fontSize * tail:.1f}">{CONTINUED}</font>'
    para = Para(f"{head.text} {words}", style)
    para.lead_in = True
    return para
