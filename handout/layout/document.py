"""Lay out a parsed document on branded pages and return the PDF bytes.

ReportLab runs in invariant mode (the same inputs give the same bytes; dates
come from ``SOURCE_DATE_EPOCH`` when set) and may not fetch anything from the
network, whatever ``RL_*`` variables or ``~/.reportlab_settings`` say.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab import rl_config
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageBreak, PageTemplate
from reportlab.platypus.doctemplate import LayoutError as RLLayoutError

from handout.errors import LayoutError
from handout.layout.images import Picture
from handout.layout.measure import stacked_height
from handout.layout.page import Geometry, draw_footer, draw_header, draw_page_label, numbered_canvas
from handout.layout.styles import Theme
from handout.model import Brand

rl_config.invariant = 1
rl_config.trustedHosts = None
rl_config.trustedSchemes = []


#: a type size whose estimated height is over this share of the card's is not measured
SKIP_MARGIN = 1.02


@dataclass(frozen=True)
class Meta:
    title: str
    author: str
    subject: str
    keywords: str
    lang: str


class _Doc(BaseDocTemplate):  # type: ignore[misc]
    """Remembers the section of the flowable being placed, to name it if layout fails."""

    current: Flowable | None = None

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if flowables and hasattr(flowables[0], "section_title"):
            self.current = flowables[0]  # parts split off by ReportLab keep the last known section
        super().handle_flowable(flowables)

    @property
    def section(self) -> str:
        return str(getattr(self.current, "section_title", ""))


def _doc(buf: io.BytesIO, g: Geometry, meta: Meta) -> _Doc:
    return _Doc(
        buf,
        pagesize=g.size,
        leftMargin=g.side,
        rightMargin=g.side,
        topMargin=g.size[1] - g.frame[1] - g.frame[3],
        bottomMargin=g.frame[1],
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        keywords=meta.keywords,
        creator="handout",
        producer="handout",
        lang=meta.lang,
        displayDocTitle=1,
        invariant=1,
        initialFontName="Helvetica",
    )


def _frame(g: Geometry) -> Frame:
    x, y, w, h = g.frame
    return Frame(x, y, w, h, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)


def _branded_page(g: Geometry, brand: Brand, theme: Theme, logo: Picture | None, numbered: bool) -> PageTemplate:
    """One frame, with the clinic's header and contact footer drawn on every page."""

    def on_page(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        draw_header(canvas, g, brand, theme, logo)
        draw_footer(canvas, g, brand, theme, numbered=numbered)
        canvas.restoreState()

    return PageTemplate(id="page", frames=[_frame(g)], onPage=on_page)


def build_guide(story: list[Flowable], g: Geometry, brand: Brand, theme: Theme, logo: Picture | None, meta: Meta, where: str,
                section_lines: dict[str, int] | None = None) -> bytes:
    buf = io.BytesIO()
    doc = _doc(buf, g, meta)

    def on_save(canvas: Any, n: int, total: int) -> None:
        draw_page_label(canvas, g, theme, n, total)

    doc.addPageTemplates([_branded_page(g, brand, theme, logo, numbered=True)])
    try:
        doc.build(story, canvasmaker=numbered_canvas(on_save))
    except RLLayoutError as exc:
        line = (section_lines or {}).get(doc.section)
        raise _layout_error(exc, doc.section, f"{where}:{line}" if line else where) from None
    return buf.getvalue()


#: card sizes whose picture may go on the back when the front has no room for it
PICTURE_ON_BACK = ("4x6", "3x5")


def build_card(make_story: Callable[[Theme], list[Flowable]], themes: Sequence[Theme], g: Geometry, brand: Brand,
               logo: Picture | None, meta: Meta, where: str, size_name: str, front_floor: float = 12.0) -> bytes:
    """A card: the front, and when the routine is too long for it, the back too (never more).

    *themes* go from the largest type to the smallest allowed on this size. The
    largest type of at least *front_floor* points with which everything fits on
    the front is used; failing that, the largest with which front and back hold
    it. If even the smallest cannot, say by how much it is too long. A card's
    picture (a flowable that fills the room left) counts with its least height;
    without room for it, a small card carries it on its back, others leave it out.
    """
    _, _, fw, fh = g.frame
    first: tuple[float, float] | None = None  # (type size, height) of the first measure
    for th in themes:
        if th.body_size < front_floor:
            break
        if first is not None and first[1] * (th.body_size / first[0]) ** 2 > fh * SKIP_MARGIN:
            continue  # the height goes about with the square of the type size: too tall, not worth measuring
        story = make_story(th)
        # a block that takes the room it finds (a tick-log: under the routine, else on the back) does not count
        routine = [f for f in story if not getattr(f, "takes_room_left", False)]
        extra = len(routine) < len(story)
        h = stacked_height(routine, fw, fh)
        first = first or (th.body_size, h)
        if h <= fh:  # measured: the build reuses the measures
            data, pages = _card_pdf(story, g, brand, th, logo, meta, where)
            if pages == 1 or extra:
                return data
    for th in themes:  # a small card: the text on the front, the picture on the back with the title
        if th.body_size < max(front_floor, 12.0) or size_name not in PICTURE_ON_BACK:
            break
        story = make_story(th)
        pictures = [f for f in story if hasattr(f, "fits")]
        text = [f for f in story if not hasattr(f, "fits")]
        if pictures and stacked_height(text, fw, fh) <= fh:
            title = getattr(text[0], "continued", None) if text else None
            data, pages = _card_pdf([*text, PageBreak(), *([title] if title is not None else []), *pictures], g, brand, th, logo, meta, where)
            if pages == 2:
                return data
    for th in themes:
        if th.body_size < front_floor:
            break
        story = _text_only(make_story(th))  # no room for the picture: the card as it was without it
        if stacked_height(story, fw, fh) <= fh:
            data, pages = _card_pdf(story, g, brand, th, logo, meta, where)
            if pages == 1:
                return data
    for th in themes:
        try:
            data, pages = _card_pdf(_text_only(make_story(th)), g, brand, th, logo, meta, where)
        except LayoutError:  # the start of the routine is taller than the front
            continue
        if pages <= 2:
            return data
    _, _, _, bh = g.back_frame
    over = max(1.0, stacked_height(_text_only(make_story(themes[-1])), fw, fh) - fh - bh)
    raise LayoutError(
        f"does not fit on the front and back of a {size_name} card: it needs about {over / 72:.2f} in ({over / 72 * 25.4:.0f} mm, {over:.0f} pt) more height than the card has",
        where=where,
        hint="choose a bigger --size (5x8, half-letter or a5), or shorten the steps or the note",
    )


def _text_only(story: list[Flowable]) -> list[Flowable]:
    """The story without the pictures that fill the room left (a card's picture)."""
    return [f for f in story if not hasattr(f, "fits")]


def _card_pdf(story: list[Flowable], g: Geometry, brand: Brand, theme: Theme, logo: Picture | None, meta: Meta,
              where: str) -> tuple[bytes, int]:
    """The card's PDF and its number of pages."""
    buf = io.BytesIO()
    doc = _doc(buf, g, meta)

    x, y, w, h = g.back_frame
    back = PageTemplate(id="back", frames=[Frame(x, y, w, h, id="back", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)],
                        )
    front = _branded_page(g, brand, theme, logo, numbered=False)
    front.autoNextPageTemplate = "back"
    doc.addPageTemplates([front, back])
    try:
        doc.build(list(story))  # a copy: the build empties the list, and the caller may measure it again
    except RLLayoutError as exc:
        raise _layout_error(exc, doc.section, where) from None
    return buf.getvalue(), doc.page


def _layout_error(exc: RLLayoutError, section: str, where: str) -> LayoutError:
    text = str(exc)
    m = re.search(r"too large on page (\d+)", text)
    place = f"in section '{section}'" if section else "near the start"
    page = f" on page {m.group(1)}" if m else ""
    return LayoutError(
        f"a block {place}{page} is taller than a whole page",
        where=where,
        hint="split long lists or routines, or shorten the text",
    )
