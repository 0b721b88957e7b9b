"""The ``<figure>`` layout element: a built-in exercise picture or a clinic's own file.

``<figure name="bridge" alt="…"/>`` prints a built-in figure; ``src="…"`` a
picture file the topic names (nothing else on disk can be reached from a
template). With children, the picture sits beside them (a step list on the
left, the picture on the right), or above them when the column would be too
narrow. Inside a step (``<li>… <figure …/></li>``) it sits next to its step.
Every picture keeps its alt text (``.alt`` on the flowable).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from handout.layout import fit
from handout.layout.figures import BUILTIN_FIGURES, figure

if TYPE_CHECKING:
    from handout.layout.markup import Builder

ATTRIBUTES = {"name", "src", "alt", "width", "fill"}
#: text beside a picture needs at least this much width (points), else the picture goes above
MIN_TEXT_W = 190.0
#: the usual width of a routine's picture and of a step's picture (points)
ROUTINE_W, STEP_W = 150.0, 88.0
MAX_HEIGHT_SHARE = 0.9  # of the picture's width: keeps standing figures from towering
_UNIT = {"": 1.0, "pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54}


class ImagePicture(Flowable):  # type: ignore[misc]
    """A clinic's picture file, decoded once, drawn inside its box."""

    def __init__(self, picture: Any, width: float, height: float, alt: str) -> None:
        Flowable.__init__(self)
        self.picture = picture
        self.width, self.height = picture.fit(width, height)
        self.alt = alt

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.picture.draw(self.canv, 0, 0, self.width, self.height)


class FillPicture(Flowable):  # type: ignore[misc]
    """A picture that takes the room left below it in the frame (a card's blank space),
    between *min_h* and the height it has at the frame's width (at most *max_h*). With less
    room than *min_h* it is left out and takes no room (``fits`` is then false)."""

    def __init__(self, make: Any, aspect: float, width: float, min_h: float, max_h: float, alt: str) -> None:
        Flowable.__init__(self)
        self.make = make  # (width, height) -> flowable
        self.aspect = aspect  # height / width
        self.max_w = width
        self.min_h = min_h
        self.max_h = min(max_h, width * aspect)
        self.alt = alt
        self.pad = 0.0  # space above the picture, part of its height: none when it is left out
        self.fits = True
        self.fills_space = True  # measured with its least height (see layout.measure)
        self.width = self.height = self.pic_h = 0.0

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        h = min(self.max_h, avail_h - self.pad - 1)
        self.fits = h >= self.min_h
        if not self.fits:  # no room: left out (a card builder can try smaller type first)
            self.width = self.height = self.pic_h = 0.0
            return 0.0, 0.0
        self.width = min(self.max_w, avail_w, h / self.aspect)
        self.pic_h = self.width * self.aspect
        self.height = self.pic_h + self.pad
        return self.width, self.height

    def draw(self) -> None:
        if self.pic_h <= 0:
            return
        inner = self.make(self.width, self.pic_h)
        inner.wrapOn(self.canv, self.width, self.pic_h)
        inner.drawOn(self.canv, (self.width - inner.width) / 2, 0)


def colours(b: Builder) -> tuple[colors.Color, colors.Color]:
    """Ink and accent for the built-in figures: the brand colour dark enough to carry a
    lighter far side, and an accent that stays apart from it in greyscale."""
    primary = "#" + b.theme.primary.hexval()[2:]
    ink = fit.readable(primary, ratio=7.0)
    accent = "#" + b.theme.accent.hexval()[2:]
    for _ in range(8):
        if fit.contrast(accent, ink) >= 2.6:
            break
        accent = fit.tint(accent, 0.75)
    return colors.HexColor(ink), colors.HexColor(accent)


def width_of(b: Builder, el: ET.Element, default: float, room: float) -> float:
    raw = (el.get("width") or "").strip()
    if not raw:
        return min(default, room)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(pt|in|mm|cm)?", raw)
    value = float(m.group(1)) * _UNIT[m.group(2) or ""] if m else -1.0
    if not 36 <= value <= 600:
        b.fail(el, f"<figure width='{raw}'>", "give a width from 0.5in to 8in, e.g. width=\"1.5in\" or width=\"40mm\"")
    return min(value, room)


def picture(b: Builder, el: ET.Element, width: float, max_h: float | None = None) -> Flowable:
    """The picture an element names, *width* points wide at most."""
    name, src, alt = el.get("name"), el.get("src"), " ".join((el.get("alt") or "").split())
    if (name is None) == (src is None):
        b.fail(el, "<figure> needs either name=\"…\" (a built-in picture) or src=\"…\" (a picture the topic names)", "")
    if not alt:
        b.fail(el, "<figure> has no alt text", "add alt=\"…\": what the picture shows, in a sentence (routine.picture.alt)")
    height = max_h if max_h is not None else width * MAX_HEIGHT_SHARE
    if name is not None:
        if name not in BUILTIN_FIGURES:
            b.fail(el, f"there is no built-in picture '{name}'", f"use one of: {', '.join(BUILTIN_FIGURES)}")
        ink, accent = colours(b)
        f: Flowable = figure(name, width, ink=ink, accent=accent, height=height)
        f.alt = alt
        return f
    assert src is not None
    if b.pictures is None:  # checking a template without a build: no file is read
        return Spacer(width, height)
    named = b.pictures.get(src)
    if named is None or named.file is None:
        b.fail(el, f"<figure src='{src[:60]}'> is not a picture the topic names", "print routine.picture.key (or a step's picture.key); other files cannot be used")
    from handout.layout.images import load_picture

    loaded = load_picture(named.file, width, height, named.where)
    return ImagePicture(loaded, width, height, alt)


def fill(b: Builder, el: ET.Element, width: float) -> Flowable:
    """``fill="yes"``: the picture takes the room left below it (at least 0.9 in of it)."""
    pic_w = width_of(b, el, width, width)
    probe = picture(b, el, pic_w, max_h=pic_w * 4)
    aspect = probe.height / probe.width
    # at least about 1.1 in wide (a lying figure at least 0.5 in tall, a standing one at most 1.6 in)
    min_h = min(max(1.1 * 72 * aspect, 0.5 * 72), 1.6 * 72)
    box = FillPicture(lambda w, h: picture(b, el, w, max_h=h), aspect, pic_w, min_h, 2.8 * 72, getattr(probe, "alt", ""))
    box.hAlign = "CENTER"
    box.pad = b.theme.body_size * 0.4
    return box


def handle(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    """``<figure>``: the picture alone (centred), or beside / above its children."""
    if el.get("fill") not in (None, "yes", "no"):
        b.fail(el, f"<figure fill='{el.get('fill')}'>", "use fill=\"yes\" (take the room left below) or leave it out")
    if el.get("fill") == "yes":
        if len(el):
            b.fail(el, "<figure fill=\"yes\"> cannot hold other elements", "put the steps before it")
        return [fill(b, el, width)]
    pic_w = width_of(b, el, ROUTINE_W, width)
    if not len(el):
        pic = picture(b, el, pic_w)
        pic.hAlign = "CENTER"
        pic.spaceAfter = b.theme.body_size * 0.5
        return [pic]
    gap = b.theme.body_size
    text_w = width - pic_w - gap
    if text_w < MIN_TEXT_W:
        pic = picture(b, el, min(pic_w * 1.25, width), max_h=pic_w)
        pic.hAlign = "CENTER"
        pic.spaceAfter = b.theme.body_size * 0.4
        return [pic, *b._children(el, width)]
    content = b._children(el, text_w)
    # the picture sits beside what cannot go on to the next page anyway (up to the first place
    # marked as one, e.g. a routine's purpose and first two steps); the rest runs on below at
    # full width, each still a place where a long routine may break
    k = next((i for i, f in enumerate(content) if i and getattr(f, "break_before", False)), len(content))
    beside_h = sum(f.wrap(text_w, 10_000)[1] + f.getSpaceAfter() for f in content[:k])
    pic = picture(b, el, pic_w, max_h=min(pic_w * MAX_HEIGHT_SHARE, max(beside_h, 1.2 * 72)))
    if pic.width < pic_w - gap:  # a tall picture came out narrower: give the text the room
        pic_w = pic.width
        text_w = width - pic_w - gap
        content = b._children(el, text_w)
    rest = b._children(el, width)[k:] if k < len(content) else []
    return [side_by_side(content[:k], pic, text_w, pic_w, gap), *rest]


def side_by_side(content: list[Flowable], pic: Flowable, text_w: float, pic_w: float, gap: float) -> Table:
    table = Table([[content, pic]], colWidths=[text_w + gap, pic_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, 0), gap),
    ]))
    table.hAlign = "LEFT"
    table.spaceAfter = getattr(content[-1], "spaceAfter", 0) if content else 0
    return table


def take(li: ET.Element) -> tuple[ET.Element | None, ET.Element]:
    """A list item's ``<figure>``, and a copy of the item without it (keeping the text around it)."""
    item = copy.deepcopy(li)
    fig = item.find("figure")
    if fig is None:
        return None, li
    kids = list(item)
    i = kids.index(fig)
    tail = fig.tail or ""
    if i:
        kids[i - 1].tail = (kids[i - 1].tail or "") + tail
    else:
        item.text = (item.text or "") + tail
    item.remove(fig)
    return fig, item


def beside_steps(b: Builder, items: list[Flowable], figures: list[ET.Element | None], width: float) -> list[Flowable]:
    """Each list item that had a picture, set beside it (or above it when narrow)."""
    out: list[Flowable] = []
    for item, fig in zip(items, figures, strict=True):
        if fig is None:
            out.append(item)
            continue
        b.check_attrs(fig)
        pic_w = width_of(b, fig, STEP_W, width)
        text_w = width - pic_w - b.theme.body_size
        if text_w < MIN_TEXT_W * 0.8:
            pic = picture(b, fig, min(pic_w * 1.25, width), max_h=pic_w)
            pic.hAlign = "CENTER"
            out.extend([item, pic])
        else:
            row = side_by_side([item], picture(b, fig, pic_w), text_w, pic_w, b.theme.body_size)
            if getattr(item, "break_before", False):
                row.break_before = True
            out.append(row)
    return out
