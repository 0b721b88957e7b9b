"""From layout markup and validated inputs to PDF bytes."""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from handout import kinds
from handout.errors import ContentError, HandoutError, LayoutError
from handout.layout import document, fit, page
from handout.layout.fonts import FontSet, font_set
from handout.layout.images import Picture, load_picture
from handout.layout.markup import Builder, parse
from handout.layout.styles import Theme, large_theme, theme
from handout.load.files import MB, read_text
from handout.model import plain

#: topic and brand files are far smaller; this only bounds the search for a character
MAX_SEARCH_BYTES = 1 * MB

if TYPE_CHECKING:
    from handout.model import Brand, Inputs


def logo_for(brand: Brand, kind: fit.Kind | None = None) -> Picture | None:
    """The decoded logo, kept sharp for the size it prints at on *kind* of page (default: a guide page).

    A card's logo is smaller than a guide's, so it is decoded to fewer pixels:
    a batch of cards embeds and compresses a smaller image in every card.
    """
    if brand.logo is None:
        return None
    kind = kind or fit.guide_kind("letter")
    aspect = fit.logo_aspect(brand) or 1.0
    box = fit.logo_box(aspect, kind.logo_h, kind.content_w, kind.small)
    from handout.load.brand import key_where

    return load_picture(brand.logo, box.w, box.h, key_where(brand.path, "logo"))


#: a large-print card without --size: a half-letter or A5 card (a brand's smaller default is not used)
LARGE_PRINT_CARD = {"letter": "half-letter", "a4": "a5"}


def lay_out(kind: str, markup: str, template: str, inputs: Inputs, card_size: str | None = None, large_print: bool = False) -> bytes:
    brand, topic, routine = inputs.brand, inputs.topic, inputs.routine
    fonts = font_set(brand.fonts, brand.display_path, large_print)
    root = parse(markup, template)
    check_glyphs(root, fonts, inputs)
    k = kinds.kind(kind)
    if k.page == "card":
        if large_print:
            size = card_size or LARGE_PRINT_CARD[brand.paper]
        else:
            size = card_size or brand.card_size or page.DEFAULT_CARD[brand.paper]
        logo = logo_for(brand, fit.card_kind(size, large_print))
    else:
        logo = logo_for(brand, fit.guide_kind(brand.paper, large_print))

    def make_story(th: Theme) -> list[Flowable]:
        routines = [*topic.routines.values(), *(inputs.program.routines if inputs.program else ())]
        files = {p.key: p for r in routines for p in r.pictures if p.file}
        story = Builder(th, g.frame[2], template, pictures=files).story(root)
        if not story:
            raise LayoutError("the document is empty: the template printed nothing inside <document>", where=template, hint="check its {% if %} conditions and loops")
        return story

    if k.page == "card":
        assert routine is not None
        g = page.card_geometry(size, brand, logo, fonts, large=large_print)
        meta = document.Meta(
            title=f"{plain(routine.title)} \u2013 {plain(topic.title)}",
            author=brand.name,
            subject=plain(routine.purpose),
            keywords=f"{topic.id}, {routine.id}, {k.label}",
            lang=topic.language,
        )
        leading = page.CARD_LEADING.get(size, 0.0)
        themes = [theme(fonts, brand.primary, brand.accent, scale=body / 12, compact=k.compact, leading=leading) for body in page.CARD_BODY_SIZES[size]]
        if large_print:
            themes = [large_theme(fonts, brand.primary, brand.accent)]
        # a card may be laid out more than once (type sizes are tried): say each warning once, and none if it fails
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            data = document.build_card(make_story, themes, g, brand, logo, meta, f"{topic.path}: routines.{routine.id}", size,
                                       front_floor=themes[-1].body_size if large_print else page.CARD_FRONT_FLOOR.get(size, 12.0))
        for message, category in dict.fromkeys((str(w.message), w.category) for w in seen):
            warnings.warn(message, category, stacklevel=2)
        page.warn_unfit(g, brand)
        return data
    g = page.guide_geometry(brand.paper, brand, logo, fonts, large=large_print)
    meta, lines = _long_meta(inputs)
    th = large_theme(fonts, brand.primary, brand.accent) if large_print else theme(fonts, brand.primary, brand.accent, compact=k.compact)
    data = document.build_guide(make_story(th), g, brand, th, logo, meta, str(topic.path), lines)
    page.warn_unfit(g, brand)
    return data


def _long_meta(inputs: Inputs) -> tuple[document.Meta, dict[str, int]]:
    """Metadata of a guide or a programme, and the line of each section title (to locate errors)."""
    brand, topic, program = inputs.brand, inputs.topic, inputs.program
    if program is not None:
        meta = document.Meta(
            title=program.title,
            author=brand.name,
            subject="Exercise programme: " + ", ".join(plain(r.title) for r in program.routines),
            keywords=", ".join([*(f"{i.topic_id}/{i.routine.id}" for i in program.items), "exercise programme"]),
            lang=topic.language,
        )
        return meta, {}
    meta = document.Meta(
        title=plain(topic.title),
        author=brand.name,
        subject=plain(topic.summary),
        keywords=", ".join([topic.id, *topic.routines, "self-care guide"]),
        lang=topic.language,
    )
    return meta, {plain(s.title): s.line for s in topic.sections}


def check_glyphs(root: ET.Element, fonts: FontSet, inputs: Inputs) -> None:
    """Refuse characters the font cannot print (they would come out as black boxes)."""
    brand = inputs.brand
    texts = ["".join(root.itertext()), brand.name, brand.tagline, brand.practitioner, *brand.contact]
    for text in texts:
        ch = fonts.first_missing(text)
        if ch is not None:
            raise _glyph_error(ch, fonts, inputs)


def _glyph_error(ch: str, fonts: FontSet, inputs: Inputs) -> ContentError:
    where = _find_char(ch, inputs)
    name = f"'{ch}' (U+{ord(ch):04X})"
    hint = (
        "remove it, or set a font that has it under [fonts] in brand.toml (for example DejaVu Sans or Noto Sans)"
        if fonts.coverage is None
        else f"remove it, or choose a font under [fonts] in brand.toml that has it ({fonts.family} does not)"
    )
    return ContentError(f"the character {name} cannot be printed with the font {fonts.family}", where=where, hint=hint)


def _find_char(ch: str, inputs: Inputs) -> str:
    for option, value in (("--client", inputs.client), ("--note", inputs.note)):
        if ch in value:
            return option
    for path in (inputs.topic.path, inputs.brand.path):
        if path is None:
            continue
        try:
            text = read_text(path, limit=MAX_SEARCH_BYTES)
        except HandoutError:
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            if ch in line:
                return f"{path}:{n}"
    return "a template"
