"""Pages: paper and card sizes, the branded header and footer, page numbers.

Every page carries the clinic's logo and name at the top and its contact
details at the bottom; a guide also shows "Page N of M". Margins are at least
half an inch, which home and office printers can print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import inch, mm
from reportlab.pdfgen.canvas import Canvas

from handout.layout.images import Picture
from handout.layout.styles import MUTED, Theme, tint
from handout.model import Brand

PAPER_SIZES: dict[str, tuple[float, float]] = {
    "letter": (8.5 * inch, 11 * inch),
    "a4": (210 * mm, 297 * mm),
}
CARD_SIZES: dict[str, tuple[float, float]] = {
    "3x5": (3 * inch, 5 * inch),
    "4x6": (4 * inch, 6 * inch),
    "5x8": (5 * inch, 8 * inch),
    "half-letter": (5.5 * inch, 8.5 * inch),
    "a6": (105 * mm, 148 * mm),
    "a5": (148 * mm, 210 * mm),
}
#: the card size used when neither --size nor the brand says, by paper
DEFAULT_CARD = {"letter": "half-letter", "a4": "a5"}

MARGIN = 0.5 * inch


@dataclass(frozen=True)
class Geometry:
    """Where the header, frame and footer sit on one kind of page."""

    size: tuple[float, float]
    side: float
    header: float  # height of the header band below the top margin
    footer: float  # height of the footer band above the bottom margin
    logo_h: float
    name_size: float
    footer_size: float

    @property
    def frame(self) -> tuple[float, float, float, float]:
        w, h = self.size
        x = self.side
        y = MARGIN + self.footer
        return x, y, w - 2 * self.side, h - MARGIN - self.header - y

    @property
    def logo_max_w(self) -> float:
        return self.logo_h * 3.2


def guide_geometry(paper: str) -> Geometry:
    return Geometry(PAPER_SIZES[paper], side=0.75 * inch, header=0.85 * inch, footer=0.5 * inch,
                    logo_h=0.5 * inch, name_size=13, footer_size=9)


def card_geometry(size: str) -> Geometry:
    w, h = CARD_SIZES[size]
    small = w < 4.5 * inch
    return Geometry((w, h), side=MARGIN, header=0.5 * inch, footer=0.36 * inch,
                    logo_h=(0.28 if small else 0.32) * inch, name_size=10 if small else 11, footer_size=8)


def draw_header(canvas: Canvas, g: Geometry, brand: Brand, theme: Theme, logo: Picture | None, right_text: str = "") -> None:
    w, h = g.size
    top = h - MARGIN
    x = g.side
    if logo is not None:
        lw, lh = logo.fit(g.logo_max_w, g.logo_h)
        logo.draw(canvas, x, top - g.logo_h + (g.logo_h - lh) / 2, lw, lh)
        x += lw + 0.12 * inch
    fonts = theme.fonts
    room = w - g.side - x - (canvas.stringWidth(right_text, fonts.regular, 9) + 12 if right_text else 0)
    name, tagline = drawable(brand.name), drawable(brand.tagline)
    name_size = fit_size(name, fonts.bold, g.name_size, room)
    name_y = top - g.logo_h / 2 + (2 if brand.tagline else -name_size / 3)
    canvas.setFillColor(theme.primary)
    canvas.setFont(fonts.bold, name_size)
    canvas.drawString(x, name_y, name)
    if tagline:
        canvas.setFillColor(MUTED)
        tag_size = fit_size(tagline, fonts.regular, g.name_size * 0.72, room)
        canvas.setFont(fonts.regular, tag_size)
        canvas.drawString(x, name_y - g.name_size * 0.95, tagline)
    if right_text:
        canvas.setFillColor(MUTED)
        canvas.setFont(fonts.regular, 9)
        canvas.drawRightString(w - g.side, name_y, right_text)
    canvas.setStrokeColor(theme.primary)
    canvas.setLineWidth(1.5)
    rule_y = top - g.header + 0.14 * inch
    canvas.line(g.side, rule_y, w - g.side, rule_y)


def drawable(text: str) -> str:
    """Text for drawString, which would print a soft hyphen as a visible one."""
    return text.replace("\u00ad", "")


def fit_size(text: str, font: str, size: float, width: float, smallest: float = 3.0) -> float:
    """The largest size up to *size* at which *text* fits in *width* (never below *smallest*)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    natural = float(stringWidth(text, font, size))
    if natural <= width or natural == 0:
        return size
    return max(smallest, size * width / natural)


def footer_lines(brand: Brand, theme: Theme, width: float, size: float, max_lines: int = 2) -> list[str]:
    """Contact details joined by dots, whole items only, on at most *max_lines* lines.

    Items that do not fit are left out rather than cut in half.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    parts = [drawable(p) for p in (brand.practitioner, *brand.contact) if p]
    sep = "  \u00b7  "
    lines: list[str] = []
    current = ""
    for item in parts:
        candidate = f"{current}{sep}{item}" if current else item
        if stringWidth(candidate, theme.fonts.regular, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if len(lines) == max_lines:
            return lines
        current = item if stringWidth(item, theme.fonts.regular, size) <= width else ""
    if current and len(lines) < max_lines:
        lines.append(current)
    return lines


PAGE_LABEL = "Page {n} of {total}"


def draw_footer(canvas: Canvas, g: Geometry, brand: Brand, theme: Theme, numbered: bool = False) -> None:
    """Contact details along the bottom; with *numbered*, room is left for the page label."""
    w, _ = g.size
    rule_y = MARGIN + g.footer - 0.12 * inch
    canvas.setStrokeColor(tint(theme.primary, 0.35))
    canvas.setLineWidth(0.6)
    canvas.line(g.side, rule_y, w - g.side, rule_y)
    size = g.footer_size
    label = PAGE_LABEL.format(n=99, total=99)
    label_w = canvas.stringWidth(label, theme.fonts.regular, size) + 14 if numbered else 0
    lines = footer_lines(brand, theme, w - 2 * g.side - label_w, size)
    canvas.setFillColor(MUTED)
    canvas.setFont(theme.fonts.regular, size)
    y = rule_y - size - 3
    for line in lines:
        canvas.drawString(g.side, y, line)
        y -= size * 1.25


def draw_page_label(canvas: Canvas, g: Geometry, theme: Theme, n: int, total: int) -> None:
    w, _ = g.size
    size = g.footer_size
    canvas.setFillColor(MUTED)
    canvas.setFont(theme.fonts.regular, size)
    canvas.drawRightString(w - g.side, MARGIN + g.footer - 0.12 * inch - size - 3, PAGE_LABEL.format(n=n, total=total))


def numbered_canvas(on_save: Callable[[Canvas, int, int], None]) -> type[Canvas]:
    """A canvas class that holds pages back until the end, so each can say "of M"."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                on_save(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas
