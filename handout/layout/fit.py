"""What a brand looks like in print, worked out before anything is drawn.

Pure arithmetic, no ReportLab at import, so ``handout check`` can ask the same
questions the layout does: is a brand colour dark enough for text, how large
will the logo print, and which contact details fit in the footer.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handout import sizes

if TYPE_CHECKING:
    from handout.errors import Problem
    from handout.model import Brand

INCH = 72.0
WHITE = "#FFFFFF"
#: WCAG 2 contrast for body text; headings use it too, so a brand colour is one text colour
TEXT_RATIO = 4.5
#: the red-flag colour, and the ones used instead when the brand colour is itself close to it
ALERT_COLOURS = ("#B3261E", "#7A5200", "#6A1B9A")
#: hue difference (degrees) below which two colours read as "the same colour"
DISTINCT_HUE = 35.0
#: a logo whose shorter printed side is under this is too small to read
LOGO_MIN_SIDE = 0.2 * INCH
#: a logo wider than this (width / height) gets a header row of its own
WIDE = 5.0
#: a logo narrower than this is tall: it gets a minimum width
TALL = 0.6

# -- colour ---------------------------------------------------------------------------


def rgb(colour: str) -> tuple[float, float, float]:
    c = colour.lstrip("#")
    return int(c[0:2], 16) / 255, int(c[2:4], 16) / 255, int(c[4:6], 16) / 255


def hexcode(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, v)) * 255):02X}" for v in (r, g, b))


def luminance(colour: str) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb(colour)
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str = WHITE) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def tint(colour: str, amount: float) -> str:
    """Mix with white; ``amount`` 0 gives white, 1 the colour itself."""
    return hexcode(*(1 - (1 - c) * amount for c in rgb(colour)))


def readable(colour: str, background: str = WHITE, ratio: float = TEXT_RATIO) -> str:
    """*colour* if text in it reaches *ratio* on *background*; else the same hue, darkened until it does."""
    if contrast(colour, background) >= ratio:
        return colour
    h, lightness, s = colorsys.rgb_to_hls(*rgb(colour))
    lo, hi = 0.0, lightness  # lo always reads; search the lightest that does
    for _ in range(24):
        mid = (lo + hi) / 2
        if contrast(hexcode(*colorsys.hls_to_rgb(h, mid, s)), background) >= ratio:
            lo = mid
        else:
            hi = mid
    return hexcode(*colorsys.hls_to_rgb(h, lo, s))


def hue(colour: str) -> float | None:
    """Hue in degrees, or None for a grey (too little colour to have a hue)."""
    h, lightness, s = colorsys.rgb_to_hls(*rgb(colour))
    if s < 0.2 or lightness < 0.08 or lightness > 0.95:
        return None
    return h * 360


def hue_distance(a: str, b: str) -> float:
    ha, hb = hue(a), hue(b)
    if ha is None or hb is None:
        return 180.0
    d = abs(ha - hb) % 360
    return min(d, 360 - d)


def alert_colour(primary: str) -> str:
    """The red-flag colour: red, unless the brand colour is close to red; then one that stands apart."""
    for candidate in ALERT_COLOURS:
        if hue_distance(primary, candidate) >= DISTINCT_HUE:
            return candidate
    return max(ALERT_COLOURS, key=lambda c: hue_distance(primary, c))


# -- logo -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogoBox:
    w: float
    h: float
    own_row: bool  # a wide logo gets a header row of its own, above the name

    @property
    def too_small(self) -> bool:
        return min(self.w, self.h) < LOGO_MIN_SIDE - 0.01


def logo_box(aspect: float, height: float, content_w: float, small: bool) -> LogoBox:
    """The printed size of a logo of *aspect* (width / height) in a header *height* points tall."""
    if aspect > WIDE:
        w = min(content_w, (2.6 if small else 3.6) * INCH)
        h = min(height, w / aspect)
        return LogoBox(h * aspect, h, True)
    if aspect < TALL:
        min_w = (0.22 if small else 0.3) * INCH
        h = max(height, min_w / aspect)
        h = min(h, (0.8 if small else 1.0 if content_w < 6 * INCH else 1.5) * INCH)
        return LogoBox(h * aspect, h, False)
    w, h = height * aspect, height
    if w > height * 3.2:
        w, h = height * 3.2, height * 3.2 / aspect
    return LogoBox(w, h, False)


# -- footer ---------------------------------------------------------------------------

Measure = Callable[[str], float]

#: Helvetica's advance widths (1/1000 em) for Windows-1252 codes 32–255, as ReportLab uses them
_HELVETICA = (278,278,355,556,556,889,667,191,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,278,278,584,584,584,556,1015,667,667,722,722,667,611,778,722,278,500,667,556,833,722,778,667,778,722,667,611,722,667,944,667,667,611,278,278,278,469,556,333,556,556,500,556,556,278,556,556,222,222,500,222,833,556,556,556,556,333,500,278,556,500,722,500,500,500,334,260,334,584,350,556,350,222,556,333,1000,556,556,333,1000,667,333,1000,350,611,350,350,222,222,333,333,350,556,1000,333,1000,500,333,944,350,500,667,278,333,556,556,556,556,260,556,333,737,370,556,584,333,737,333,400,584,333,333,333,556,537,278,333,333,365,556,834,834,834,611,667,667,667,667,667,667,1000,722,667,667,667,667,278,278,278,278,722,722,778,778,778,778,778,584,778,722,722,722,722,667,667,611,556,556,556,556,556,556,889,500,556,556,556,556,278,278,278,278,556,556,556,556,556,556,556,584,611,556,556,556,556,500,556,500)


_HELVETICA_BOLD = (278,333,474,556,556,889,722,238,333,333,389,584,278,333,278,278,556,556,556,556,556,556,556,556,556,556,333,333,584,584,584,611,975,722,722,722,722,667,611,778,722,278,556,722,611,833,722,778,667,778,722,667,611,722,667,944,667,667,611,333,278,333,584,556,333,556,611,556,611,556,333,611,611,278,278,556,278,889,611,611,611,611,389,556,333,611,556,778,556,556,500,389,280,389,584,350,556,350,278,556,500,1000,556,556,333,1000,667,333,1000,350,611,350,350,278,278,500,500,350,556,1000,333,1000,556,333,944,350,500,667,278,333,556,556,556,556,280,556,333,737,370,556,584,333,737,333,400,584,333,333,333,611,556,278,333,333,365,556,834,834,834,611,722,722,722,722,722,722,1000,722,667,667,667,667,278,278,278,278,722,722,778,778,778,778,778,584,778,722,722,722,722,667,667,611,556,556,556,556,556,556,889,556,556,556,556,556,278,278,278,278,611,611,611,611,611,611,611,584,611,611,611,611,611,556,611,556)


def helvetica(size: float, bold: bool = False) -> Measure:
    """String width in Helvetica (or Helvetica-Bold) at *size*, without loading ReportLab."""
    table = _HELVETICA_BOLD if bold else _HELVETICA

    def measure(text: str) -> float:
        data = text.encode("cp1252", "replace")
        return sum(table[b - 32] if b >= 32 else 0 for b in data) * size / 1000

    return measure


def contact_items(brand: Brand) -> list[tuple[str, str]]:
    """The footer's items in order, each with the brand.toml key it comes from."""
    pairs = [("practitioner", brand.practitioner), ("phone", brand.phone), ("email", brand.email),
             ("website", brand.website), ("address", brand.address)]
    return [(key, value.replace("\u00ad", "")) for key, value in pairs if value]


SEPARATOR = "  \u00b7  "


def footer_lines(items: Sequence[tuple[str, str]], widths: Sequence[float], measure: Measure) -> tuple[list[str], list[str]]:
    """Whole items joined by dots, line by line within *widths*; also the keys left out.

    An item is never cut in half: one too long for any line, or beyond the last
    line, is left out and named.
    """
    lines: list[str] = []
    dropped: list[str] = []
    current = ""
    for key, text in items:
        while True:
            if len(lines) == len(widths):
                dropped.append(key)
                break
            width = widths[len(lines)]
            candidate = f"{current}{SEPARATOR}{text}" if current else text
            if measure(candidate) <= width:
                current = candidate
                break
            if not current:
                if all(measure(text) > w for w in widths[len(lines):]):
                    dropped.append(key)
                    break
                lines.append("")  # this line is too narrow for it; try the next
                continue
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    return [line for line in lines if line], dropped


def packed_lines(items: Sequence[tuple[str, str]], width: float, max_lines: int, measure: Measure) -> tuple[list[str], list[str]]:
    """Whole items on at most *max_lines* lines of *width*, each on the first line with room for it."""
    lines: list[str] = []
    dropped: list[str] = []
    for key, text in items:
        for i, line in enumerate(lines):
            if measure(f"{line}{SEPARATOR}{text}") <= width:
                lines[i] = f"{line}{SEPARATOR}{text}"
                break
        else:
            if len(lines) < max_lines and measure(text) <= width:
                lines.append(text)
            else:
                dropped.append(key)
    return lines, dropped


# -- page bands -----------------------------------------------------------------------

MARGIN = 0.5 * INCH
#: a card narrower than 4.5 in: inside what home printers print, and 6 mm or more from a cut
SMALL_CARD_MARGIN = 0.25 * INCH
MM = INCH / 25.4
PAPER_SIZES = sizes.PAPERS
CARD_SIZES = sizes.CARDS
#: the card size used when neither --size nor the brand says, by paper
DEFAULT_CARD = sizes.DEFAULT_CARD
PAGE_LABEL = "Page {n} of {total}"
#: footer lines at most: a small card (3x5, 4x6, a6) keeps its room for the routine
FOOTER_MAX_LINES = 4
SMALL_FOOTER_MAX_LINES = 2
#: on a small card the details a client needs most come first, and lines are packed
SMALL_CARD_ORDER = ("phone", "email", "website", "address", "practitioner")


@dataclass(frozen=True)
class Kind:
    """The fixed measures of one kind of page: a guide page or a card."""

    name: str  # "guide" or the card size
    size: tuple[float, float]
    side: float
    logo_h: float
    name_size: float
    footer_size: float
    numbered: bool
    small: bool
    edge: float = MARGIN  # the top and bottom margin

    @property
    def content_w(self) -> float:
        return self.size[0] - 2 * self.side

    @property
    def label(self) -> str:
        if self.name == "guide":
            return "a guide page"
        return f"{'an' if self.name[0] in 'a8' else 'a'} {self.name} card"


#: large print: 1 in margins, the clinic's name, contact details and page numbers at 18 pt or more
LARGE_MARGIN = 1.0 * INCH
LARGE_TEXT = 18.0


def guide_kind(paper: str, large: bool = False) -> Kind:
    if large:
        return Kind("guide", PAPER_SIZES[paper], LARGE_MARGIN, 0.6 * INCH, 25, LARGE_TEXT, True, False, LARGE_MARGIN)
    return Kind("guide", PAPER_SIZES[paper], 0.75 * INCH, 0.5 * INCH, 13, 9, True, False)


def card_kind(size: str, large: bool = False) -> Kind:
    w, h = CARD_SIZES[size]
    if large:  # the card's own 0.5 in margin (1 in would leave 3.5 in for 18 pt text); the footer on two lines
        return Kind(size, (w, h), MARGIN, 0.4 * INCH, 25, LARGE_TEXT, False, True, MARGIN)
    small = w < 4.5 * INCH
    margin = SMALL_CARD_MARGIN if small else MARGIN
    return Kind(size, (w, h), margin, (0.28 if small else 0.32) * INCH, 10 if small else 11, 8, False, small, margin)


@dataclass(frozen=True)
class Bands:
    """What the header and footer of a page hold, and how tall they are."""

    logo: LogoBox | None
    name_size: float  # the size the name prints at
    text_h: float  # the name and tagline lines
    header: float  # from the top margin down to the top of the text frame
    footer: float  # from the bottom margin up to the bottom of the text frame
    footer_lines: tuple[str, ...]
    dropped: tuple[str, ...]  # brand.toml keys left out of the footer
    name_lines: tuple[str, ...] = ()  # the clinic's name, on two lines when one would print too small
    tagline: bool = True  # whether the tagline is shown

    @property
    def logo_row(self) -> float:
        """Height of a wide logo's own row (0 when the logo sits beside the name)."""
        return self.logo.h if self.logo is not None and self.logo.own_row else 0.0


#: gaps in points: under a wide logo's row, between the header and its rule, below the rule
ROW_GAP, RULE_GAP, AFTER_RULE = 6.0, 7.0, 10.0
#: above the footer's rule, below it before the first line, and between the frame and the footer
FOOTER_GAP = 8.0


def after_rule(kind: Kind) -> float:
    """Room between the header's rule and the text frame."""
    return AFTER_RULE * (0.65 if kind.small else 1.0)


def footer_gap(kind: Kind) -> float:
    """Room between the text frame and the footer's rule."""
    return FOOTER_GAP * (0.6 if kind.small else 1.0)


#: a name that would print smaller than this share of its size goes on two lines
NAME_MIN_SHARE = 0.8
LOGO_GAP = 0.12 * INCH


def name_lines(name: str, room: float, size: float, measure: Measure) -> tuple[list[str], float]:
    """The name on one line, or two when one line would shrink it a lot; and its print size.

    *measure* gives widths at *size*.
    """
    name = name.replace("\u00ad", "")
    width = measure(name)
    if width <= room or not width:
        return [name], size
    if width * NAME_MIN_SHARE <= room or " " not in name:
        return [name], size * room / width
    words = name.split()
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: max(measure(pair[0]), measure(pair[1])))
    widest = max(measure(first), measure(second))
    return [first, second], size * min(1.0, room / widest)


def bands(kind: Kind, brand: Brand, aspect: float | None, measure: Measure, name_measure: Measure | None = None) -> Bands:
    """Plan the header and footer of *kind* for *brand*.

    *aspect* is the logo's; *measure* gives widths in the footer font at its size, *name_measure*
    in the name's bold font at the name's size (Helvetica-Bold when not given).
    """
    logo = logo_box(aspect, kind.logo_h, kind.content_w, kind.small) if aspect else None
    room = kind.content_w - (logo.w + LOGO_GAP if logo is not None and not logo.own_row else 0)
    lines_of_name, size = name_lines(brand.name, room, kind.name_size, name_measure or helvetica(kind.name_size, bold=True))
    # on a small card a name on two lines takes the tagline's place
    tagline = bool(brand.tagline) and not (kind.small and len(lines_of_name) > 1)
    tag = kind.name_size * 0.72
    text_h = size * 1.15 * len(lines_of_name) + (tag * (1.3 if kind.small else 1.45) if tagline else 0)
    if logo is None:
        content = text_h
    elif logo.own_row:
        content = logo.h + ROW_GAP + text_h
    else:
        content = max(logo.h, text_h)
    header = content + (RULE_GAP + AFTER_RULE) * (0.65 if kind.small else 1.0)
    size = kind.footer_size
    label_w = measure(PAGE_LABEL.format(n=99, total=99)) + 14 if kind.numbered else 0.0
    items = contact_items(brand)
    if kind.small:
        items.sort(key=lambda item: SMALL_CARD_ORDER.index(item[0]))
        lines, dropped = packed_lines(items, kind.content_w, SMALL_FOOTER_MAX_LINES, measure)
    else:
        widths = [kind.content_w - label_w] + [kind.content_w] * (FOOTER_MAX_LINES - 1)
        lines, dropped = footer_lines(items, widths, measure)
    if lines:
        footer = footer_gap(kind) + 3 + size + (len(lines) - 1) * size * 1.25 + 2
    elif kind.numbered:
        footer = size + footer_gap(kind)
    else:
        footer = 0.0
    return Bands(logo, size, text_h, header, footer, tuple(lines), tuple(dropped), tuple(lines_of_name), tagline)


# -- what check says about a brand -----------------------------------------------------


def brand_problems(brand: Brand, card_size: str | None = None, locate: Callable[[str], str] | None = None) -> list[Problem]:
    """Warnings about how *brand* will print: pale text colours, tiny logos, lost contact details.

    *locate* turns a brand.toml key into a place (file and line) for the message.
    """
    from handout.errors import Problem

    where = brand.display_path
    at = locate or (lambda key: f"{where}: {key}")
    problems: list[Problem] = []
    colour = brand.primary
    text = readable(colour)
    if text != colour:
        problems.append(Problem(
            at("colors.primary"),
            f"{colour} is too pale for text on white (contrast {contrast(colour):.2f}:1, text needs {TEXT_RATIO}:1); "
            f"headings and the clinic name print in the darker {text} ({contrast(text):.1f}:1), fills and rules keep {colour}",
            "choose a darker colour to have text print in the brand colour itself",
        ))
    aspect = logo_aspect(brand)
    measure = _measure(brand)
    for kind in (guide_kind(brand.paper), card_kind(card_size or brand.card_size or DEFAULT_CARD[brand.paper])):
        problems += unfit(kind, bands(kind, brand, aspect, measure(kind.footer_size)), brand, at)
    return problems


def unfit(kind: Kind, plan: Bands, brand: Brand, at: Callable[[str], str] | None = None) -> list[Problem]:
    """What of *brand* does not print well on *kind*: a logo too small, details left out of the footer."""
    from handout.errors import Problem

    at = at or (lambda key: f"{brand.display_path}: {key}")
    problems = []
    if plan.logo is not None and plan.logo.too_small and brand.logo is not None:
        problems.append(Problem(
            at("logo"),
            f"'{brand.logo.name}' prints only {plan.logo.w / INCH:.2f} x {plan.logo.h / INCH:.2f} in on {kind.label}, too small to read",
            "use a logo closer to square (or crop the empty space around it)",
        ))
    if plan.dropped:
        problems.append(Problem(
            brand.display_path,
            f"the footer of {kind.label} has no room for: {', '.join(plan.dropped)} (left out)",
            "shorten these details" + ("" if kind.name == "guide" else ", or choose a bigger card size"),
        ))
    return problems


def logo_aspect(brand: Brand) -> float | None:
    """Width / height of the brand's logo, read from the file's header only (None if unknown)."""
    if brand.logo is None:
        return None
    if brand.logo.suffix.lower() == ".svg":
        return svg_aspect(brand.logo)
    import io

    import imagesize

    from handout.load.files import KB, read_start

    try:
        w, h = imagesize.get(io.BytesIO(read_start(brand.logo, 512 * KB)))
    except Exception:  # noqa: BLE001 - unreadable: the brand check reports it
        return None
    return w / h if w > 0 and h > 0 else None


def svg_aspect(path: object) -> float | None:
    """An SVG's width / height from its viewBox or width and height, without an SVG library."""
    import math
    import re

    from handout.load.files import read_text
    from handout.load.svg import MAX_SVG_BYTES

    try:
        text = read_text(path, limit=MAX_SVG_BYTES, what="SVG logo")  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - unreadable: the brand check reports it
        return None
    head = re.search(r"<svg\b[^>]*>", text)
    if not head:
        return None
    box = re.search(r'viewBox\s*=\s*["\']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head.group())
    try:
        if box:
            w, h = float(box.group(1)), float(box.group(2))
        else:
            mw = re.search(r'\bwidth\s*=\s*["\']\s*([\d.]+)', head.group())
            mh = re.search(r'\bheight\s*=\s*["\']\s*([\d.]+)', head.group())
            if not (mw and mh):
                return None
            w, h = float(mw.group(1)), float(mh.group(1))
    except ValueError:  # "1.2.3": the logo check says what is wrong
        return None
    ok = all(math.isfinite(v) and v > 0 for v in (w, h)) and math.isfinite(w / h)
    return w / h if ok else None


def _measure(brand: Brand) -> Callable[[float], Measure]:
    """Footer widths in the brand's font: Helvetica here; a brand's own font needs ReportLab."""
    if brand.fonts is None:
        return helvetica
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from handout.layout.fonts import font_set

    regular = font_set(brand.fonts, brand.display_path).regular

    def measure(size: float) -> Measure:
        return lambda text: float(stringWidth(text, regular, size))

    return measure
