"""Paper and card sizes, in one place, as plain numbers (points: 72 to the inch).

No ReportLab here: the command line, ``brand.toml`` checking and the layout all
read the same tables, and ``handout --help`` stays quick.

A sheet is a full page of paper with cards laid on it edge to edge: two
half-letter (A5) cards turned sideways, or four quarter-letter (A6) cards
upright. :func:`cells` says where each card goes.
"""

from __future__ import annotations

from dataclasses import dataclass

INCH = 72.0
MM = INCH / 25.4

#: paper sizes, portrait (width, height)
PAPERS: dict[str, tuple[float, float]] = {
    "letter": (8.5 * INCH, 11 * INCH),
    "a4": (210 * MM, 297 * MM),
}

#: card sizes, portrait (width, height); the order is the one shown in help texts
CARDS: dict[str, tuple[float, float]] = {
    "3x5": (3 * INCH, 5 * INCH),
    "4x6": (4 * INCH, 6 * INCH),
    "5x8": (5 * INCH, 8 * INCH),
    "quarter-letter": (4.25 * INCH, 5.5 * INCH),
    "half-letter": (5.5 * INCH, 8.5 * INCH),
    "a6": (105 * MM, 148 * MM),
    "a5": (148 * MM, 210 * MM),
}

#: the card size used when neither --size nor the brand says, by paper
DEFAULT_CARD: dict[str, str] = {"letter": "half-letter", "a4": "a5"}

#: cards to a sheet → the card size that fills a sheet of that paper
SHEET_CARDS: dict[tuple[str, int], str] = {
    ("letter", 2): "half-letter",
    ("letter", 4): "quarter-letter",
    ("a4", 2): "a5",
    ("a4", 4): "a6",
}
PER_SHEET = (2, 4)

#: cut marks keep at least this far from the paper's edge (printers cannot print closer)
MARK_EDGE = 5 * MM
#: and are this long
MARK_LENGTH = 5 * MM


def paper_names() -> tuple[str, ...]:
    return tuple(PAPERS)


def card_names() -> tuple[str, ...]:
    return tuple(CARDS)


def sheet_card(paper: str, per_sheet: int) -> str:
    """The card size that *per_sheet* cards of fill a sheet of *paper*."""
    return SHEET_CARDS[(paper, per_sheet)]


@dataclass(frozen=True)
class Cell:
    """Where one card sits on a sheet: its box, and whether it is turned a quarter to the left.

    A turned card has its top edge along the box's left side (x, y are the box's
    lower-left corner in PDF points, y up).
    """

    x: float
    y: float
    w: float
    h: float
    turned: bool

    def mirrored(self, sheet_w: float, dx: float = 0.0, dy: float = 0.0) -> Cell:
        """The same card's box on the back of the sheet, for flipping on the long edge.

        ``x' = W - x - w``; ``dx, dy`` (points) move it to make up for a printer
        that shifts the back.
        """
        return Cell(sheet_w - self.x - self.w + dx, self.y + dy, self.w, self.h, self.turned)


def cells(paper: str, per_sheet: int) -> list[Cell]:
    """The card boxes on one sheet, in reading order (top to bottom, left to right).

    The cards tile the sheet exactly: the cuts are the lines between them.
    """
    pw, ph = PAPERS[paper]
    cw, ch = CARDS[sheet_card(paper, per_sheet)]
    turned = per_sheet == 2  # two cards on their side, one above the other
    w, h = (ch, cw) if turned else (cw, ch)
    cols, rows = (1, 2) if turned else (2, 2)
    x0, y0 = (pw - cols * w) / 2, (ph - rows * h) / 2  # A5 and A6 leave half a millimetre
    return [Cell(x0 + c * w, y0 + (rows - 1 - r) * h, w, h, turned) for r in range(rows) for c in range(cols)]


def cuts(paper: str, per_sheet: int) -> tuple[list[float], list[float]]:
    """The cut lines between the cards: (x of vertical cuts, y of horizontal cuts)."""
    boxes = cells(paper, per_sheet)
    xs = {round(b.x + b.w, 3) for b in boxes} & {round(b.x, 3) for b in boxes}
    ys = {round(b.y + b.h, 3) for b in boxes} & {round(b.y, 3) for b in boxes}
    return sorted(xs), sorted(ys)
