"""The built-in exercise pictures: drawn as vectors, small, deterministic, and readable in greyscale."""

from __future__ import annotations

import io
import time

import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.colors import HexColor
from reportlab.pdfgen.canvas import Canvas

from handout.layout.figures import BUILTIN_FIGURES, figure
from handout.layout.figures.flowable import flat
from handout.layout.figures.geometry import Camera
from handout.layout.figures.render import flatten, paint
from handout.layout.figures.scene import Scene

INK = HexColor("#1F5F7A")  # the default brand's colours
ACCENT = HexColor("#E0A526")
NAMES = sorted(BUILTIN_FIGURES)
CARD = 108.0  # 1.5 in
PAD = 12.0
DPI = 300


def one_figure_pdf(name: str | None, width: float = CARD) -> tuple[bytes, float]:
    """A page holding just the figure (or nothing), and the figure's height."""
    buf = io.BytesIO()
    f = figure(name, width, ink=INK, accent=ACCENT) if name else None
    h = f.height if f else 100.0
    c = Canvas(buf, pagesize=(width + 2 * PAD, h + 2 * PAD), invariant=1)
    if f:
        f.wrapOn(c, width, h)
        f.drawOn(c, PAD, PAD)
    c.showPage()
    c.save()
    return buf.getvalue(), h


def render_grey(pdf: bytes) -> Image.Image:
    page = pdfium.PdfDocument(pdf)[0]
    return page.render(scale=DPI / 72).to_pil().convert("L")


def test_the_routines_have_figures() -> None:
    expected = {"ball-seated", "ball-lying", "side-stretch", "belly-dancer", "knee-to-chest", "pelvic-tilt", "bridge",
                "calf-stretch-wall", "plantar-fascia-stretch", "foot-roll"}
    assert expected <= set(BUILTIN_FIGURES)
    for spec in BUILTIN_FIGURES.values():
        assert 30 <= len(spec.alt) <= 250, spec.name
        assert spec.alt[0].isupper() and spec.alt.endswith("."), spec.name


@pytest.mark.parametrize("name", NAMES)
def test_vector_small_and_deterministic(name: str) -> None:
    pdf, _ = one_figure_pdf(name)
    empty, _ = one_figure_pdf(None)
    assert pdf == one_figure_pdf(name)[0], "the same figure must give the same bytes"
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    resources = page.get("/Resources") or {}
    assert "/XObject" not in resources, "a figure is drawn with vector paths, never an image"
    content = page.get_contents().get_data().decode("latin-1")
    assert content.count(" c\n") + content.count(" c ") > 20, "curves: limbs, head and torso are drawn as paths"
    added = len(pdf) - len(empty)
    assert added <= 6 * 1024, f"{name} adds {added} bytes to the PDF"


@pytest.mark.parametrize("name", NAMES)
def test_ink_fills_the_figure_box(name: str) -> None:
    pdf, h = one_figure_pdf(name)
    img = render_grey(pdf)
    k = DPI / 72
    dark = img.point(lambda v: 255 if v < 200 else 0)
    bbox = dark.getbbox()
    assert bbox is not None, "the figure is blank"
    x0, y0, x1, y1 = bbox
    # the picture spans its box (it is fitted, so one dimension is used fully)
    box_w, box_h = CARD * k, h * k
    assert (x1 - x0) >= 0.6 * box_w or (y1 - y0) >= 0.6 * box_h
    # and stays inside it
    assert x0 >= PAD * k - 3 and y0 >= PAD * k - 3
    assert x1 <= (PAD + CARD) * k + 3 and y1 <= (PAD + h) * k + 3
    share = sum(dark.histogram()[255:]) / (box_w * box_h)
    assert 0.05 <= share <= 0.6, f"{name}: {share:.0%} of the box is dark"


def _patch(img: Image.Image, x: float, y: float, r: int = 2) -> float:
    """The median grey of a small square around (x, y) in image pixels."""
    values = sorted(img.getpixel((int(x) + dx, int(y) + dy)) for dx in range(-r, r + 1) for dy in range(-r, r + 1))  # type: ignore[misc]
    return float(values[len(values) // 2])


@pytest.mark.parametrize("name", NAMES)
def test_ball_and_arrow_stand_out_in_greyscale(name: str) -> None:
    """On an office laser printer the accent turns grey: it must still differ from the body and the paper."""
    pdf, h = one_figure_pdf(name, 216)
    img = render_grey(pdf)
    k = DPI / 72
    fl = flat(name)
    marks = dict(fl.marks)

    def at(mark: str) -> float:
        x, y = fl.mark(mark, PAD, PAD, 216, h)
        return _patch(img, x * k, img.height - y * k)

    body = at("head")  # the head is always in the near colour and in front
    assert body < 140, f"{name}: the body prints dark ({body})"
    accents = [m for m in ("ball", "arrow") if m in marks]
    assert accents, f"{name} shows neither a ball nor a movement arrow"
    for mark in accents:
        grey = at(mark)
        assert grey - body >= 45, f"{name}: the {mark} ({grey}) is too close to the body ({body}) in greyscale"
        assert grey <= 225, f"{name}: the {mark} ({grey}) is too pale against white paper"


def test_every_prop_draws() -> None:
    s = Scene(Camera(azimuth=-20, elevation=15))
    s.mat(-100, 0, -30, 30)
    s.floor(0, 100)
    s.wall(100, -30, 30, 150)
    s.chair(40, 0)
    s.step(0, 30, 20, 60)
    s.towel((10, -20, 4), (10, 20, 4))
    s.bottle((60, -20, 4), (60, 10, 4))
    s.ball((70, 20, 3.4))
    s.arrow([(0, 0, 80), (30, 0, 80)], both=True)
    s.ring_arrow((0, 0, 100), (30, 0, 0), (0, 20, 0), 0, 300)
    fl = flatten(s.parts, s.marks)
    names = {p.name for p in fl.parts}
    assert {"mat", "floor", "wall", "seat", "step", "towel", "bottle", "ball", "arrow", "ring arrow"} <= names
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(240, 240), invariant=1)
    paint(c, fl, 10, 10, 220, 220, INK, ACCENT)
    c.showPage()
    c.save()
    img = render_grey(buf.getvalue())
    assert img.getextrema()[0] < 120


def test_fast_enough() -> None:
    """All figures built and drawn in well under a second (they are made per document)."""
    flat.cache_clear()
    t = time.perf_counter()
    for name in NAMES:
        one_figure_pdf(name)
    assert time.perf_counter() - t < 1.0


def test_unknown_name() -> None:
    with pytest.raises(KeyError):
        figure("headstand", CARD, ink=INK, accent=ACCENT)
