"""Cards on full sheets: finished card PDFs placed edge to edge on Letter or A4, with cut marks.

Each card is made by the ordinary card pipeline; here its pages become form
XObjects (one per page, shared by every copy) and are drawn into their cell on
the sheet. A form is clipped to its own card box, so nothing on one card can
reach into its neighbour. Cut marks are short hairlines on the lines between
the cards, in the paper's margin (never closer than 5 mm to its edge), and a
small cross where two cuts meet; card content keeps 6 mm or more from every cut
because every card keeps that margin.

Two-sided (``duplex``): the fronts go on odd pages and the backs on even pages,
each back in the mirror image of its front's box (``x' = W - x - w``), so the
two line up when the sheet is flipped on its long edge; ``back_offset`` moves
every back to make up for a printer that shifts the second side.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)

from handout import kinds, sizes
from handout.build import Request, load_inputs, render
from handout.sizes import Cell

#: grey of the cut marks (0 black, 1 white)
MARK_GREY = 0.2
MARK_WIDTH = 0.4

#: a card page as a form XObject: its reference, width and height
Form = tuple[IndirectObject, float, float]
#: takes finished sheets as they are made: a PDF and its bookmarks (title, page index)
Sink = Callable[[bytes, list[tuple[str, int]]], object]


@dataclass(frozen=True)
class Card:
    """One card to place: its PDF (a front page, and maybe a back page) and a label for bookmarks."""

    pdf: bytes
    label: str = ""


@dataclass
class Placed:
    """Where a card ended up: sheet page index (0-based) and its box, front and back."""

    label: str
    page: int
    front: Cell
    back: Cell | None = None
    back_page: int | None = None


@dataclass
class Sheets:
    pdf: bytes
    placed: list[Placed] = field(default_factory=list)
    pages: int = 0


def _f(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") or "0"


def matrix(cell: Cell, card_w: float, card_h: float, back: bool = False) -> tuple[float, ...]:
    """The ``cm`` matrix that puts a card page of *card_w* x *card_h* into *cell*.

    A turned card's top lies along the box's left side on the front; on the back
    it lies along the right side, so that front and back share one top edge once
    the sheet is flipped on its long edge and the card is cut out.
    """
    if not cell.turned:
        return (cell.w / card_w, 0.0, 0.0, cell.h / card_h, cell.x, cell.y)
    sx, sy = cell.w / card_h, cell.h / card_w
    if back:
        return (0.0, -sy, sx, 0.0, cell.x, cell.y + cell.h)
    return (0.0, sy, -sx, 0.0, cell.x + cell.w, cell.y)


class Imposer:
    """Builds the sheets of one PDF; a card page used again (copies, a shared back) is stored once."""

    def __init__(self, paper: str, per_sheet: int, duplex: bool = False, back_offset: tuple[float, float] = (0.0, 0.0),
                 default_back: Callable[[], bytes] | None = None, sink: Sink | None = None) -> None:
        if (paper, per_sheet) not in sizes.SHEET_CARDS:
            raise ValueError(f"no sheet of {per_sheet} cards on {paper}")
        self.paper, self.per_sheet, self.duplex = paper, per_sheet, duplex
        self.size = sizes.PAPERS[paper]
        self.cells = sizes.cells(paper, per_sheet)
        self.offset = (back_offset[0] * sizes.MM, back_offset[1] * sizes.MM)
        self.default_back = default_back
        self.sink = sink
        self._sent = 0  # pages handed to the sink so far
        self.writer = PdfWriter()
        self._forms: dict[bytes, list[Form]] = {}
        self.placed: list[Placed] = []
        self._sheet: list[tuple[Cell, Form, Form | None, str]] = []

    # -- forms ----------------------------------------------------------------------

    def _forms_of(self, pdf: bytes) -> list[Form]:
        key = hashlib.sha256(pdf).digest()
        if key not in self._forms:
            self._forms[key] = [self._form(page) for page in PdfReader(io.BytesIO(pdf)).pages]
        return self._forms[key]

    def _form(self, page: PageObject) -> Form:
        box = page.mediabox
        x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        raw = DecodedStreamObject()
        raw.set_data(data)
        form = raw.flate_encode()
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(x0), FloatObject(y0), FloatObject(x0 + w), FloatObject(y0 + h)]),
            NameObject("/Resources"): page["/Resources"].clone(self.writer) if "/Resources" in page else DictionaryObject(),
        })
        if x0 or y0:
            form[NameObject("/Matrix")] = ArrayObject([FloatObject(v) for v in (1, 0, 0, 1, -x0, -y0)])
        return self.writer._add_object(form), w, h

    # -- placing --------------------------------------------------------------------

    def add(self, card: Card) -> None:
        """Place one card: its front, and its back (its own, or the default one) on the back of the sheet.

        Printed one-sided, a card's back (when it has one) takes the next cell.
        """
        pages = self._forms_of(card.pdf)
        if self.duplex:
            back = pages[1] if len(pages) > 1 else (self._forms_of(self.default_back())[0] if self.default_back else None)
            self._put(pages[0], back, card.label)
            return
        for n in range(len(pages)):
            self._put(self._forms_of(card.pdf)[n], None, card.label)  # a finished sheet may have started a new file

    def _put(self, front: Form, back: Form | None, label: str) -> None:
        cell = self.cells[len(self._sheet)]
        self._sheet.append((cell, front, back, label))
        if len(self._sheet) == len(self.cells):
            self._flush()

    def _flush(self) -> None:
        if not self._sheet:
            return
        w, h = self.size
        front_page = len(self.writer.pages)
        ops = [self._marks()]
        xobjects = DictionaryObject()
        for i, (cell, (ref, cw, ch), _, label) in enumerate(self._sheet):
            name = f"/C{i}"
            xobjects[NameObject(name)] = ref
            ops.append(_draw(name, matrix(cell, cw, ch)))
            self.placed.append(Placed(label, front_page, cell))
        self._page(ops, xobjects)
        if self.duplex:
            ops, xobjects = [], DictionaryObject()
            for i, ((cell, _, back, _), placed) in enumerate(zip(self._sheet, self.placed[-len(self._sheet):])):
                spot = cell.mirrored(w, *self.offset)
                placed.back, placed.back_page = spot, front_page + 1
                if back is None:
                    continue
                ref, cw, ch = back
                name = f"/B{i}"
                xobjects[NameObject(name)] = ref
                ops.append(_draw(name, matrix(spot, cw, ch, back=True)))
            self._page(ops, xobjects)
        self._sheet = []
        if self.sink is not None:
            self._send()

    def _send(self) -> None:
        """Hand the finished sheets to the sink as one small PDF, and start afresh (memory stays flat)."""
        assert self.sink is not None
        buf = io.BytesIO()
        self.writer.write(buf)
        marks = [(p.label, p.page) for p in self.placed]
        self._sent += len(self.writer.pages)
        self.sink(buf.getvalue(), marks)
        self.writer = PdfWriter()
        self._forms = {}
        self.placed = []

    def _page(self, ops: list[str], xobjects: DictionaryObject) -> None:
        w, h = self.size
        page = self.writer.add_blank_page(w, h)
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("ascii"))
        page[NameObject("/Contents")] = self.writer._add_object(stream.flate_encode())
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})

    def _marks(self) -> str:
        """Cut marks: on each cut, a hairline at both ends, 5 mm in from the paper's edge; a cross where cuts meet."""
        w, h = self.size
        xs, ys = sizes.cuts(self.paper, self.per_sheet)
        e, n = sizes.MARK_EDGE, sizes.MARK_LENGTH
        lines: list[tuple[float, float, float, float]] = []
        for x in xs:
            lines += [(x, e, x, e + n), (x, h - e, x, h - e - n)]
        for y in ys:
            lines += [(e, y, e + n, y), (w - e, y, w - e - n, y)]
        arm = 2.5 * sizes.MM
        for x in xs:
            for y in ys:
                lines += [(x - arm, y, x + arm, y), (x, y - arm, x, y + arm)]
        path = " ".join(f"{_f(a)} {_f(b)} m {_f(c)} {_f(d)} l" for a, b, c, d in lines)
        return f"q {_f(MARK_WIDTH)} w {_f(MARK_GREY)} G [] 0 d {path} S Q"

    def finish(self, title: str = "") -> Sheets:
        """The last sheet made; with no sink, the whole file's bytes."""
        self._flush()
        if self.sink is not None:
            return Sheets(b"", [], self._sent)
        if title:
            self.writer.add_metadata({"/Title": title, "/Producer": "handout", "/Creator": "handout"})
        else:
            self.writer.add_metadata({"/Producer": "handout", "/Creator": "handout"})
        buf = io.BytesIO()
        self.writer.write(buf)
        return Sheets(buf.getvalue(), self.placed, len(self.writer.pages))


def _draw(name: str, m: Sequence[float]) -> str:
    return f"q {' '.join(_f(v) for v in m)} cm {name} Do Q"


def impose(cards: Sequence[Card], paper: str, per_sheet: int, duplex: bool = False,
           back_offset: tuple[float, float] = (0.0, 0.0), default_back: Callable[[], bytes] | None = None,
           title: str = "") -> Sheets:
    """All *cards* on as many sheets as they need (the last one may have empty cells)."""
    imposer = Imposer(paper, per_sheet, duplex, back_offset, default_back)
    for card in cards:
        imposer.add(card)
    return imposer.finish(title)



# -- a sheet of cards from topic and routines ---------------------------------------------


@dataclass(frozen=True)
class SheetRequest:
    """Everything that decides one sheet file: the cards (one request each) and how they are laid out."""

    cards: tuple[Request, ...]
    paper: str
    per_sheet: int = 2
    copies: int = 1
    duplex: bool = False
    back_offset: tuple[float, float] = (0.0, 0.0)  # mm, right and up as seen on the back

    @property
    def card_size(self) -> str:
        return sizes.sheet_card(self.paper, self.per_sheet)

    def default_output(self) -> Path:
        first = self.cards[0]
        routines = {r.routine for r in self.cards}
        return Path(kinds.SHEET.output_name(first.topic, (first.routine or "") if len(routines) == 1 else ""))


def card_request(base: Request, paper: str, per_sheet: int) -> Request:
    """*base* as a card that fills its cell on a sheet of *paper*."""
    return replace(base, kind="card", paper=paper, card_size=sizes.sheet_card(paper, per_sheet))


def default_back(req: Request) -> Callable[[], bytes]:
    """The clinic's back, made the first time a card needs it."""
    made: list[bytes] = []

    def get() -> bytes:
        if not made:
            from handout.layout.sheet import contact_back

            brand = load_inputs(replace(req, client=None, note=None)).brand
            made.append(contact_back(brand, req.card_size or sizes.DEFAULT_CARD[brand.paper]))
        return made[0]

    return get


def render_sheets(req: SheetRequest) -> bytes:
    """The sheet file's bytes: every card, *copies* times each, in the order given.

    Sheets are made one at a time into one file, where what the cards share (the
    logo, the fonts, the clinic's back, a copy's pages) is stored once.
    """
    from handout.write.combined import Combined

    cards = [card_request(r, req.paper, req.per_sheet) for r in req.cards]
    buf = io.BytesIO()
    out = Combined(buf, f"{cards[0].topic}: cards, {req.per_sheet} to a sheet")
    imposer = Imposer(req.paper, req.per_sheet, req.duplex, req.back_offset, default_back(cards[0]),
                      sink=lambda pdf, _marks: out.add(pdf))
    for card in cards:
        data = render(card)
        for _ in range(req.copies):
            imposer.add(Card(data, card.client or card.routine or ""))
    imposer.finish()
    out.finish()
    return buf.getvalue()


def make_sheets(req: SheetRequest, output: Path | None = None, force: bool = False) -> Path:
    from handout.write.output import check_target, write_atomic

    path = output or req.default_output()
    check_target(path, force)
    write_atomic(path, render_sheets(req))
    return path


def make_calibration(paper: str, output: Path | None = None, force: bool = False) -> Path:
    from handout.layout.sheet import calibration
    from handout.write.output import check_target, write_atomic

    path = output or Path(f"duplex-test-{paper}.pdf")
    check_target(path, force)
    write_atomic(path, calibration(paper))
    return path
