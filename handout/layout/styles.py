"""Paragraph styles and colours, derived from the brand.

Body text is 12 pt (the floor for client handouts), headings 14–24 pt in the
brand's primary colour. ``scale`` enlarges everything at once (large print).

A brand colour too pale for text (under 4.5:1 on white) is darkened, keeping
its hue, wherever it colours text; fills, bars and rules keep the true colour.
The red-flag colour moves away from red when the brand colour is itself red.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from handout.layout import fit
from handout.layout.fonts import FontSet

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
ALERT = colors.HexColor("#B3261E")
ALERT_TINT = colors.HexColor("#FCEEEE")


def tint(color: colors.Color, amount: float) -> colors.Color:
    """Mix *color* with white; ``amount`` 0 gives white, 1 the colour itself."""
    return colors.Color(
        1 - (1 - color.red) * amount,
        1 - (1 - color.green) * amount,
        1 - (1 - color.blue) * amount,
    )


@dataclass(frozen=True)
class Theme:
    fonts: FontSet
    primary: colors.Color  # the brand colour itself: fills, bars, rules
    accent: colors.Color
    styles: dict[str, ParagraphStyle]
    body_size: float
    text: colors.Color = INK  # the brand colour as text: dark enough to read on white
    alert: colors.Color = ALERT
    alert_tint: colors.Color = ALERT_TINT
    #: large print: one column, no tinted boxes but the red-flag box, labels at body size
    large: bool = False

    @property
    def one_column(self) -> bool:
        return self.large

    @property
    def primary_tint(self) -> colors.Color:
        return colors.white if self.large else tint(self.primary, 0.10)

    @property
    def accent_tint(self) -> colors.Color:
        return colors.white if self.large else tint(self.accent, 0.22)


@lru_cache(maxsize=64)
def theme(fonts: FontSet, primary: str, accent: str, scale: float = 1.0, compact: bool = False, leading: float = 0.0) -> Theme:
    """Styles for a brand; *compact* tightens the spacing (not the type size) for cards.

    *leading* (line height over type size) is 1.25, or 1.2 when compact, unless given.
    """
    p = colors.HexColor(primary)
    a = colors.HexColor(accent)
    text = fit.readable(primary)
    t = colors.HexColor(text)
    # dose labels sit on the accent's tint, a little darker than white
    label = colors.HexColor(fit.readable(text, fit.tint(accent, 0.22)))
    alert_hex = fit.alert_colour(primary)
    alert = colors.HexColor(alert_hex)
    size = 12 * scale
    gap = 0.6 if compact else 1.0

    def style(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": fonts.regular,
            "fontSize": size,
            "leading": size * (leading or (1.2 if compact else 1.25)),
            "textColor": INK,
            "alignment": TA_LEFT,
            "spaceAfter": size * 0.5 * gap,
            "allowWidows": 0,  # never one lonely line at the top of a page
            "allowOrphans": 0,
        }
        base.update(kw)
        return ParagraphStyle(name, **base)

    styles = {
        "body": style("body"),
        "title": style("title", fontName=fonts.bold, fontSize=24 * scale, leading=28 * scale, textColor=t, spaceAfter=4 * scale),
        "subtitle": style("subtitle", fontSize=14 * scale, leading=18 * scale, textColor=MUTED, spaceAfter=10 * scale),
        "h2": style("h2", fontName=fonts.bold, fontSize=17 * scale, leading=21 * scale, textColor=t, spaceBefore=12 * scale * gap, spaceAfter=5 * scale * gap),
        "h3": style("h3", fontName=fonts.bold, fontSize=14 * scale, leading=18 * scale, textColor=t, spaceBefore=8 * scale, spaceAfter=3 * scale),
        "h4": style("h4", fontName=fonts.bold, fontSize=13.5 * scale, leading=17 * scale, textColor=t, spaceBefore=6 * scale, spaceAfter=2 * scale),
        "lead": style("lead", fontSize=13 * scale, leading=17.5 * scale, spaceAfter=0),
        "purpose": style("purpose", fontName=fonts.italic, textColor=MUTED),
        "stop": style("stop", spaceBefore=4 * scale * gap),
        "small": style("small", fontSize=9.5 * scale, leading=12.5 * scale, textColor=MUTED),
        "prepared": style("prepared", spaceAfter=2 * scale * gap),
        "note": style("note", spaceAfter=0),
        "li": style("li", spaceAfter=size * 0.2 * gap),
        "sources": style("sources", fontSize=10 * scale, leading=13 * scale, textColor=MUTED, spaceAfter=2 * scale),
        "dose-label": style("dose-label", fontName=fonts.bold, fontSize=8.5 * scale, leading=10 * scale, textColor=label, spaceAfter=0),
        "dose-value": style("dose-value", fontName=fonts.bold, fontSize=12 * scale, leading=14.5 * scale, spaceAfter=0),
        "dose-note": style("dose-note", fontName=fonts.italic, fontSize=10.5 * scale, leading=13 * scale, textColor=INK, spaceAfter=0),
        "bullet": style("bullet", fontName=fonts.bold, textColor=t),
    }
    return Theme(fonts, p, a, styles, size, text=t, alert=alert, alert_tint=colors.HexColor(fit.tint(alert_hex, 0.08)))


#: large print (ACB and UKAAF guidance): body 18 pt, headings 22 and 20 pt bold, leading 1.2
LARGE_BODY = 18.0
LARGE_LEADING = 1.2


@lru_cache(maxsize=16)
def large_theme(fonts: FontSet, primary: str, accent: str) -> Theme:
    """Large print: every text at 18 pt or more (labels, sources, page numbers too), headings
    bold, no italics, left-aligned, and no tints behind text (the red-flag box keeps its own)."""
    p = colors.HexColor(primary)
    a = colors.HexColor(accent)
    t = colors.HexColor(fit.readable(primary))
    alert_hex = fit.alert_colour(primary)
    size = LARGE_BODY
    lead = size * LARGE_LEADING

    def style(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": fonts.regular,
            "fontSize": size,
            "leading": lead,
            "textColor": INK,
            "alignment": TA_LEFT,
            "spaceAfter": size * 0.5,
            "allowWidows": 0,
            "allowOrphans": 0,
            "hyphenationLang": "",
        }
        base.update(kw)
        return ParagraphStyle(name, **base)

    def heading(name: str, pt: float, before: float, after: float) -> ParagraphStyle:
        return style(name, fontName=fonts.bold, fontSize=pt, leading=pt * LARGE_LEADING, textColor=t, spaceBefore=before, spaceAfter=after)

    styles = {
        "body": style("body"),
        "title": heading("title", 28, 0, 6),
        "subtitle": style("subtitle", spaceAfter=12),
        "h2": heading("h2", 22, 16, 6),
        "h3": heading("h3", 20, 12, 4),
        "h4": heading("h4", 20, 10, 4),
        "lead": style("lead", spaceAfter=0),
        "purpose": style("purpose"),
        "stop": style("stop", spaceBefore=6),
        "small": style("small"),
        "prepared": style("prepared", spaceAfter=3),
        "note": style("note", spaceAfter=0),
        "li": style("li", spaceAfter=size * 0.25),
        "sources": style("sources", spaceAfter=4),
        "dose-label": style("dose-label", fontName=fonts.bold, spaceAfter=0),
        "dose-value": style("dose-value", spaceAfter=0),
        "dose-note": style("dose-note", spaceAfter=0),
        "bullet": style("bullet", fontName=fonts.bold, textColor=t),
    }
    return Theme(fonts, p, a, styles, size, text=t, alert=colors.HexColor(alert_hex),
                 alert_tint=colors.HexColor(fit.tint(alert_hex, 0.08)), large=True)
