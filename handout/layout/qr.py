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
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm as mm
from reportlab.platypus import Flowable, Paragraph

#: the smallest printed code, quiet zone included (print-and-beyond: ≥ 20 mm)
MIN_SIZE = 20 * mm
#: the usual size: kinder to older clients and older phones
DEFAULT_SIZE = 25 * mm
#: the address under a code may use this much width (about 52 mm)
CAPTION_WIDTH = 150.0
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

    def __init__(self, url: str, caption_style: Any, size: float = DEFAULT_SIZE, label: str = "") -> None:
        super().__init__()
        self.url = url
        self.size = max(size, MIN_SIZE)
        self.matrix = modules(url)
        self._style = caption_style
        self._url_text = shown_url(url)
        self._label = label
        self.caption = self._paragraph(CAPTION_WIDTH)
        self._caption_h = 0.0

    def _paragraph(self, width: float) -> Paragraph:
        from handout.layout.markup import escape

        style = self._style
        lines = break_url(self._url_text, width, style.fontName, style.fontSize)
        text = "<br/>".join(escape(line) for line in lines)
        if self._label:
            text = f"<b>{escape(self._label)}</b><br/>{text}"
        return Paragraph(text, style)

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        width = max(self.size, min(avail_w, CAPTION_WIDTH))
        self.caption = self._paragraph(width)
        _, self._caption_h = self.caption.wrap(width, avail_h)
        self.width = width
        self.height = self.size + self._caption_h
        return width, self.height


    def draw(self) -> None:
        canv = self.canv
        n = len(self.matrix)
        module = self.size / (n + 2 * QUIET)
        x0 = (self.width - self.size) / 2 + QUIET * module
        top = self.height - QUIET * module
        canv.saveState()
        canv.setFillColor(colors.white)
        canv.rect((self.width - self.size) / 2, self._caption_h, self.size, self.size, stroke=0, fill=1)
        canv.setFillColor(DARK)
        path = canv.beginPath()
        for r, c, length in runs(self.matrix):
            path.rect(x0 + c * module, top - (r + 1) * module, length * module, module)
        canv.drawPath(path, stroke=0, fill=1)
        canv.linkURL(self.url, ((self.width - self.size) / 2, self._caption_h, (self.width + self.size) / 2, self.height), relative=1)
        canv.restoreState()
        self.caption.drawOn(canv, 0, 0)
