"""Pages drawn for sheets of cards: the clinic's back for a card that has none, and the duplex test sheet.

The back of a card printed two-sided carries what a client needs between
visits: the clinic's name and logo, how to reach it, and (when the brand names
a booking page) a code to book the next visit. :func:`back_parts` is the one
place that decides what goes on it, so another part (a tick-log) is one more
entry there.

The test sheet tells the user how far their printer shifts the back of a page:
the front has two long lines; the back has, at the mirrored place, a ladder of
short lines one millimetre apart, each numbered. Held up to the light, the long
line from the front falls on one short line: its number is the offset to use.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, PageTemplate, Spacer

from handout import kinds, sizes
from handout.layout import document, fit, page
from handout.layout.fonts import FontSet, font_set
from handout.layout.markup import escape
from handout.layout.para import Para
from handout.layout.styles import MUTED, Theme, theme
from handout.model import Brand

#: the calibration ladder: offsets from -RANGE to +RANGE mm, one row (or column) each
RANGE = 10
STEP = 4 * sizes.MM  # the height of one row of the ladder


def booking_url(brand: Brand) -> str:
    """The brand's booking page, when it names one (the ``booking`` setting of brand.toml)."""
    return str(getattr(brand, "booking", "") or "")


def back_parts(brand: Brand, th: Theme, width: float) -> list[Flowable]:
    """What the clinic's back of a card shows, top to bottom."""
    st = th.styles
    parts: list[Flowable] = [Para("Questions, or time for your next visit?", st["h3"])]
    rows = [
        ("Your therapist", brand.practitioner),
        ("Phone", brand.phone),
        ("E-mail", brand.email),
        ("Web", brand.website.removeprefix("https://").rstrip("/")),
        ("Address", brand.address),
    ]
    for label, value in rows:
        if value:
            parts.append(Para(f"<b>{escape(label)}:</b> {escape(value)}", st["body"]))
    url = booking_url(brand)
    if url:
        from handout.layout.qr import QRCode, caption_style

        parts += [Spacer(1, 6), QRCode(url, caption_style(st["small"]), label="Book your next visit")]
    parts += [Spacer(1, 8), Para("Bring this card to your next visit.", st["body"])]
    return parts


def contact_back(brand: Brand, size: str) -> bytes:
    """A one-page card of *size*: the clinic's header, then :func:`back_parts`."""
    from handout.layout.render import logo_for

    fonts = font_set(brand.fonts, brand.display_path)
    logo = logo_for(brand, fit.card_kind(size))
    g = page.card_geometry(size, brand, logo, fonts)
    th = theme(fonts, brand.primary, brand.accent, compact=kinds.CARD_BACK.compact)
    buf = io.BytesIO()
    meta = document.Meta(title=f"{brand.name}: contact", author=brand.name, subject="", keywords="", lang="en")
    doc = document._doc(buf, g, meta)
    x, y, w, h = g.frame

    def on_page(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        page.draw_header(canvas, g, brand, th, logo)
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="back", frames=[Frame(x, y, w, h, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)], onPage=on_page)])
    doc.build(back_parts(brand, th, w))
    return buf.getvalue()


# -- the two-sided test sheet ---------------------------------------------------------------


def _label(k: int) -> str:
    return "0" if k == 0 else f"{k:+d}".replace("-", "\u2212")


def calibration(paper: str, fonts: FontSet | None = None) -> bytes:
    """Two pages of *paper*: the front with the long lines and how to read the test, the back with the ladders."""
    from handout.layout.fonts import HELVETICA

    fonts = fonts or HELVETICA
    w, h = sizes.PAPERS[paper]
    mm = sizes.MM
    # where the lines cross on the front; the ladders sit at the mirror image on the back
    vx = w / 2
    ladder_top = h - 95 * mm
    ladder_bottom = ladder_top - (2 * RANGE + 1) * STEP
    hy = ladder_bottom - 45 * mm
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(w, h), invariant=1, pageCompression=1)
    c.setTitle("Two-sided printing test")
    c.setAuthor("handout")
    c.setCreator("handout")
    c.setProducer("handout")
    _front(c, fonts, w, h, vx, ladder_top, ladder_bottom, hy)
    c.showPage()
    _back(c, fonts, w, h, w - vx, ladder_top, ladder_bottom, hy)
    c.showPage()
    c.save()
    return buf.getvalue()


def _text(c: Canvas, fonts: FontSet, x: float, y: float, lines: list[tuple[str, float, bool]], width: float) -> float:
    """Paragraphs down from *y*; returns the y under the last one."""
    from reportlab.lib.styles import ParagraphStyle

    for text, size, bold in lines:
        style = ParagraphStyle("t", fontName=fonts.bold if bold else fonts.regular, fontSize=size, leading=size * 1.3,
                               textColor=colors.black)
        p = Para(text, style)
        _, ph = p.wrap(width, 1000)
        p.drawOn(c, x, y - ph)
        y -= ph + size * 0.5
    return y


def _front(c: Canvas, fonts: FontSet, w: float, h: float, vx: float, top: float, bottom: float, hy: float) -> None:
    mm = sizes.MM
    margin = 20 * mm
    _text(c, fonts, margin, h - margin, [
        ("Two-sided printing test", 20, True),
        ("Print this sheet on both sides, flipping on the <b>long edge</b>, at <b>actual size</b> (100%, not "
         "\u201cfit to page\u201d). Then hold it up to a window or a lamp with the numbered side facing you.", 12, False),
        ("<b>Across:</b> the long up-and-down line from this side falls on one of the short lines of the upper ladder; "
         "read its number. <b>Up and down:</b> the long side-to-side line falls on one short line of the lower ladder; "
         "read its number. Use the two numbers, across first, for example <b>handout sheet \u2026 --duplex "
         "--back-offset 1.5,-1</b> (a line that falls halfway between two numbers: use the half). "
         "If both are 0, your printer needs no offset.", 12, False),
    ], w - 2 * margin)
    c.setStrokeColor(colors.black)
    c.setLineWidth(0.5)
    c.line(vx, top + 6 * mm, vx, bottom - 6 * mm)
    half = (RANGE + 2) * STEP
    c.line(w / 2 - half, hy, w / 2 + half, hy)
    # a 100 mm line: if it measures less, the printer scaled the page
    c.setLineWidth(1)
    y = 18 * mm
    c.line(margin, y, margin + 100 * mm, y)
    for x in (margin, margin + 100 * mm):
        c.line(x, y - 2 * mm, x, y + 2 * mm)
    c.setFont(fonts.regular, 10)
    c.setFillColor(MUTED)
    c.drawString(margin, y + 4 * mm, "This line is 100 mm (3.94 in) long. If it is shorter, turn off \u201cfit to page\u201d.")
    c.drawRightString(w - margin, y + 4 * mm, "Front")


def _back(c: Canvas, fonts: FontSet, w: float, h: float, vx: float, top: float, bottom: float, hy: float) -> None:
    mm = sizes.MM
    margin = 20 * mm
    _text(c, fonts, margin, h - margin, [
        ("Back: read the numbers here", 20, True),
        ("Hold this side towards you, with the light behind the sheet. Each short line is 1 mm from the next; "
         "its number is the offset in millimetres.", 12, False),
    ], w - 2 * margin)
    c.setFillColor(colors.black)
    _heading(c, fonts, vx, top + 4 * mm, "Across (first number)")
    _heading(c, fonts, w / 2, hy + (RANGE + 1.5) * mm + 10 * mm, "Up and down (second number)")
    # the across ladder: one row per offset, its short line k mm from the mirrored long line
    _grid(c, vx - (RANGE + 1) * mm, bottom, 2 * (RANGE + 1) * mm, top - bottom)
    c.setFont(fonts.bold, 9)
    for i, k in enumerate(range(RANGE, -RANGE - 1, -1)):
        y0 = top - (i + 1) * STEP
        c.setLineWidth(0.9)
        c.line(vx + k * mm, y0 + 0.4 * mm, vx + k * mm, y0 + STEP - 0.4 * mm)
        c.drawRightString(vx - (RANGE + 2) * mm, y0 + STEP / 2 - 3, _label(k))
        c.drawString(vx + (RANGE + 2) * mm, y0 + STEP / 2 - 3, _label(k))
    # the up-and-down ladder: one column per offset, its short line k mm above the long line
    left = w / 2 - (RANGE + 0.5) * STEP
    _grid(c, left, hy - (RANGE + 1) * mm, (2 * RANGE + 1) * STEP, 2 * (RANGE + 1) * mm)
    c.setFont(fonts.bold, 8)
    for i, k in enumerate(range(-RANGE, RANGE + 1)):
        x0 = left + i * STEP
        c.setLineWidth(0.9)
        c.line(x0 + 0.4 * mm, hy + k * mm, x0 + STEP - 0.4 * mm, hy + k * mm)
        c.saveState()
        c.translate(x0 + STEP / 2 + 3, hy - (RANGE + 2) * mm)
        c.rotate(90)
        c.drawRightString(0, 0, _label(k))
        c.restoreState()
    c.setFont(fonts.regular, 10)
    c.setFillColor(MUTED)
    c.drawRightString(w - margin, 18 * mm + 4 * mm, "Back")


def _heading(c: Canvas, fonts: FontSet, x: float, y: float, text: str) -> None:
    c.setFont(fonts.bold, 11)
    c.setFillColor(colors.black)
    c.drawCentredString(x, y, text)


def _grid(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    """A light 1 mm grid behind a ladder."""
    mm = sizes.MM
    c.saveState()
    c.setStrokeColor(colors.Color(0.78, 0.78, 0.78))
    c.setLineWidth(0.2)
    n = round(w / mm)
    for i in range(n + 1):
        c.line(x + i * mm, y, x + i * mm, y + h)
    m = round(h / mm)
    for j in range(m + 1):
        c.line(x, y + j * mm, x + w, y + j * mm)
    c.restoreState()

