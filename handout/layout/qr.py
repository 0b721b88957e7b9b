"""QR codes that print sharp and scan: one vector path, error correction M, URL under it.

Each code is encoded once per URL per process (segno, pure Python). The dark
modules are merged into horizontal runs and filled as a single path, so there
are no hairline seams between modules on screen or paper. The code is never
smaller than 20 mm including its quiet zone of four modules, and the address is
always printed under it, for anyone without a phone camera.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm as mm
from reportlab.platypus import Flowable, Paragraph

from handout.layout.para import Para

#: the smallest printed code, quiet zone included (print-and-beyond: ≥ 20 mm)
MIN_SIZE = 20 * mm
#: the usual size: kinder to older clients and older phones
DEFAULT_SIZE = 25 * mm
#: the address under a code may use this much width (about 52 mm)
CAPTION_WIDTH = 150.0
#: the code's column beside other blocks (a routine's dose, a line about booking)
BESIDE_WIDTH = 118.0
#: the gap between those blocks and the code
BESIDE_GAP = 14.0
QUIET = 4  # modules of white border on every side
DARK = colors.black


@lru_cache(maxsize=64)
def modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's dark/light modules, without the quiet zone."""
    import segno

    code = segno.make(url, error="m", boost_error=False, micro=False)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)


def runs(matrix: tuple[tuple[bool, ...], ...]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length)."""
    out: list[tuple[int, int, int]] = []
    for r, row in enumerate(matrix):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append((r, start, c - start))
            else:
                c += 1
    return out


def shown_url(url: str) -> str:
    """The address as printed under the code: as written, without ``https://``."""
    return url.removeprefix("https://").rstrip("/")


def break_url(text: str, width: float, font: str, size: float) -> list[str]:
    """Lines of at most *width* points, broken after a ``/`` where possible, else after a ``.``.

    Never after a ``-``: a reader would take it for a hyphen and leave it out.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(s: str) -> bool:
        return bool(stringWidth(s, font, size) <= width)

    def pieces(s: str, seps: str) -> list[str]:
        if fits(s) or not seps:
            return [s] if fits(s) else _cut(s, fits)
        parts = re.findall(rf"[^{re.escape(seps[0])}]*{re.escape(seps[0])}?", s)
        return [p for part in parts if part for p in pieces(part, seps[1:])]

    lines: list[str] = []
    line = ""
    for piece in pieces(text, "/."):
        if line and not fits(line + piece):
            lines.append(line)
            line = ""
        line += piece
    return [*lines, line] if line else lines


def _cut(s: str, fits: Any) -> list[str]:
    out: list[str] = []
    while s:
        n = max((i for i in range(1, len(s) + 1) if fits(s[:i])), default=1)
        out.append(s[:n])
        s = s[n:]
    return out


def caption_style(small: ParagraphStyle) -> ParagraphStyle:
    """The address under a code: the small style, centred."""
    return ParagraphStyle(f"{small.name}-qr", parent=small, alignment=TA_CENTER, spaceBefore=0, spaceAfter=0)


class QRCode(Flowable):  # type: ignore[misc]
    """A square code of ``size`` points (quiet zone included) with its address underneath."""

    def __init__(self, url: str, caption_style: Any, size: float = DEFAULT_SIZE, label: str = "",
                 caption_width: float = CAPTION_WIDTH, side: bool = False) -> None:
        super().__init__()
        self.caption_width = caption_width
        #: the label and address to the right of the code (a compact row for cards), not under it
        self.side = side
        self.url = url
        self.size = max(size, MIN_SIZE)
        self.matrix = modules(url)
        self._style = caption_style
        self._url_text = shown_url(url)
        self._label = label
        self.caption: Paragraph | None = None
        self._caption_h = 0.0
        self._wrapped = -1.0  # the width the caption was last laid out for

    def _paragraph(self, width: float, side: bool = False) -> Paragraph:
        from handout.layout.markup import escape

        style = self._style
        if side:
            style = ParagraphStyle(f"{style.name}-side", parent=style, alignment=TA_LEFT)
        lines = break_url(self._url_text, width, style.fontName, style.fontSize)
        text = "<br/>".join(escape(line) for line in lines)
        if self._label:
            text = f"<b>{escape(self._label)}</b><br/>{text}"
        return Para(text, style)

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        if self.side:
            text_w = max(avail_w - self.size - BESIDE_GAP, self.size)
            if self.caption is None or self._wrapped != text_w:  # measured once per width (a card tries several)
                self.caption = self._paragraph(text_w, side=True)
                _, self._caption_h = self.caption.wrap(text_w, avail_h)
                self._wrapped = text_w
            self.width = avail_w
            self.height = max(self.size, self._caption_h)
            return avail_w, self.height
        width = max(self.size, min(avail_w, self.caption_width))
        if self.caption is None or self._wrapped != width:
            self.caption = self._paragraph(width)
            _, self._caption_h = self.caption.wrap(width, avail_h)
            self._wrapped = width
        self.width = width
        self.height = self.size + self._caption_h
        return width, self.height

    def draw(self) -> None:
        canv = self.canv
        n = len(self.matrix)
        module = self.size / (n + 2 * QUIET)
        left = 0.0 if self.side else (self.width - self.size) / 2
        bottom = self.height - self.size if self.side else self._caption_h
        x0 = left + QUIET * module
        top = bottom + self.size - QUIET * module
        canv.saveState()
        canv.setFillColor(colors.white)
        canv.rect(left, bottom, self.size, self.size, stroke=0, fill=1)
        canv.setFillColor(DARK)
        path = canv.beginPath()
        for r, c, length in runs(self.matrix):
            path.rect(x0 + c * module, top - (r + 1) * module, length * module, module)
        canv.drawPath(path, stroke=0, fill=1)
        canv.linkURL(self.url, (left, bottom, left + self.size, bottom + self.size), relative=1)
        canv.restoreState()
        assert self.caption is not None
        if self.side:  # the caption's lines centred on the code's middle (or from its top when taller)
            y = self.height - self._caption_h - max(0.0, (self.size - self._caption_h) / 2)
            self.caption.drawOn(canv, self.size + BESIDE_GAP, y)
        else:
            self.caption.drawOn(canv, 0, 0)


#: the blocks keep at least this width beside a code; in a narrower column the code goes under them
MIN_BESIDE = 280.0


def beside_width(width: float, size: float) -> float:
    """The width left for the blocks beside a code of *size* in a column of *width*, or 0
    when the column is too narrow and the code goes under them."""
    left = width - max(size, BESIDE_WIDTH) - BESIDE_GAP
    return left if left >= MIN_BESIDE else 0.0


class Beside(Flowable):  # type: ignore[misc]
    """Blocks on the left, top-aligned with a code on the right; placed as one, never split."""

    def __init__(self, content: list[Flowable], code: QRCode, left_w: float) -> None:
        super().__init__()
        self.content = content
        self.code = code
        self.left_w = left_w
        self._heights: list[float] = []
        self._gaps: list[float] = []
        self.spaceBefore = content[0].getSpaceBefore() if content else 0.0
        self.spaceAfter = max(content[-1].getSpaceAfter() if content else 0.0, code.getSpaceAfter())

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self._heights, self._gaps = [], []
        previous = 0.0
        total = 0.0
        for i, f in enumerate(self.content):
            _, h = f.wrapOn(self.canv, self.left_w, avail_h)
            gap = max(f.getSpaceBefore(), previous) if i else 0.0
            self._heights.append(h)
            self._gaps.append(gap)
            total += gap + h
            previous = f.getSpaceAfter()
        _, code_h = self.code.wrapOn(self.canv, avail_w - self.left_w - BESIDE_GAP, avail_h)
        self.width = avail_w
        self.height = max(total, code_h)
        return avail_w, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        y = self.height
        for f, h, gap in zip(self.content, self._heights, self._gaps, strict=True):
            y -= gap + h
            f.drawOn(self.canv, 0, y)
        code_x = self.left_w + BESIDE_GAP + (self.width - self.left_w - BESIDE_GAP - self.code.width) / 2
        self.code.drawOn(self.canv, code_x, self.height - self.code.height)
