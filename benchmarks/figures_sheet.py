"""Contact sheet of the built-in figures: each at card size (1.5 in) and 3 in wide,
in colour and greyscale, with time and PDF bytes per figure.

    .venv/bin/python benchmarks/figures_sheet.py [OUT_DIR] [--only NAME,...]

Writes OUT_DIR/figures.pdf, figures.png (colour) and figures-grey.png, one PNG
per figure at card size and 300 dpi, colour beside greyscale (``NAME.png``),
and prints the time to build and draw each figure and the bytes it adds to a PDF.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from handout.layout.figures import BUILTIN_FIGURES, figure
from handout.layout.figures.flowable import flat

INK = HexColor("#1F5F7A")
ACCENT = HexColor("#E0A526")


def pdf_bytes(name: str, width: float) -> int:
    """The bytes a figure adds to a one-page PDF."""
    def doc(with_figure: bool) -> int:
        buf = io.BytesIO()
        c = Canvas(buf, pagesize=(300, 300), invariant=1)
        if with_figure:
            f = figure(name, width, ink=INK, accent=ACCENT)
            f.wrapOn(c, width, 300)
            f.drawOn(c, 10, 10)
        c.showPage()
        c.save()
        return len(buf.getvalue())
    return doc(True) - doc(False)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "/tmp/figures")
    only = None
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1].split(",")
    out.mkdir(parents=True, exist_ok=True)
    names = [n for n in BUILTIN_FIGURES if only is None or n in only]
    import pypdfium2 as pdfium  # noqa: PLC0415

    # timing: first build (scene + flatten) and a draw
    print(f"{'figure':24} {'build ms':>9} {'draw ms':>8} {'PDF bytes':>10}")
    for name in names:
        flat.cache_clear()
        t = time.perf_counter()
        flat(name)
        build = (time.perf_counter() - t) * 1000
        c = Canvas(io.BytesIO(), invariant=1)
        t = time.perf_counter()
        f = figure(name, 216, ink=INK, accent=ACCENT)
        f.wrapOn(c, 216, 300)
        f.drawOn(c, 0, 0)
        draw = (time.perf_counter() - t) * 1000
        print(f"{name:24} {build:9.1f} {draw:8.1f} {pdf_bytes(name, 108):10d}")

    # the sheet: one row per figure, at card size (1.5 in) and at 3 in
    W = 20 + 108 + 20 + 216 + 20
    rows = []
    for name in names:
        f1 = figure(name, 108, ink=INK, accent=ACCENT)
        f2 = figure(name, 216, ink=INK, accent=ACCENT)
        rows.append((name, f1, f2, max(f1.height, f2.height)))
    H = sum(r[3] + 34 for r in rows) + 10
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(W, H), invariant=1)
    y = H - 10
    for name, f1, f2, h in rows:
        y -= 14
        c.setFont("Helvetica", 8)
        c.drawString(20, y, name)
        y -= h + 4
        c.setStrokeColor(HexColor("#DDDDDD"))
        c.setLineWidth(0.3)
        c.rect(20, y + h - f1.height, 108, f1.height)
        c.rect(148, y, 216, f2.height)
        f1.drawOn(c, 20, y + h - f1.height)
        f2.drawOn(c, 148, y)
        y -= 16
    c.showPage()
    c.save()
    (out / "figures.pdf").write_bytes(buf.getvalue())
    pdf = pdfium.PdfDocument(buf.getvalue())
    img = pdf[0].render(scale=144 / 72).to_pil()
    img.save(out / "figures.png")
    img.convert("L").save(out / "figures-grey.png")
    # card size at print resolution and greyscale, side by side, per figure
    for name, f1, _, _ in rows:
        b2 = io.BytesIO()
        c2 = Canvas(b2, pagesize=(108 * 2 + 30, f1.height + 20), invariant=1)
        f1.drawOn(c2, 10, 10)
        f1.drawOn(c2, 128, 10)
        c2.showPage()
        c2.save()
        page = pdfium.PdfDocument(b2.getvalue())[0]
        im = page.render(scale=300 / 72).to_pil()
        half = im.width // 2
        right = im.crop((half, 0, im.width, im.height)).convert("L").convert("RGB")
        im.paste(right, (half, 0))
        im.save(out / f"{name}.png")


if __name__ == "__main__":
    main()
