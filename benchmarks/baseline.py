"""The baseline: the same guide and card written as a plain ReportLab platypus script.

This is what a competent developer would write without handout: no templates, no
layout markup, no validation, Helvetica, the logo file drawn by path in the page
callback, a contact footer and a page number, bullets and numbered lists with
``ListFlowable``, the dose as a ``Table``, boxes as one-cell tables, routines kept
together, a CondPageBreak before each section heading. The text is the same as handout's: it comes from the parsed topic model
(already escaped, holding only ``<b>``/``<i>``), flattened to plain data by
:func:`snapshot` so that a cold run needs only ``json`` and ReportLab.

Usage (a cold process, as ``benchmarks/run.py`` times it)::

    python benchmarks/baseline.py --data snapshot.json -o guide.pdf [--card ROUTINE]
    python benchmarks/baseline.py --brand brand.toml -o guide.pdf   # loads the topic via handout
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import BalancedColumns

HALF_LETTER = (5.5 * inch, 8.5 * inch)
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
ALERT = colors.HexColor("#B3261E")
ALERT_TINT = colors.HexColor("#FCEEEE")


# -- content as plain data ------------------------------------------------------

def snapshot(topic: Any, brand: Any) -> dict[str, Any]:
    """The topic and brand as JSON-able plain data (strings already escaped for Paragraph)."""

    def routine(r: Any) -> dict[str, Any]:
        return {
            "id": r.id, "title": str(r.title), "purpose": str(r.purpose),
            "equipment": str(r.equipment) if r.equipment else "",
            "steps": [str(s) for s in r.steps], "dose": r.dose.items(), "stop_if": str(r.stop_if),
        }

    def block(b: Any) -> dict[str, Any]:
        if b.kind == "routine":
            return {"kind": "routine", "routine": b.routine.id}
        return {"kind": b.kind, "text": str(b.text or ""), "items": [str(i) for i in b.items]}

    return {
        "topic": {
            "title": str(topic.title), "subtitle": str(topic.subtitle or ""), "summary": str(topic.summary),
            "reviewed": f"{topic.reviewed:%B} {topic.reviewed.day}, {topic.reviewed.year}",
            "disclaimer": str(topic.disclaimer),
            "sources": [[str(s.title), s.url] for s in topic.sources],
            "routines": {rid: routine(r) for rid, r in topic.routines.items()},
            "intro": [block(b) for b in topic.intro],
            "sections": [{"title": str(s.title), "classes": list(s.classes), "blocks": [block(b) for b in s.blocks]}
                         for s in topic.sections],
        },
        "brand": {
            "name": brand.name, "tagline": brand.tagline,
            "contact": [c for c in [brand.practitioner, *brand.contact] if c],
            "logo": str(brand.logo) if brand.logo else "", "primary": brand.primary, "accent": brand.accent,
        },
    }


# -- styles ---------------------------------------------------------------------

def make_styles(primary: colors.Color, compact: bool = False) -> dict[str, ParagraphStyle]:
    lead = 1.22 if compact else 1.3
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=12 * lead, textColor=INK, spaceAfter=6)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName="Helvetica-Bold", fontSize=24, leading=28, textColor=primary, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=14, leading=18, textColor=MUTED, spaceAfter=10),
        "h2": ParagraphStyle("h2", body, fontName="Helvetica-Bold", fontSize=17, leading=21, textColor=primary, spaceBefore=12, spaceAfter=5),
        "h2alert": ParagraphStyle("h2alert", body, fontName="Helvetica-Bold", fontSize=17, leading=21, textColor=ALERT, spaceAfter=5),
        "h3": ParagraphStyle("h3", body, fontName="Helvetica-Bold", fontSize=14, leading=18, textColor=primary, spaceBefore=8, spaceAfter=3),
        "h4": ParagraphStyle("h4", body, fontName="Helvetica-Bold", fontSize=13, leading=17, spaceBefore=6, spaceAfter=2),
        "lead": ParagraphStyle("lead", body, fontSize=13, leading=17.5, spaceAfter=0),
        "purpose": ParagraphStyle("purpose", body, fontName="Helvetica-Oblique", textColor=MUTED),
        "li": ParagraphStyle("li", body, spaceAfter=3),
        "small": ParagraphStyle("small", body, fontSize=9.5, leading=12.5, textColor=MUTED),
        "sources": ParagraphStyle("sources", body, fontSize=10, leading=13, textColor=MUTED, spaceAfter=2),
        "label": ParagraphStyle("label", body, fontName="Helvetica-Bold", fontSize=8.5, leading=10, textColor=primary, spaceAfter=0),
        "value": ParagraphStyle("value", body, fontName="Helvetica-Bold", fontSize=12, leading=14.5, spaceAfter=0),
    }


def bullets(items: list[str], style: ParagraphStyle, primary: colors.Color) -> ListFlowable:
    return ListFlowable([ListItem(Paragraph(t, style)) for t in items], bulletType="bullet", start="\u2022",
                        bulletColor=primary, leftIndent=16, spaceAfter=5)


def numbers(items: list[str], style: ParagraphStyle, primary: colors.Color) -> ListFlowable:
    return ListFlowable([ListItem(Paragraph(t, style)) for t in items], bulletType="1", bulletFormat="%s.",
                        bulletFontName="Helvetica-Bold", bulletColor=primary, leftIndent=22, spaceAfter=5)


def dose_table(items: list[list[str]], width: float, st: dict[str, ParagraphStyle], accent: colors.Color) -> Table:
    per_row = 4 if width >= 400 else 2
    cells = [[Paragraph(label.upper(), st["label"]), Paragraph(value, st["value"])] for label, value in items]
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    for row in rows:
        row.extend([""] * (per_row - len(row)))
    t = Table(rows, colWidths=[width / per_row] * per_row)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.Color(1 - (1 - accent.red) * 0.22, 1 - (1 - accent.green) * 0.22, 1 - (1 - accent.blue) * 0.22)),
        ("LINEABOVE", (0, 0), (-1, 0), 2, accent),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    t.spaceAfter = 4
    return t


def routine_flowables(r: dict[str, Any], width: float, st: dict[str, ParagraphStyle], heading: str,
                      primary: colors.Color, accent: colors.Color) -> list[Any]:
    out: list[Any] = [Paragraph(r["title"], st[heading]), Paragraph(r["purpose"], st["purpose"])]
    if r["equipment"]:
        out.append(Paragraph(f"<b>You need:</b> {r['equipment']}", st["body"]))
    out.append(numbers(r["steps"], st["li"], primary))
    out.append(dose_table(r["dose"], width, st, accent))
    out.append(Paragraph(f"<b>Stop if:</b> {r['stop_if']}", st["body"]))
    return out


def box(content: list[Any], width: float, fill: colors.Color, bar: colors.Color, border: colors.Color | None = None) -> Table:
    t = Table([[content]], colWidths=[width])
    cmds: list[Any] = [("BACKGROUND", (0, 0), (-1, -1), fill), ("LINEBEFORE", (0, 0), (0, -1), 4, bar),
                       ("LEFTPADDING", (0, 0), (-1, -1), 11), ("RIGHTPADDING", (0, 0), (-1, -1), 9),
                       ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    if border is not None:
        cmds.append(("BOX", (0, 0), (-1, -1), 1.25, border))
    t.setStyle(TableStyle(cmds))
    t.spaceBefore, t.spaceAfter = 7, 10
    return t


# -- pages ----------------------------------------------------------------------

def page_decorator(brand: dict[str, Any], primary: colors.Color, logo_h: float, numbered: bool):
    contact = "  \u00b7  ".join(brand["contact"])

    def on_page(canvas: Any, doc: Any) -> None:
        w, h = doc.pagesize
        side = doc.leftMargin
        top = h - 0.5 * inch
        canvas.saveState()
        x = side
        if brand["logo"]:
            canvas.drawImage(brand["logo"], x, top - logo_h, width=logo_h * 3, height=logo_h,
                             preserveAspectRatio=True, anchor="w", mask="auto")
            x += logo_h * 3 + 8
        canvas.setFillColor(primary)
        canvas.setFont("Helvetica-Bold", 13 if numbered else 11)
        canvas.drawString(x, top - logo_h / 2 + 2, brand["name"])
        if brand["tagline"]:
            canvas.setFillColor(MUTED)
            canvas.setFont("Helvetica", 9)
            canvas.drawString(x, top - logo_h / 2 - 10, brand["tagline"])
        canvas.setStrokeColor(primary)
        canvas.setLineWidth(1.5)
        canvas.line(side, top - logo_h - 6, w - side, top - logo_h - 6)
        canvas.setLineWidth(0.6)
        canvas.line(side, 0.5 * inch + 24, w - side, 0.5 * inch + 24)
        canvas.setFillColor(MUTED)
        canvas.setFont("Helvetica", 8 if not numbered else 9)
        canvas.drawString(side, 0.5 * inch + 12, contact[:110])
        if numbered:
            canvas.drawRightString(w - side, 0.5 * inch + 12, f"Page {doc.page}")
        canvas.restoreState()

    return on_page


def document(out: Any, size: tuple[float, float], side: float, top: float, bottom: float, title: str,
             author: str, on_page: Any) -> BaseDocTemplate:
    doc = BaseDocTemplate(out, pagesize=size, leftMargin=side, rightMargin=side, topMargin=top,
                          bottomMargin=bottom, title=title, author=author)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    return doc


def guide(data: dict[str, Any], out: Any) -> None:
    """The full guide, letter paper, to *out* (a path or a file object)."""
    t, brand = data["topic"], data["brand"]
    primary, accent = colors.HexColor(brand["primary"]), colors.HexColor(brand["accent"])
    st = make_styles(primary)
    doc = document(out, letter, 0.75 * inch, 1.35 * inch, 1.0 * inch, t["title"], brand["name"],
                   page_decorator(brand, primary, 0.5 * inch, numbered=True))
    width = doc.width
    story: list[Any] = [Paragraph(t["title"], st["title"])]
    if t["subtitle"]:
        story.append(Paragraph(t["subtitle"], st["subtitle"]))
    story.append(box([Paragraph(t["summary"], st["lead"])], width, colors.Color(0.9, 0.94, 0.95), primary))

    def blocks(items: list[dict[str, Any]], w: float, two_columns: bool = False) -> list[Any]:
        out_: list[Any] = []
        for b in items:
            if b["kind"] == "paragraph":
                out_.append(Paragraph(b["text"], st["body"]))
            elif b["kind"] == "heading":
                out_.append(Paragraph(b["text"], st["h3"]))
            elif b["kind"] == "bullets" and two_columns:
                cells = [bullets([item], st["li"], primary) for item in b["items"]]  # one per item: balances evenly
                for c in cells:
                    c.spaceAfter = 3
                out_.append(BalancedColumns(cells, nCols=2, innerPadding=12, needed=48, spaceAfter=5))
            elif b["kind"] == "bullets":
                out_.append(bullets(b["items"], st["li"], primary))
            elif b["kind"] == "numbers":
                out_.append(numbers(b["items"], st["li"], primary))
            elif b["kind"] == "routine":
                r = t["routines"][b["routine"]]
                out_.append(KeepTogether(routine_flowables(r, w, st, "h4", primary, accent)))
        return out_

    story += blocks(t["intro"], width)
    for s in t["sections"]:
        if "alert" in s["classes"]:
            inner = [Paragraph(s["title"], st["h2alert"]), *blocks(s["blocks"], width - 24)]
            story.append(box(inner, width, ALERT_TINT, ALERT, ALERT))
        else:
            body = blocks(s["blocks"], width, "columns" in s["classes"])
            story += [CondPageBreak(0.85 * inch), Paragraph(s["title"], st["h2"])]  # no heading alone at a page foot
            story += body
    sources = [f'{title}: <a href="{url}">{url}</a>' for title, url in t["sources"]]
    story.append(KeepTogether([
        Paragraph("Sources", st["h2"]), bullets(sources, st["sources"], primary),
        Paragraph(f"Last reviewed {t['reviewed']}. {t['disclaimer']}", st["small"]),
    ]))
    doc.build(story)


def card(data: dict[str, Any], routine_id: str, out: Any, client: str = "", note: str = "") -> None:
    """One routine on a half-letter card, to *out*."""
    from xml.sax.saxutils import escape

    brand = data["brand"]
    r = data["topic"]["routines"][routine_id]
    primary, accent = colors.HexColor(brand["primary"]), colors.HexColor(brand["accent"])
    st = make_styles(primary, compact=True)
    doc = document(out, HALF_LETTER, 0.5 * inch, 1.0 * inch, 0.86 * inch, r["title"], brand["name"],
                   page_decorator(brand, primary, 0.32 * inch, numbered=False))
    story = routine_flowables(r, doc.width, st, "h2", primary, accent)
    if client or note:
        lines = [Paragraph(f"Prepared for <b>{escape(client)}</b>", st["body"])] if client else []
        if note:
            lines.append(Paragraph(f"<b>Note from your therapist:</b> {escape(note)}", st["body"]))
        story.insert(1, box(lines, doc.width, colors.Color(0.95, 0.9, 0.8), accent))
    doc.build(story)


def guide_bytes(data: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    guide(data, buf)
    return buf.getvalue()


def card_bytes(data: dict[str, Any], routine_id: str) -> bytes:
    buf = io.BytesIO()
    card(data, routine_id, buf)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, help="a JSON snapshot written by snapshot() (fast cold start)")
    ap.add_argument("--brand", type=Path, help="without --data: the brand.toml to load through handout")
    ap.add_argument("--topic", default="piriformis")
    ap.add_argument("--card", metavar="ROUTINE", help="make this routine's card instead of the guide")
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    if args.data:
        data = json.loads(args.data.read_text(encoding="utf-8"))
    else:
        from handout.load.brand import load_brand
        from handout.load.content import find_topic, load_topic, topic_dirs

        data = snapshot(load_topic(find_topic(args.topic, topic_dirs(None))), load_brand(args.brand))
    if args.card:
        card(data, args.card, str(args.output))
    else:
        guide(data, str(args.output))


if __name__ == "__main__":
    sys.exit(main())
