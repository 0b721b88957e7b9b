"""Pages: paper and card sizes, the branded header and footer, page numbers.

Every page carries the clinic's logo and name at the top and its contact
details at the bottom; a guide also shows "Page N of M". Guide margins are
half an inch; a card narrower than 4.5 in keeps 0.25 in (6.4 mm), still inside
what home printers print and at least the 6 mm from a cut that print shops ask
for. The back of a card (a long routine goes on there) has no header or
footer: the routine's title, repeated with "(continued)", starts it. How tall
the header and footer are for a brand (a wide logo's own row, a tall logo's
width, the footer's lines) is planned in :mod:`handout.layout.fit`; this module
draws it. A brand with nothing for the footer gets no footer rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from handout.errors import warn
from handout.layout import fit
from handout.layout.fit import CARD_SIZES, DEFAULT_CARD, MARGIN, PAGE_LABEL, PAPER_SIZES
from handout.layout.fonts import HELVETICA, FontSet
from handout.layout.images import Picture
from handout.layout.styles import MUTED, Theme, tint
from handout.model import Brand

__all__ = ["CARD_SIZES", "DEFAULT_CARD", "MARGIN", "PAGE_LABEL", "PAPER_SIZES", "Geometry", "card_geometry", "guide_geometry"]

#: body text sizes (pt) tried for a card, largest first. The largest of at least CARD_FRONT_FLOOR
#: with which the routine fits on the front is used (one side is easier to print and to use than
#: two); if none does, it goes on to the back, at the largest size with which front and back hold it
CARD_BODY_SIZES: dict[str, tuple[float, ...]] = {
    "3x5": (12.0, 11.5, 11.0, 10.5),
    "4x6": (12.0, 11.5),
    "a6": (12.0, 11.5),
    "quarter-letter": (12.0, 11.5),
    "5x8": (13.0, 12.5, 12.0),
    "half-letter": (14.0, 13.5, 13.0, 12.5, 12.0),
    "a5": (14.0, 13.5, 13.0, 12.5, 12.0),
}
#: the smallest body text (pt) a card may use to keep its routine on one side (default 12)
CARD_FRONT_FLOOR: dict[str, float] = {"3x5": 11.0, "4x6": 11.5, "a6": 11.5, "quarter-letter": 11.5}
#: line height over type size on cards: a little tighter on the smallest (more text to a side)
CARD_LEADING: dict[str, float] = {"3x5": 1.14, "4x6": 1.17, "a6": 1.17, "quarter-letter": 1.17}


@dataclass(frozen=True)
class Geometry:
    """Where the header, frame and footer sit on one kind of page, for one brand."""

    kind: fit.Kind
    bands: fit.Bands

    @property
    def size(self) -> tuple[float, float]:
        return self.kind.size

    @property
    def side(self) -> float:
        return self.kind.side

    @property
    def header(self) -> float:
        return self.bands.header

    @property
    def footer(self) -> float:
        return self.bands.footer

    @property
    def footer_size(self) -> float:
        return self.kind.footer_size

    @property
    def edge(self) -> float:
        """The top and bottom margin."""
        return self.kind.edge

    @property
    def frame(self) -> tuple[float, float, float, float]:
        w, h = self.size
        x = self.side
        y = self.edge + self.footer
        return x, y, w - 2 * self.side, h - self.edge - self.header - y

    @property
    def back_frame(self) -> tuple[float, float, float, float]:
        """The frame of a card's back: no header and no footer, the margins only."""
        x, _, fw, _ = self.frame
        return x, self.edge, fw, self.size[1] - 2 * self.edge


def guide_geometry(paper: str, brand: Brand | None = None, logo: Picture | None = None, fonts: FontSet = HELVETICA,
                   large: bool = False) -> Geometry:
    """A guide page; *large* (large print): 1 in margins, header and footer text at 18 pt or more."""
    return _geometry(fit.guide_kind(paper, large), brand, logo, fonts)


def card_geometry(size: str, brand: Brand | None = None, logo: Picture | None = None, fonts: FontSet = HELVETICA,
                  large: bool = False) -> Geometry:
    return _geometry(fit.card_kind(size, large), brand, logo, fonts)


def _geometry(kind: fit.Kind, brand: Brand | None, logo: Picture | None, fonts: FontSet) -> Geometry:
    brand = brand or Brand(name="")
    size = kind.footer_size

    def measure(text: str) -> float:
        return float(stringWidth(text, fonts.regular, size))

    def measure_name(text: str) -> float:
        return float(stringWidth(text, fonts.bold, kind.name_size))

    bands = fit.bands(kind, brand, logo.aspect if logo is not None else None, measure, measure_name)
    return Geometry(kind, bands)


def warn_unfit(g: Geometry, brand: Brand) -> None:
    """Say what of the brand did not print well: details left out of the footer, a logo too small.

    Called once the document is made, so a document that fails says only why it failed.
    """
    for problem in fit.unfit(g.kind, g.bands, brand):
        warn(problem.where, problem.message, problem.hint)


def draw_header(canvas: Canvas, g: Geometry, brand: Brand, theme: Theme, logo: Picture | None) -> None:
    """Logo and clinic name at the top (a wide logo on a row of its own), and a rule under them."""
    w, h = g.size
    top = h - g.edge
    x = g.side
    b = g.bands
    text_top = top
    if logo is not None and b.logo is not None:
        if b.logo.own_row:
            logo.draw(canvas, g.side, top - b.logo.h, b.logo.w, b.logo.h)
            text_top = top - b.logo.h - fit.ROW_GAP
        else:
            row = max(b.logo.h, b.text_h)
            logo.draw(canvas, x, top - (row + b.logo.h) / 2, b.logo.w, b.logo.h)
            x += b.logo.w + fit.LOGO_GAP
            text_top = top - (row - b.text_h) / 2
    fonts = theme.fonts
    room = w - g.side - x
    floor = fit.LARGE_TEXT if g.kind.footer_size >= fit.LARGE_TEXT else 3.0  # large print: never below 18 pt
    tagline = drawable(brand.tagline) if b.tagline else ""
    name_y = text_top - b.name_size * 0.92
    canvas.setFillColor(theme.text)
    for n, line in enumerate(b.name_lines or (drawable(brand.name),)):
        if n:
            name_y -= b.name_size * 1.15
        canvas.setFont(fonts.bold, fit_size(line, fonts.bold, b.name_size, room, floor))
        canvas.drawString(x, name_y, line)
    if tagline:
        canvas.setFillColor(MUTED)
        tag_size = fit_size(tagline, fonts.regular, g.kind.name_size * 0.72, room, floor)
        canvas.setFont(fonts.regular, tag_size)
        canvas.drawString(x, name_y - g.kind.name_size * 1.05, tagline)
    canvas.setStrokeColor(theme.primary)
    canvas.setLineWidth(1.5)
    rule_y = top - g.header + fit.after_rule(g.kind)
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


def draw_footer(canvas: Canvas, g: Geometry, brand: Brand, theme: Theme, numbered: bool = False) -> None:
    """Contact details along the bottom, on as many lines as they need (planned in :mod:`fit`).

    With nothing to show, no rule is drawn: a rule with nothing under it looks unfinished.
    """
    del brand, numbered  # planned into g.bands
    lines = g.bands.footer_lines
    if not lines:
        return
    w, _ = g.size
    rule_y = _footer_rule_y(g)
    canvas.setStrokeColor(tint(theme.primary, 0.35))
    canvas.setLineWidth(0.6)
    canvas.line(g.side, rule_y, w - g.side, rule_y)
    size = g.footer_size
    canvas.setFillColor(MUTED)
    canvas.setFont(theme.fonts.regular, size)
    y = rule_y - size - 3
    for line in lines:
        canvas.drawString(g.side, y, line)
        y -= size * 1.25


def _footer_rule_y(g: Geometry) -> float:
    return g.edge + g.footer - fit.footer_gap(g.kind)


def draw_page_label(canvas: Canvas, g: Geometry, theme: Theme, n: int, total: int) -> None:
    """"Page N of M" on the footer's first line (or alone at the bottom when there is no footer)."""
    w, _ = g.size
    size = g.footer_size
    # alone, it sits on the margin; in large print its descenders stay inside the 1 in margin too
    y = _footer_rule_y(g) - size - 3 if g.bands.footer_lines else g.edge + (size * 0.3 if size >= fit.LARGE_TEXT else 0.0)
    canvas.setFillColor(MUTED)
    canvas.setFont(theme.fonts.regular, size)
    canvas.drawRightString(w - g.side, y, PAGE_LABEL.format(n=n, total=total))


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
