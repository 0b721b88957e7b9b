"""Layout markup → ReportLab flowables.

Templates produce a small XML vocabulary (documented in ``templates/README.md``).
This module is its only reader: it checks every element and attribute, escapes
every piece of text again for ReportLab's paragraph parser, lets through only
``<b>``, ``<i>``, ``<br/>`` and safe links, and turns each element into
flowables. A new kind of block is one handler, registered with
:func:`register` (from the module that draws it) or listed in ``BLOCKS``.
A handler may mark a flowable with :func:`handout.layout.flow.may_break_before`
to let a routine or box go on to the next page just before it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from markupsafe import escape as _escape
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from handout.errors import TemplateError
from handout.layout.columns import TwoColumns
from handout.layout.dosebox import DoseBox
from handout.layout.flow import Box, Group, Panel, continued_heading, may_break_before
from handout.layout.marks import MarkedLine, WarningMark
from handout.layout.measure import height
from handout.layout.para import Para
from handout.layout.styles import MUTED, Theme
from handout.model import Picture

LINK_SCHEMES = ("https", "mailto", "tel")
MUTED_HEX = f"#{MUTED.hexval()[2:]}"
#: the last line of the first part of a box that goes on to the next page
CONTINUES = "Continues on the next page \u2192"
CONTINUES_LARGE = "Continues on the next page."


def escape(text: str) -> str:
    """Escape text for ReportLab's paragraph markup (``&``, ``<``, ``>``, quotes).

    markupsafe's C escaper, already loaded with Jinja2; ``xml.sax.saxutils``
    would pull in urllib, http and email, about 17 ms at every start-up.
    """
    return str(_escape(text))


def quoteattr(text: str) -> str:
    return f'"{escape(text)}"'


INLINE_TAGS = {"b", "i", "br", "a"}


def parse(markup: str, template: str) -> ET.Element:
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as exc:
        line, col = exc.position
        lines = markup.splitlines()
        snippet = lines[line - 1].strip()[:70] if 0 < line <= len(lines) else ""
        raise TemplateError(
            f"the template's output is not well-formed layout markup ({exc.msg.split(':')[0]}) at output line {line}, column {col}: {snippet!r}",
            where=template,
            hint="check that every <tag> in the template is closed, and that text is printed with {{ }}",
        ) from None
    if root.tag != "document":
        raise TemplateError(f"the output starts with <{root.tag}>", where=template, hint="wrap the template in <document> … </document>")
    return root


class Heading(Para):
    """A paragraph that also adds a bookmark (PDF outline entry)."""

    def __init__(self, text: str, style: object, key: str, outline: str, level: int) -> None:
        Para.__init__(self, text, style)
        self._key = key
        self._outline = outline
        self._level = level

    def draw(self) -> None:
        Paragraph.draw(self)
        canv = self.canv
        canv.bookmarkPage(self._key)
        canv.addOutlineEntry(self._outline, self._key, level=self._level, closed=False)


class Builder:
    """Turns one parsed document into a list of flowables for a frame of ``width`` points."""

    def __init__(self, theme: Theme, width: float, template: str, pictures: Mapping[str, Picture] | None = None) -> None:
        self.theme = theme
        self.width = width
        self.template = template
        #: picture files the topic names, by ``src``; ``None``: checking only, no file is read
        self.pictures = pictures
        self.styles = theme.styles
        self._alert = 0
        self._item_styles: dict[tuple[str, str, bool, bool], ParagraphStyle] = {}

    # -- entry point -------------------------------------------------------
    def story(self, root: ET.Element) -> list[Flowable]:
        """The flowables, each tagged with the title of the section it belongs to."""
        story = self.children(root, self.width)
        current = ""
        for f in story:
            current = _section_title(f) or current
            f.section_title = current
        return story

    def children(self, el: ET.Element, width: float) -> list[Flowable]:
        return glue(self._children(el, width), width, self.styles["body"].leading)

    def _children(self, el: ET.Element, width: float) -> list[Flowable]:
        out: list[Flowable] = []
        if (el.text or "").strip():
            self.fail(el, f"text directly inside <{el.tag}>", "put text in <p>, <li> or a heading")
        for child in el:
            handler = BLOCKS.get(child.tag)
            if handler is None:
                self.fail(child, f"<{child.tag}> is not a layout element here", f"use one of: {', '.join(sorted(BLOCKS))}")
            self.check_attrs(child)
            out.extend(handler(self, child, width))
            tail = (child.tail or "").strip()
            if tail:
                self.fail(el, f"text '{tail[:30]}' outside any element", "put text in <p>")
        return out

    # -- helpers -------------------------------------------------------------
    def fail(self, el: ET.Element, message: str, hint: str = "") -> NoReturn:
        raise TemplateError(message, where=self.template, hint=hint)

    def check_attrs(self, el: ET.Element) -> None:
        allowed = ATTRIBUTES.get(el.tag, set())
        for name in el.attrib:
            if name not in allowed:
                self.fail(el, f"<{el.tag}> has no attribute '{name}'", f"allowed: {', '.join(sorted(allowed)) or 'none'}")

    def style(self, el: ET.Element, default: str) -> object:
        name = el.get("style", default)
        if name not in self.styles or name.startswith("dose-"):
            self.fail(el, f"'{name}' is not a paragraph style", f"use one of: {', '.join(s for s in self.styles if not s.startswith('dose-'))}")
        return self.styles[name]

    def inline(self, el: ET.Element) -> str:
        """The element's content as ReportLab paragraph markup, every text escaped."""
        parts = [escape(el.text or "")]
        for child in el:
            if child.tag not in INLINE_TAGS:
                self.fail(child, f"<{child.tag}> is not allowed inside <{el.tag}>", "inside text use only <b>, <i>, <br/> and <a href>")
            if child.tag == "br":
                parts.append("<br/>")
            elif child.tag == "a":
                href = (child.get("href") or "").strip()
                inner = self.inline(child)
                scheme = href.split(":", 1)[0].lower() if ":" in href else ""
                if scheme in LINK_SCHEMES and not re.search(r"[\s<>\"]", href):
                    parts.append(f'<a href={quoteattr(href)} color="#{self.theme.text.hexval()[2:]}">{inner}</a>')
                else:
                    parts.append(inner)
            else:
                tag = "b" if child.tag == "i" and self.theme.large else child.tag  # large print: bold, never italic
                parts.append(f"<{tag}>{self.inline(child)}</{tag}>")
            parts.append(escape(child.tail or ""))
        return " ".join("".join(parts).split())

    def item_style(self, base: str, kind: str, last: bool = False) -> ParagraphStyle:
        """A list-item style: hanging indent, bullet or number in the brand colour."""
        alert = self._alert > 0
        key = (base, kind, last, alert)
        if key not in self._item_styles:
            parent = self.styles[base]
            size = self.theme.body_size
            fonts = self.theme.fonts
            indent = {"bullets": 1.3, "numbers": 1.8, "steps": 1.6}[kind] * size
            extra = {"spaceAfter": parent.spaceAfter + size * 0.4} if last else {}
            self._item_styles[key] = ParagraphStyle(
                f"{base}:{kind}",
                parent=parent,
                leftIndent=indent,
                bulletIndent=0,
                bulletFontName=fonts.regular if kind == "bullets" else fonts.bold,
                bulletFontSize=parent.fontSize * (1.05 if kind == "steps" and not self.theme.large else 1.0),
                bulletColor=self.theme.alert if alert else self.theme.text,
                **extra,
            )
        return self._item_styles[key]

    def paragraph(self, el: ET.Element, default: str) -> Paragraph:
        return Para(self.inline(el), self.style(el, default))


def _section_title(f: Flowable) -> str:
    """The section a flowable starts, if it starts one (a heading, or a group or box led by one)."""
    if isinstance(f, Heading):
        return f._outline
    if isinstance(f, Group):
        return next((c._outline for c in f.content if isinstance(c, Heading)), "")
    return str(getattr(f, "starts_section", ""))


def _leads_in(f: Flowable) -> bool:
    """A heading, or a paragraph ending in ':' that introduces what follows."""
    if isinstance(f, Paragraph):
        return getattr(f, "lead_in", False) or f.getPlainText().rstrip().endswith(":")
    return False


def _intro(f: Flowable) -> bool:
    """A plain paragraph (not a list item) that may introduce a routine after a heading."""
    return isinstance(f, Paragraph) and not f.bulletText and not _leads_in(f)


#: at least this many body lines of a block must fit under its heading
MIN_LINES_AFTER_HEADING = 3
#: a heading's introduction of at most this many lines stays with the routine after it
MAX_INTRO_LINES = 8


def glue(flowables: list[Flowable], width: float, line: float) -> list[Flowable]:
    """Keep headings and lead-in lines on the same page as what they introduce.

    Before a group (a routine, a box), the headings and a short introduction
    join the group, so they move, and split, with it. Before a block that can
    split (a list, a paragraph), a conditional page break asks for room for the
    heading plus its first few lines (*line* is the body text's line height).
    """
    out: list[Flowable] = []
    i, n = 0, len(flowables)
    while i < n:
        if not _leads_in(flowables[i]):
            out.append(flowables[i])
            i += 1
            continue
        j = i
        while j < n and _leads_in(flowables[j]):
            j += 1
        pending = flowables[i:j]
        k, intro_h = j, 0.0  # the short paragraphs after the headings
        while k < n and _intro(flowables[k]) and intro_h + height(flowables[k], width) <= MAX_INTRO_LINES * line:
            intro_h += height(flowables[k], width)
            k += 1
        nxt = flowables[k] if k < n else None
        if isinstance(nxt, Group) and _deeper(nxt.content[0], pending):
            out.append(Group([*pending, *flowables[j:k], *nxt.content], nxt.continued))
            i = k + 1
            continue
        if j == n:
            out.extend(pending)
            break
        f = flowables[j]
        need = sum(height(p, width) + p.getSpaceAfter() for p in pending)
        # a block that splits needs room for its first lines only (a list: its first two items)
        if getattr(f, "first_items", False):
            firsts = [g for g in flowables[j : j + 2] if getattr(g, "first_items", False)]
            need += sum(height(g, width) + g.getSpaceAfter() for g in firsts)
        else:
            need += MIN_LINES_AFTER_HEADING * line if _splits(f) else height(f, width)
        out.extend([CondPageBreak(need), *pending, f])
        i = j + 1
    return out


def _deeper(first: Flowable, pending: list[Flowable]) -> bool:
    """Whether a group starting with *first* belongs under the *pending* headings (not a section of its own)."""
    if not getattr(first, "lead_in", False):
        return True
    return int(getattr(first, "level", 9)) > min(int(getattr(p, "level", 9)) for p in pending)


def _splits(f: Flowable) -> bool:
    return isinstance(f, (Paragraph, TwoColumns)) or (isinstance(f, Table) and len(f._cellvalues) > 1)


# -- element handlers -------------------------------------------------------

Handler = Callable[[Builder, ET.Element, float], list[Flowable]]


def _text(style: str) -> Handler:
    def handle(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
        return [b.paragraph(el, style)]

    return handle


def _heading(level: int) -> Handler:
    tag = f"h{level}"

    def handle(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
        style = b.style(el, tag)
        if b._alert and level == 2:
            style = ParagraphStyle(f"{tag}-alert", parent=style, textColor=b.theme.alert, spaceBefore=0)
        text = b.inline(el)
        if level == 2 and el.get("id"):
            outline = " ".join(re.sub(r"<[^>]+>", "", "".join(el.itertext())).split())
            para: Paragraph = Heading(text, style, key=f"s-{el.get('id')}", outline=outline, level=0)
        else:
            para = Para(text, style)
        para.lead_in = True
        para.level = level
        return [para]

    return handle


def _list(ordered: bool) -> Handler:
    def handle(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
        items = list(el)
        for li in items:
            if li.tag != "li":
                b.fail(li, f"<{li.tag}> inside a list", "a list holds only <li> items")
            b.check_attrs(li)
        if not items:
            return []
        columns = el.get("columns", "1")
        if columns not in ("1", "2"):
            b.fail(el, f"columns='{columns}'", "use columns=\"1\" or columns=\"2\"")
        style_name = el.get("style")
        steps = style_name == "steps"
        if style_name and not steps:
            b.style(el, "li")  # checks the style name
        base = style_name if style_name and not steps else "li"
        kind = "steps" if steps else "numbers" if ordered else "bullets"
        taken = [_take_figure(li) for li in items]
        pictures = [fig for fig, _ in taken]
        texts = [b.inline(li) for _, li in taken]
        marks = [(f"{n}" if steps else f"{n}.") if ordered else "\u2022" for n in range(1, len(items) + 1)]
        if columns == "2" and len(items) > 1 and not b.theme.one_column:
            if any(p is not None for p in pictures):
                b.fail(el, "a list in two columns cannot hold pictures", "use columns=\"1\" for steps with pictures")
            style = b.item_style(base, kind)
            cells = [Para(t, style, bulletText=m) for t, m in zip(texts, marks, strict=True)]
            return [TwoColumns(cells, gap=b.theme.body_size, space_after=b.theme.body_size * 0.4)]
        last = len(items) - 1
        paras: list[Flowable] = [
            Para(t, b.item_style(base, kind, last=i == last), bulletText=m)
            for i, (t, m) in enumerate(zip(texts, marks, strict=True))
        ]
        for p in paras[:2]:
            p.first_items = True  # a list that splits keeps at least its first two items together
        if steps:  # a routine may go on to the next page before its third step or a later one (never before its dose)
            for p in paras[2:]:
                may_break_before(p)
        if any(p is not None for p in pictures):
            from handout.layout import pictures as figures

            return figures.beside_steps(b, paras, pictures, width)
        return paras

    return handle


def _box(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    kind = el.get("style", "note")
    palettes = {
        "summary": (b.theme.primary_tint, b.theme.primary),
        "note": (b.theme.accent_tint, b.theme.accent),
        "alert": (b.theme.alert_tint, b.theme.alert),
    }
    if kind not in palettes:
        b.fail(el, f"'{kind}' is not a box style", f"use one of: {', '.join(palettes)}")
    fill, bar = palettes[kind]
    pad = b.theme.body_size * 0.75
    inner_w = width - 2 * pad - 4
    if kind == "alert":
        b._alert += 1
    try:
        content = b._children(el, inner_w)  # no glue: the box splits only where marked below
    finally:
        if kind == "alert":
            b._alert -= 1
    if not content:
        return []
    for prev, f in zip(content, content[1:]):  # a long box may split between its blocks and list items
        if not _leads_in(prev):
            may_break_before(f)
    panel = Panel(fill, bar, b.theme.alert if kind == "alert" else None, (pad + 4, pad, pad * 0.8, pad * 0.4),
                  b.theme.body_size * 0.6, b.theme.body_size * 0.8)
    continues = Para(CONTINUES_LARGE if b.theme.large else f"<i>{CONTINUES}</i>", b.styles["small"])
    box = Box(content, panel, continued_heading(content, b.theme.fonts.regular, MUTED_HEX, b.theme.styles["h4"].fontSize, 0.9 if b.theme.large else 0.8), continues)
    box.starts_section = next((_section_title(c) for c in content if _section_title(c)), "")
    return [box]


def _keep(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    # no glue inside: the whole group stays together anyway
    content = b._children(el, width)
    if not content:
        return []
    return [Group(content, continued_heading(content, b.theme.fonts.regular, MUTED_HEX, b.theme.styles["h4"].fontSize, 0.9 if b.theme.large else 0.8))]


def _dose(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    if b.theme.large:
        return _dose_large(b, el, width)
    cells: list[list[Flowable]] = []
    for item in el:
        if item.tag != "item":
            b.fail(item, f"<{item.tag}> inside <dose>", "a dose holds only <item label=\"…\">value</item>")
        b.check_attrs(item)
        label = escape(item.get("label", "").upper())
        mark = item.get("mark", "").strip()
        if mark:  # a value set for this client: a small dark tag beside the label
            label += f' <font backColor="#{b.theme.primary.hexval()[2:]}" color="#FFFFFF">\u00a0{escape(mark.upper())}\u00a0</font>'
        cells.append([Para(label, b.styles["dose-label"]), Para(b.inline(item), b.styles["dose-value"])])
    if not cells:
        return []
    per_row = min(len(cells), 4 if width >= 400 else 2)
    rows: list[list[list[Flowable]]] = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    note = " ".join(el.get("note", "").split())
    note_para = Para(escape(note), b.styles["dose-note"]) if note else None
    if note_para is not None and len(rows[-1]) < per_row:  # whose dose this is: in the free cell of the last row
        rows[-1].append([note_para])
        note_para = None
    box = DoseBox(rows, per_row, note_para, fill=b.theme.accent_tint, accent=b.theme.accent)  # … or on a line of its own
    box.spaceBefore = 2
    box.spaceAfter = b.theme.body_size * 0.3
    return [box]


def _log(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    from handout.layout import ticklog

    return ticklog.element(b, el, width)


def _dose_large(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    """The dose in large print: one value a line ("Hold: 30 seconds"), between two accent rules, on white."""
    rows: list[list[Any]] = []
    for item in el:
        if item.tag != "item":
            b.fail(item, f"<{item.tag}> inside <dose>", "a dose holds only <item label=\"…\">value</item>")
        b.check_attrs(item)
        mark = item.get("mark", "").strip()
        text = f"<b>{escape(item.get('label', ''))}:</b> {b.inline(item)}" + (f" <b>({escape(mark)})</b>" if mark else "")
        rows.append([Para(text, b.styles["body"])])
    note = " ".join(el.get("note", "").split())
    if note:
        rows.append([Para(escape(note), b.styles["dose-note"])])
    if not rows:
        return []
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("LINEABOVE", (0, 0), (-1, 0), 2, b.theme.accent),
        ("LINEBELOW", (0, -1), (-1, -1), 1, b.theme.accent),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 6),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
    ]))
    table.spaceBefore = 4
    table.spaceAfter = b.theme.body_size * 0.3
    return [table]


def _qr(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    from handout.layout import qr

    href = el.get("href", "")
    if not href.startswith("https://") or len(href) > 300 or any(c.isspace() for c in href):
        b.fail(el, f"<qr href='{href[:60]}'> is not an https:// address", "QR codes may only point to https:// addresses (at most 300 characters)")
    try:
        size = float(el.get("size", str(qr.DEFAULT_SIZE / qr.mm))) * qr.mm
    except ValueError:
        size = -1
    if not qr.MIN_SIZE <= size <= 80 * qr.mm:
        b.fail(el, f"<qr size='{el.get('size')}'>", "give the size in millimetres, from 20 to 80")
    label = el.get("label", "")
    caption = el.get("caption", "under")
    if caption not in ("under", "side"):
        b.fail(el, f"<qr caption='{caption}'>", "use caption=\"under\" or caption=\"side\"")
    if caption == "side":  # a compact row: the code, and its label and address to its right
        row = qr.QRCode(href, qr.caption_style(b.styles["small"]), size=size, label=label, side=True)
        row.spaceBefore = 2
        row.spaceAfter = b.theme.body_size * 0.5
        return [*b._children(el, width), row]
    if len(el):  # blocks beside the code (a routine's dose and stop rule), or above it in a narrow column
        left = 0.0 if getattr(b.theme, "one_column", False) else qr.beside_width(width, size)
        content = b._children(el, left or width)
        if left and content:
            code = qr.QRCode(href, qr.caption_style(b.styles["small"]), size=size, label=label, caption_width=qr.BESIDE_WIDTH)
            return [qr.Beside(content, code, left)]
        code = qr.QRCode(href, qr.caption_style(b.styles["small"]), size=size, label=label, caption_width=width)
        code.spaceBefore = 4
        code.spaceAfter = 6
        return [*content, code]  # centred across the column
    code = qr.QRCode(href, qr.caption_style(b.styles["small"]), size=size, label=label)
    code.spaceBefore = 4
    code.spaceAfter = 6
    return [code]


STOP_LEAD = re.compile(r"^(stop(?: if| and| now)?)\b", re.IGNORECASE)


def _stop(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    """A stop rule: a warning mark and the sentence on a tinted line; its first words in bold."""
    text = b.inline(el)
    if not text:
        return []
    text = STOP_LEAD.sub(r"<b>\1</b>", text, count=1)
    style = b.style(el, "stop")
    assert isinstance(style, ParagraphStyle)
    size = b.theme.body_size
    mark = WarningMark(size * 0.95, b.theme.alert)
    line = MarkedLine(mark, Para(text, style), fill=colors.white if b.theme.large else b.theme.alert_tint, bar=b.theme.alert,
                      mark_cell=mark.width + size * 0.55, mark_left=size * 0.4, mark_top=size * 0.3 + (style.leading - size) / 2 + size * 0.02,
                      pad=size * 0.3, right=size * 0.4)
    line.spaceBefore = style.spaceBefore
    line.spaceAfter = style.spaceAfter
    return [line]


def _spacer(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    try:
        height = float(el.get("height", "6"))
    except ValueError:
        height = -1
    if not 0 <= height <= 200:
        b.fail(el, f"<spacer height='{el.get('height')}'>", "use a height from 0 to 200 points")
    return [Spacer(1, height)]


def _rule(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    return [HRFlowable(width="100%", thickness=1, color=b.theme.primary, spaceBefore=4, spaceAfter=6)]


def _pagebreak(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    if el.get("if-less-than"):
        try:
            return [CondPageBreak(float(el.get("if-less-than", "0")))]
        except ValueError:
            b.fail(el, "if-less-than must be a number of points")
    return [PageBreak()]


def _take_figure(li: ET.Element) -> tuple[ET.Element | None, ET.Element]:
    """A list item's picture, and the item without it (the parsed markup is left as it is)."""
    if li.find("figure") is None:
        return None, li
    from handout.layout import pictures

    return pictures.take(li)


def _figure(b: Builder, el: ET.Element, width: float) -> list[Flowable]:
    from handout.layout import pictures

    return pictures.handle(b, el, width)


BLOCKS: dict[str, Handler] = {
    "title": _text("title"),
    "subtitle": _text("subtitle"),
    "h2": _heading(2),
    "h3": _heading(3),
    "h4": _heading(4),
    "p": _text("body"),
    "ul": _list(False),
    "ol": _list(True),
    "box": _box,
    "keep": _keep,
    "dose": _dose,
    "stop": _stop,
    "spacer": _spacer,
    "qr": _qr,
    "log": _log,
    "figure": _figure,
    "rule": _rule,
    "pagebreak": _pagebreak,
}

ATTRIBUTES: dict[str, set[str]] = {
    "title": {"style"},
    "subtitle": {"style"},
    "h2": {"id", "style"},
    "h3": {"style"},
    "h4": {"style"},
    "p": {"style"},
    "ul": {"columns", "style"},
    "ol": {"columns", "style"},
    "li": set(),
    "box": {"style"},
    "keep": set(),
    "dose": {"note"},
    "stop": {"style"},
    "item": {"label", "mark"},
    "spacer": {"height"},
    "qr": {"href", "label", "size", "caption"},
    "log": {"days", "fit", "day", "done", "pain", "notes", "start", "rest"},
    "entry": {"sessions", "every-other-day"},
    "figure": {"name", "src", "alt", "width", "fill"},
    "rule": set(),
    "pagebreak": {"if-less-than"},
}


def register(tag: str, handler: Handler, attributes: Iterable[str] = (), children: Mapping[str, Iterable[str]] | None = None) -> None:
    """Make ``<tag>`` a layout element drawn by *handler*, with the *attributes* it accepts.

    *children* names the attributes of child elements the handler reads itself
    (like ``<item>`` inside ``<dose>``). Registering a tag again replaces it.
    """
    BLOCKS[tag] = handler
    ATTRIBUTES[tag] = set(attributes)
    for child, names in (children or {}).items():
        ATTRIBUTES[child] = set(names)
