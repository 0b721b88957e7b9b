"""Lay out a parsed document on branded pages and return the PDF bytes.

ReportLab runs in invariant mode (the same inputs give the same bytes; dates
come from ``SOURCE_DATE_EPOCH`` when set) and may not fetch anything from the
network, whatever ``RL_*`` variables or ``~/.reportlab_settings`` say.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

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


def _is_picture(f: Flowable) -> bool:
    """A card's picture: it fills the room left (and says whether it ``fits``)."""
    return hasattr(f, "fits")


def _is_log(f: Flowable) -> bool:
    """A tick-log: it takes the room left under the routine, else the back."""
    return bool(getattr(f, "takes_room_left", False))


def _without(story: list[Flowable], *kinds: Callable[[Flowable], bool]) -> list[Flowable]:
    return [f for f in story if not any(kind(f) for kind in kinds)]


class _Stories:
    """A card's story at each type size, made and measured at most once.

    A story handed to a build is not handed out again (a build consumes its
    flowables); the build reuses the measures taken here.
    """

    def __init__(self, make_story: Callable[[Theme], list[Flowable]], themes: Sequence[Theme], width: float, height: float) -> None:
        self._make = make_story
        self.themes = themes
        self._width, self._height = width, height
        self._stories: dict[int, list[Flowable]] = {}
        self._heights: dict[tuple[int, tuple[Callable[[Flowable], bool], ...]], float] = {}

    def story(self, i: int) -> list[Flowable]:
        if i not in self._stories:
            self._stories[i] = self._make(self.themes[i])
        return self._stories[i]

    def take(self, i: int) -> list[Flowable]:
        """The story at size *i* for a build (measured already, if it was)."""
        return self._stories.pop(i, None) or self._make(self.themes[i])

    def has_log(self, i: int) -> bool:
        return any(_is_log(f) for f in self.story(i))

    def height(self, i: int, *leaving_out: Callable[[Flowable], bool]) -> float:
        """Height of the story at size *i* without the blocks *leaving_out* names."""
        key = (i, leaving_out)
        if key not in self._heights:
            self._heights[key] = stacked_height(_without(self.story(i), *leaving_out), self._width, self._height)
        return self._heights[key]

    def front_height(self, i: int) -> float:
        """The routine and its picture (the tick-log takes whatever room is left)."""
        return self.height(i, _is_log)

    def text_height(self, i: int) -> float:
        """The routine and its tick-log, without the picture."""
        return self.height(i, _is_picture)

    def routine_height(self, i: int) -> float:
        """The routine alone: no picture, no tick-log (which shrinks or stays out)."""
        return self.height(i, _is_picture, _is_log)


def largest_fitting(sizes: Sequence[float], height: Callable[[int], float], room: float) -> int | None:
    """Index of the largest type size (*sizes* go from largest to smallest) whose *height* is at most *room*.

    A bigger type never takes less height (each line holds fewer words), so
    the answer is found by bisection: it is exact, and it is the same whichever
    sizes are measured. Which size to measure next is guessed from the last
    measure, taking height to grow with the square of the type size; a good
    guess makes two measures enough (the size that fits, and the next size up).
    """
    lo, hi = -1, len(sizes)  # sizes[lo] is known too tall (or there is none), sizes[hi] known to fit (or none)
    last: tuple[float, float] | None = None  # (size, height) of the last measure
    while hi - lo > 1:
        if last is None:
            j = (lo + hi) // 2
        else:
            s, h = last
            j = next((k for k in range(lo + 1, hi) if h * (sizes[k] / s) ** 2 <= room), hi - 1)
        h_j = height(j)
        last = (sizes[j], h_j)
        if h_j <= room:
            hi = j
        else:
            lo = j
    return hi if hi < len(sizes) else None


def build_card(make_story: Callable[[Theme], list[Flowable]], themes: Sequence[Theme], g: Geometry, brand: Brand,
               logo: Picture | None, meta: Meta, where: str, size_name: str, front_floor: float = 12.0) -> bytes:
    """A card: the front, and when the routine is too long for it, the back too (never more).

    *themes* go from the largest type to the smallest allowed on this size. The
    largest type of at least *front_floor* points with which everything fits on
    the front is used; failing that, the largest with which front and back hold
    it. If even the smallest cannot, say by how much it is too long. A card's
    picture (a flowable that fills the room left) counts with its least height;
    without room for it, a small card carries it on its back, others leave it
    out and keep the routine whole on the front. A tick-log takes the room left
    under the routine, else the back. Each type size is measured at most once
    (:func:`largest_fitting`), and only the layout kept may warn.
    """
    _, _, fw, fh = g.frame
    _, _, _, bh = g.back_frame
    stories = _Stories(make_story, themes, fw, fh)
    front = [i for i, th in enumerate(themes) if th.body_size >= front_floor]

    def pdf(story: list[Flowable], i: int) -> _Card:
        return _card_pdf(story, g, brand, themes[i], logo, meta, where)

    # everything on the front; a tick-log takes the room left under it, else the back
    best = largest_fitting([themes[i].body_size for i in front], stories.front_height, fh)
    if best is not None:
        log = stories.has_log(front[best])
        for i in front[best:]:
            card = pdf(stories.take(i), i)
            if card.pages == 1 or log:
                return card.keep()
    # a small card: the text on the front, the picture on the back with the title
    if size_name in PICTURE_ON_BACK:
        for i in front:
            if themes[i].body_size < 12.0:
                break
            story = stories.story(i)
            if any(_is_picture(f) for f in story) and stories.text_height(i) <= fh:
                story = stories.take(i)
                pictures = [f for f in story if _is_picture(f)]
                text = _without(story, _is_picture)
                title = getattr(text[0], "continued", None) if text else None
                card = pdf([*text, PageBreak(), *([title] if title is not None else []), *pictures], i)
                if card.pages == 2:
                    return card.keep()
    # no room for the picture on the front: the routine alone there; with a tick-log, the back
    # holds the picture (with the title) above the log when the log keeps all its days
    best = largest_fitting([themes[i].body_size for i in front], stories.routine_height, fh)
    if best is not None and stories.has_log(front[best]):
        i = front[best]
        story = stories.take(i)
        back = _picture_above_log(story, fw, bh)
        if back is not None:
            card = pdf(back, i)
            if card.pages == 2:
                return card.keep()
    if best is not None:
        log = stories.has_log(front[best])
        for i in front[best:]:
            card = pdf(_without(stories.take(i), _is_picture), i)
            if card.pages == 1 or (log and card.pages == 2):
                return card.keep()
    # front and back; a routine taller than both sides together (with a line's slack for the
    # space dropped at the page break) cannot fit, and is not laid out to find that out
    for i, th in enumerate(themes):
        if stories.routine_height(i) > fh + bh + 3 * th.body_size:
            continue
        try:
            card = pdf(_without(stories.take(i), _is_picture), i)
        except LayoutError:  # the start of the routine is taller than the front
            continue
        if card.pages <= 2:
            return card.keep()
    over = max(1.0, stories.routine_height(len(themes) - 1) - fh - bh)
    raise LayoutError(
        f"does not fit on the front and back of a {size_name} card: it needs about {over / 72:.2f} in ({over / 72 * 25.4:.0f} mm, {over:.0f} pt) more height than the card has",
        where=where,
        hint="choose a bigger --size (5x8, half-letter or a5), or shorten the steps or the note",
    )


def _picture_above_log(story: list[Flowable], width: float, back_h: float) -> list[Flowable] | None:
    """*story* with the routine on the front and, on the back, its title, its picture and then its
    tick-log; ``None`` when the story has no picture or log, or the back cannot hold the picture at
    its least height and every day of the log. The picture takes only the room the log leaves."""
    pictures = [f for f in story if _is_picture(f)]
    logs = [f for f in story if _is_log(f)]
    routine = _without(story, _is_picture, _is_log)
    if len(pictures) != 1 or not logs or not routine:
        return None
    picture = pictures[0]
    title = getattr(routine[0], "continued", None)
    back = [*([title] if title is not None else []), picture, *logs]
    # the picture counted at its least height, with the space above it and a point to spare for rounding
    need = stacked_height(back, width, back_h) + picture.pad + 2
    if need > back_h:
        return None
    picture.max_h = min(picture.max_h, picture.min_h + (back_h - need))
    return [*routine, PageBreak(), *back]


class _Card(NamedTuple):
    """One layout of a card: tried, and kept or not."""

    data: bytes
    pages: int
    warned: list[warnings.WarningMessage]  # what the layout warned about, said only if it is kept

    def keep(self) -> bytes:
        for w in self.warned:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return self.data


def _card_pdf(story: list[Flowable], g: Geometry, brand: Brand, theme: Theme, logo: Picture | None, meta: Meta,
              where: str) -> _Card:
    """Lay the card out; its warnings are held until it is kept (:meth:`_Card.keep`)."""
    buf = io.BytesIO()
    doc = _doc(buf, g, meta)

    x, y, w, h = g.back_frame
    back = PageTemplate(id="back", frames=[Frame(x, y, w, h, id="back", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)],
                        )
    front = _branded_page(g, brand, theme, logo, numbered=False)
    front.autoNextPageTemplate = "back"
    doc.addPageTemplates([front, back])
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            doc.build(list(story))  # a copy: the build empties the list, and the caller may measure it again
        except RLLayoutError as exc:
            raise _layout_error(exc, doc.section, where) from None
    return _Card(buf.getvalue(), doc.page, warned)


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
