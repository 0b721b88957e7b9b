"""The tick-log a client fills in with a pen: a row per day, a box per session.

``<log days="14">`` holds its heading and intro (``<h2>``/``<h3>``/``<h4>``/``<p>``)
and one ``<entry sessions="2">`` per routine, whose text says the routine and its
dose. It becomes one :class:`TickLog`: the heading, a numbered legend (when there
is more than one routine), a "Start date" write-in line and the grid: the day,
per routine a tick box per session, a pain 0–10 cell and a notes cell.

Sizes follow print-and-beyond ("Tick-log"): boxes at least 6 mm, rows at least
8 mm, both growing with the type for large print. In a guide the log is a sheet
to keep whole: if it does not fit in the rest of a page it starts on the next,
and only a log longer than a page is split, between weeks (the part after a
split repeats the heading, legend and column heads). On a card
(``fit="yes"``) it never splits: if it does not fit whole under the routine it
goes on the back, where it has as many days as there is room for.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from handout.errors import warn
from handout.layout.para import Para
from handout.layout.styles import INK, MUTED, Theme, tint

if TYPE_CHECKING:
    from handout.layout.markup import Builder

MIN_BOX = 6.5 * mm  # the tick box (≥ 6 mm)
MIN_ROW = 8.5 * mm  # a day's row (≥ 8 mm)
MAX_ROW = 11 * mm  # rows grow to this on a card's back when there is room
MIN_NOTES = 16 * mm  # narrower than this, the notes column is left out
WEEK = 7
MIN_FIT_DAYS = 3  # on a card, fewer days than this is no log: it is left out, with a warning
MAX_DAYS = 60
MAX_SESSIONS = 6
LINE = colors.HexColor("#8A8A8A")
#: the words the grid prints, each replaceable by the attribute of the same name on <log>
HEAD_TEXT = {"day": "Day", "done": "Done", "pain": "Pain 0\u201310", "notes": "Notes", "start": "Start date", "rest": "rest"}
TIMES = {2: ("AM", "PM"), 3: ("AM", "Noon", "PM")}


@dataclass(frozen=True)
class Column:
    """One routine in the grid: its number in the legend and its tick boxes a day."""

    mark: str
    sessions: int
    every_other_day: bool

    def labels(self) -> tuple[str, ...]:
        if self.sessions == 1:
            return ("",)
        return TIMES.get(self.sessions, tuple(str(n) for n in range(1, self.sessions + 1)))


@dataclass(frozen=True)
class Grid:
    """Measurements shared by every part of one log."""

    theme: Theme
    columns: tuple[Column, ...]
    words: dict[str, str]
    row: float
    box: float
    cell: float
    day_w: float
    pain_w: float
    notes_w: float
    head_size: float
    label_size: float
    start_line: float  # height of the "Start date" line

    @property
    def two_line_head(self) -> bool:
        return any(c.sessions > 1 for c in self.columns)

    @property
    def head_h(self) -> float:
        return self.head_size * (2.9 if self.two_line_head else 1.9)

    @property
    def width(self) -> float:
        return self.day_w + sum(c.sessions for c in self.columns) * self.cell + self.pain_w + self.notes_w


def measure(theme: Theme, columns: tuple[Column, ...], words: dict[str, str], width: float) -> Grid | None:
    """The grid's columns for *width*, or ``None`` when the tick boxes alone do not fit."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    body = theme.body_size
    fonts = theme.fonts
    row = max(MIN_ROW, 1.75 * body)  # 8.5 mm at 12-14 pt; 11 mm in 18 pt large print
    box = max(MIN_BOX, 0.72 * row)
    head_size = max(8.5, 0.75 * body)
    label_size = max(9.0, 0.85 * body)
    if theme.large:  # large print: column heads and labels at body size too
        head_size = label_size = body
    cell = box + 2.8 * mm
    widest_time = max((stringWidth(t, fonts.bold, head_size) for c in columns for t in c.labels()), default=0)
    cell = max(cell, widest_time + 2 * mm)
    day_w = max(stringWidth(f"{words['day']} {MAX_DAYS}", fonts.regular, label_size), stringWidth(words["day"], fonts.bold, head_size)) + 4 * mm
    pain_w = max(15 * mm, stringWidth(words["pain"], fonts.bold, head_size) + 3 * mm)
    boxes = sum(c.sessions for c in columns) * cell
    notes_w = width - day_w - boxes - pain_w
    if notes_w < MIN_NOTES:
        notes_w = 0.0
        if day_w + boxes + pain_w > width:
            return None
    return Grid(theme, columns, words, row, box, cell, day_w, pain_w, notes_w, head_size, label_size, row)


class TickLog(Flowable):  # type: ignore[misc]
    """The heading flowables, then a start line and a grid of ``days`` rows from ``first_day``."""

    def __init__(self, head: list[Flowable], grid: Grid, days: int, first_day: int = 1, fit: bool = False,
                 continued: list[Flowable] | None = None, start_line: bool = True) -> None:
        super().__init__()
        self.head = head
        self.grid = grid
        self.days = days
        self.first_day = first_day
        self.fit = fit
        self.continued = continued if continued is not None else head
        self.start_line = start_line and first_day == 1
        #: on a card, the log takes the room left under the routine, else the back (see document.build_card)
        self.takes_room_left = fit
        self._head_h: list[float] = []
        self._aw = -1.0

    # -- measuring -------------------------------------------------------------
    @property
    def start_h(self) -> float:
        return self.grid.start_line if self.start_line else 0.0

    def _measure(self, aw: float) -> None:
        if aw != self._aw:
            self._head_h = [f.wrap(aw, 1e6)[1] + (f.getSpaceAfter() if i < len(self.head) - 1 else 0) for i, f in enumerate(self.head)]
            self._aw = aw

    def _top_h(self) -> float:
        gap = 0.35 * self.grid.theme.body_size if self.head else 0.0
        return sum(self._head_h) + gap + self.start_h + self.grid.head_h

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._measure(aw)
        self.width = aw
        page = self._doctemplateAttr("page") or 1
        if self.fit and page > 1 and self.days:  # the back of a card is the log's own: roomier rows
            room = (ah - self._top_h() - 1) / self.days  # (1 pt to spare: rounding must not push it over)
            if room > self.grid.row:
                row = min(MAX_ROW, room)
                self.grid = replace(self.grid, row=row, box=max(self.grid.box, 0.72 * row))
        self.height = self._top_h() + self.days * self.grid.row
        return aw, self.height

    def rows_fitting(self, aw: float, ah: float) -> int:
        self._measure(aw)
        return max(0, int((ah - self._top_h() + 0.01) // self.grid.row))

    # -- splitting ---------------------------------------------------------------
    def split(self, aw: float, ah: float) -> list[Flowable]:
        frame = self._doctemplateAttr("frame")
        at_top = bool(getattr(frame, "_atTop", False))
        page = self._doctemplateAttr("page") or 1
        fit = min(self.rows_fitting(aw, ah), self.days)
        if fit >= self.days:
            return [self._part(self.first_day, self.days)]
        if self.fit:  # a card: whole, on the back if need be, with the days there is room for
            if page == 1 and not at_top:
                return []
            if fit >= min(MIN_FIT_DAYS, self.days):
                warn("--log", f"this card has room for {fit} of the {self.days} days of the tick-log",
                     f"shorten the note, choose a bigger --size, or ask for --log {fit}")
                return [self._part(self.first_day, fit)]
            if at_top or page > 1:
                warn("--log", "there is no room for the tick-log on this card after the routine, so it is left out",
                     "choose a bigger --size (5x8, half-letter or a5), or leave it out with --log none")
                return [_Nothing()]
            return []
        if not at_top:  # a sheet to keep whole: it starts on the next page, unless no page holds it
            page_h = frame._y2 - frame._y1p - frame._topPadding if frame is not None else 0.0  # a fresh frame's room
            if fit < WEEK or self.rows_fitting(aw, page_h) >= self.days:
                return []
        if fit >= WEEK:
            fit -= fit % WEEK  # longer than a page: split between weeks
        return [self._part(self.first_day, fit), self._rest(fit)] if fit else []

    def _part(self, first: int, days: int) -> TickLog:
        return TickLog(self.head, self.grid, days, first, False, self.continued, self.start_line)

    def _rest(self, done: int) -> TickLog:
        return TickLog(self.continued, self.grid, self.days - done, self.first_day + done, False, self.continued)

    # -- drawing -----------------------------------------------------------------
    def draw(self) -> None:
        canv = self.canv
        g = self.grid
        y = self.height
        for f, h in zip(self.head, self._head_h, strict=True):
            f.wrapOn(canv, self.width, 1e6)
            y -= h
            f.drawOn(canv, 0, y + (h - f.height))
        y -= 0.35 * g.theme.body_size if self.head else 0.0
        if self.start_line:
            self._draw_start_line(y)
            y -= g.start_line
        self._draw_grid(y)

    def _draw_start_line(self, top: float) -> None:
        g, canv, fonts = self.grid, self.canv, self.grid.theme.fonts
        label = f"{g.words['start']}:"
        base = top - g.start_line * 0.62
        canv.setFillColor(INK)
        canv.setFont(fonts.bold, g.label_size)
        canv.drawString(0, base, label)
        x = canv.stringWidth(label, fonts.bold, g.label_size) + 2 * mm
        canv.setStrokeColor(LINE)
        canv.setLineWidth(0.75)
        canv.line(x, base - 1.5, min(self.width, x + 55 * mm), base - 1.5)

    def _draw_grid(self, top: float) -> None:
        g, canv, fonts, th = self.grid, self.canv, self.grid.theme.fonts, self.grid.theme
        total_w = g.width
        bottom = top - g.head_h - self.days * g.row
        # column heads
        canv.setFillColor(th.primary_tint)
        canv.rect(0, top - g.head_h, total_w, g.head_h, stroke=0, fill=1)
        x = 0.0
        canv.setFillColor(INK)
        mid = top - g.head_h / 2 - g.head_size * 0.35
        canv.setFont(fonts.bold, g.head_size)
        canv.drawString(2 * mm, mid, g.words["day"])
        x = g.day_w
        groups: list[tuple[float, float]] = []
        for col in g.columns:
            w = col.sessions * g.cell
            groups.append((x, w))
            name = col.mark or (g.words["done"] if col.sessions == 1 else "")
            if g.two_line_head:
                if name:
                    canv.setFont(fonts.bold, g.head_size * (1.15 if col.mark else 1))
                    canv.drawCentredString(x + w / 2, top - g.head_size * 1.25, name)
                canv.setFont(fonts.bold, g.head_size)
                for i, t in enumerate(col.labels()):
                    canv.drawCentredString(x + (i + 0.5) * g.cell, top - g.head_size * 2.45, t)
            else:
                canv.setFont(fonts.bold, g.head_size * (1.15 if col.mark else 1))
                canv.drawCentredString(x + w / 2, mid, name)
            x += w
        canv.setFont(fonts.bold, g.head_size)
        canv.drawString(x + 1.5 * mm, mid, g.words["pain"])
        if g.notes_w:
            canv.drawString(x + g.pain_w + 1.5 * mm, mid, g.words["notes"])
        # rows: the stripes, the words (row by row, in reading order), then the tick boxes (each its own shape)
        stripes = canv.beginPath()
        boxes: list[tuple[float, float]] = []
        rows: list[tuple[int, float, list[float]]] = []  # day, the row's middle, where "rest" is centred
        for i in range(self.days):
            day = self.first_day + i
            row_top = top - g.head_h - i * g.row
            mid_y = row_top - g.row / 2
            if i % 2:
                stripes.rect(0, row_top - g.row, total_w, g.row)
            rests = []
            for col, (gx, gw) in zip(g.columns, groups, strict=True):
                if col.every_other_day and day % 2 == 0:
                    rests.append(gx + gw / 2)
                    continue
                for n in range(col.sessions):
                    boxes.append((gx + (n + 0.5) * g.cell - g.box / 2, mid_y - g.box / 2))
            rows.append((day, mid_y, rests))
        canv.setFillColor(tint(th.primary, 0.05))
        canv.drawPath(stripes, stroke=0, fill=1)
        px = g.day_w + sum(w for _, w in groups)
        out_of = px + g.pain_w - 1.5 * mm - canv.stringWidth("/10", fonts.regular, g.head_size)
        half_rest = canv.stringWidth(g.words["rest"], fonts.italic, g.head_size) / 2
        text = canv.beginText()
        for day, mid_y, rests in rows:
            text.setFillColor(INK)
            text.setFont(fonts.regular, g.label_size)
            text.setTextOrigin(2 * mm, mid_y - g.label_size * 0.35)
            text.textOut(f"{g.words['day']} {day}")
            text.setFillColor(MUTED)
            if rests:
                text.setFont(fonts.italic, g.head_size)
                for cx in rests:
                    text.setTextOrigin(cx - half_rest, mid_y - g.head_size * 0.35)
                    text.textOut(g.words["rest"])
            text.setFont(fonts.regular, g.head_size)
            text.setTextOrigin(out_of, mid_y - g.row / 2 + 2.2 * mm)
            text.textOut("/10")
        canv.drawText(text)
        canv.setFillColor(colors.white)
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.9)
        for bx, by in boxes:
            canv.roundRect(bx, by, g.box, g.box, 1.2, stroke=1, fill=1)
        # lines: rows, columns, routine groups, frame
        canv.setStrokeColor(LINE)
        canv.setLineWidth(0.5)
        for i in range(1, self.days):
            yy = top - g.head_h - i * g.row
            canv.line(0, yy, total_w, yy)
        xs = [g.day_w, *(gx + w for gx, w in groups)]
        if g.notes_w:
            xs.append(xs[-1] + g.pain_w)
        for xx in xs:
            canv.line(xx, bottom, xx, top)
        canv.setStrokeColor(th.primary)
        canv.setLineWidth(1.0)
        canv.line(0, top - g.head_h, total_w, top - g.head_h)
        canv.rect(0, bottom, total_w, top - bottom, stroke=1, fill=0)


class _Nothing(Flowable):  # type: ignore[misc]
    """A log left out for want of room."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


# -- the <log> element ----------------------------------------------------------

HEAD_TAGS = ("h2", "h3", "h4", "p")


def element(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    """``<log days="14" fit="yes">`` with its heading, intro and ``<entry>`` children."""
    days_text = el.get("days", "14")
    if not days_text.isdigit() or not 1 <= int(days_text) <= MAX_DAYS:
        b.fail(el, f"<log days='{days_text}'>", f"give the number of days, 1 to {MAX_DAYS}")
    fit = _yes_no(b, el, "fit", "use fit=\"yes\" (a card: never split, fit the room on the back) or fit=\"no\"")
    words = {key: " ".join(el.get(key, default).split()) or default for key, default in HEAD_TEXT.items()}
    head_el = ET.Element("log")
    entries: list[ET.Element] = []
    for child in el:
        if child.tag == "entry":
            b.check_attrs(child)
            entries.append(child)
        elif child.tag in HEAD_TAGS:
            head_el.append(child)
        else:
            b.fail(child, f"<{child.tag}> inside <log>", f"a log holds {', '.join(f'<{t}>' for t in HEAD_TAGS)} and <entry> only")
    if not entries:
        return []
    columns = []
    for n, entry in enumerate(entries, start=1):
        sessions = entry.get("sessions", "1")
        if not sessions.isdigit() or not 1 <= int(sessions) <= MAX_SESSIONS:
            b.fail(entry, f"<entry sessions='{sessions}'>", f"give the tick boxes a day, 1 to {MAX_SESSIONS}")
        other = _yes_no(b, entry, "every-other-day", "use yes or no")
        columns.append(Column(str(n) if len(entries) > 1 else "", int(sessions), other))
    head = b._children(head_el, width)
    legend = _legend(b, entries, width)
    grid = measure(b.theme, tuple(columns), words, width)
    if grid is None:
        # too many boxes for one grid: one grid per group of routines that fits
        return _grouped(b, el, entries, columns, head, legend, words, width, int(days_text), fit)
    continued = [_continued(b, head), *legend]
    log = TickLog([*head, *legend], grid, int(days_text), fit=fit, continued=continued)
    log.starts_section = next((str(getattr(f, "_outline", "")) for f in head if getattr(f, "_outline", "")), "")
    return [log]


def _yes_no(b: Builder, el: ET.Element, name: str, hint: str) -> bool:
    """The element's yes/no attribute *name* (default no)."""
    value = el.get(name, "no")
    if value not in ("yes", "no"):
        b.fail(el, f"<{el.tag} {name}='{value}'>", hint)
    return value == "yes"


def _legend(b: Builder, entries: list[ET.Element], width: float) -> list[Flowable]:
    if len(entries) == 1:
        return [Para(b.inline(entries[0]), b.styles["body"])]
    style = b.item_style("body", "numbers")
    return [Para(b.inline(e), style, bulletText=str(n)) for n, e in enumerate(entries, start=1)]


def _continued(b: Builder, head: list[Flowable]) -> Flowable:
    """The heading again, with "(continued)", for the part of a log after a split."""
    first = next((f for f in head if isinstance(f, Paragraph)), None)
    if first is None:
        return Para("", b.styles["body"])
    text = first.getPlainText()
    style: Any = first.style
    return Para(f"{_esc(text)} (continued)", style)


def _esc(text: str) -> str:
    from handout.layout.markup import escape

    return escape(text)


def _grouped(b: Builder, el: ET.Element, entries: list[ET.Element], columns: list[Column], head: list[Flowable],
             legend: list[Flowable], words: dict[str, str], width: float, days: int, fit: bool) -> list[Flowable]:
    """More tick boxes than one grid can hold: a grid per group of routines, the first with the start line."""
    out: list[Flowable] = []
    i = 0
    while i < len(columns):
        j = i + 1
        while j < len(columns) and measure(b.theme, tuple(columns[i : j + 1]), words, width) is not None:
            j += 1
        grid = measure(b.theme, tuple(columns[i:j]), words, width)
        if grid is None:
            b.fail(entries[i], f"a routine with {columns[i].sessions} sessions a day has more tick boxes than the page is wide",
                   "give fewer sessions a day, or a bigger page or card")
        names = legend[i:j]  # this grid's routines, as numbered in the legend
        part_head = [*head, *legend] if i == 0 else [_continued(b, head), *names]
        out.append(TickLog(part_head, grid, days, fit=fit, continued=[_continued(b, head), *names], start_line=i == 0))
        i = j
    return out
