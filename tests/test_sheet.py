"""Cards several to a sheet: paper size, where each card lands, cut marks, two-sided backs, the test sheet.

Card boxes are read back from the sheet's page content (the matrix each card
form is drawn with, applied to the form's own box); marks and margins are
checked on the rendered page, as the person with the scissors sees them.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from pypdf.generic import ContentStream

from conftest import read_pdf, write_brand

MM = 72 / 25.4
LETTER = (612.0, 792.0)
A4 = (210 * MM, 297 * MM)
#: these routines fit on the front of every sheet card size
SHORT = "belly-dancer"


def boxes(page: pypdf.PageObject) -> list[tuple[float, float, float, float]]:
    """(x, y, w, h) of every form drawn on *page*: its /BBox through the matrix it is drawn with."""
    xobjects = page["/Resources"]["/XObject"]
    out = []
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack = []
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop()
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
        elif op == b"Do":
            form = xobjects[operands[0]].get_object()
            x0, y0, x1, y1 = (float(v) for v in form["/BBox"])
            a, b, c, d, e, f = ctm
            pts = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            out.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    return out


def marks(page: pypdf.PageObject) -> list[tuple[float, float]]:
    """Every point a line of the page's own content goes through (the cut marks)."""
    pts = []
    for operands, op in ContentStream(page.get_contents(), page.pdf).operations:
        if op in (b"m", b"l"):
            pts.append((float(operands[0]), float(operands[1])))
    return pts


def grey(data: bytes, index: int, dpi: int = 100):
    page = pdfium.PdfDocument(data)[index]
    return page.render(scale=dpi / 72).to_pil().convert("L")


def ink(img, x0: float, y0: float, x1: float, y1: float, dpi: int = 100, level: int = 200) -> int:
    """Dark pixels in the box (points, PDF coordinates: y up) of a rendered page."""
    s = dpi / 72
    h = img.height
    box = (max(0, int(x0 * s)), max(0, int(h - y1 * s)), min(img.width, int(x1 * s) + 1), min(h, int(h - y0 * s) + 1))
    crop = img.crop(box)
    return sum(1 for v in crop.getdata() if v < level)


def sheet(run, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "sheet.pdf"
    result = run("sheet", *args, "-o", out)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


@pytest.mark.parametrize(("paper", "per_sheet", "size"), [("letter", 2, LETTER), ("letter", 4, LETTER), ("a4", 2, A4), ("a4", 4, A4)])
def test_sheet_pages_are_the_paper_with_the_stated_number_of_cards(run, tmp_path: Path, paper: str, per_sheet: int, size) -> None:
    data = sheet(run, tmp_path, "piriformis", SHORT, "--paper", paper, "--per-sheet", str(per_sheet), "--copies", str(per_sheet + 1))
    facts = read_pdf(data)
    assert facts.pages == 2  # per_sheet + 1 cards: one full sheet, one started
    for w, h in facts.sizes:
        assert w == pytest.approx(size[0], abs=0.01) and h == pytest.approx(size[1], abs=0.01)
    reader = pypdf.PdfReader(io.BytesIO(data))
    first, second = boxes(reader.pages[0]), boxes(reader.pages[1])
    assert len(first) == per_sheet and len(second) == 1
    # the cards tile the sheet: none overlaps another, all lie on the paper, together they cover it
    W, H = size
    for x, y, w, h in first:
        assert x >= -0.01 and y >= -0.01 and x + w <= W + 0.01 and y + h <= H + 0.01
    for i, a in enumerate(first):
        for b in first[i + 1:]:
            overlap_w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
            overlap_h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            assert overlap_w <= 0.01 or overlap_h <= 0.01, (a, b)
    assert sum(w * h for _, _, w, h in first) == pytest.approx(W * H, rel=0.01)
    # each card is the size the sheet promises: half-letter/A5 or quarter-letter/A6 (turned or not)
    card = {("letter", 2): (5.5 * 72, 8.5 * 72), ("letter", 4): (4.25 * 72, 5.5 * 72),
            ("a4", 2): (148 * MM, 210 * MM), ("a4", 4): (105 * MM, 148 * MM)}[(paper, per_sheet)]
    for _, _, w, h in first:
        assert sorted((w, h)) == pytest.approx(sorted(card), abs=0.5)
    assert facts.texts[0].count("Belly dancer stretch") == per_sheet


@pytest.mark.parametrize(("paper", "per_sheet"), [("letter", 2), ("letter", 4), ("a4", 4)])
def test_cut_marks_keep_5_mm_from_the_edge_and_content_6_mm_from_the_cuts(run, tmp_path: Path, paper: str, per_sheet: int) -> None:
    data = sheet(run, tmp_path, "piriformis", SHORT, "side-stretch" if per_sheet == 2 else SHORT, "--paper", paper,
                 "--per-sheet", str(per_sheet), "--copies", "2")
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    W, H = float(page.mediabox.width), float(page.mediabox.height)
    pts = marks(page)
    assert pts, "no cut marks"
    for x, y in pts:
        assert min(x, y, W - x, H - y) >= 5 * MM - 0.01, (x, y)
    # the cuts are the shared edges of the card boxes; a mark lies on each end of each cut
    cards = boxes(page)
    cuts_y = sorted({round(y, 2) for _, y, _, _ in cards} & {round(y + h, 2) for _, y, _, h in cards})
    cuts_x = sorted({round(x, 2) for x, _, _, _ in cards} & {round(x + w, 2) for x, _, w, _ in cards})
    assert len(cuts_y) == 1 and len(cuts_x) == (1 if per_sheet == 4 else 0)
    for y in cuts_y:
        assert any(abs(py - y) < 0.01 and px < 12 * MM for px, py in pts)
        assert any(abs(py - y) < 0.01 and px > W - 12 * MM for px, py in pts)
    for x in cuts_x:
        assert any(abs(px - x) < 0.01 and py < 12 * MM for px, py in pts)
        assert any(abs(px - x) < 0.01 and py > H - 12 * MM for px, py in pts)
    # on the printed page: nothing within 5 mm of the paper's edge, nothing but the marks within 6 mm of a cut
    img = grey(data, 0)
    edge = 5 * MM - 2  # a pixel of anti-aliasing
    assert ink(img, 0, 0, W, edge) == 0 and ink(img, 0, H - edge, W, H) == 0
    assert ink(img, 0, 0, edge, H) == 0 and ink(img, W - edge, 0, W, H) == 0
    assert ink(img, 0, 0, W, H) > 1000  # the cards did print
    band = 6 * MM - 1.5  # a pixel of anti-aliasing
    clear = 11 * MM  # beyond the marks at the ends of each cut, and the cross where two cuts meet
    for y in cuts_y:
        for x0, x1 in _minus((clear, W - clear), [(x - 3 * MM, x + 3 * MM) for x in cuts_x]):
            assert ink(img, x0, y - band, x1, y + band) == 0, f"something printed within 6 mm of the cut at y={y:.0f}"
    for x in cuts_x:
        for y0, y1 in _minus((clear, H - clear), [(y - 3 * MM, y + 3 * MM) for y in cuts_y]):
            assert ink(img, x - band, y0, x + band, y1) == 0, f"something printed within 6 mm of the cut at x={x:.0f}"


def _minus(span: tuple[float, float], holes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out, start = [], span[0]
    for a, b in sorted(holes):
        if a > start:
            out.append((start, a))
        start = max(start, b)
    if start < span[1]:
        out.append((start, span[1]))
    return out


@pytest.mark.parametrize(("per_sheet", "offset"), [(2, (0.0, 0.0)), (4, (1.5, -2.0))])
def test_duplex_backs_mirror_their_fronts_and_take_the_back_offset(run, tmp_path: Path, per_sheet: int, offset) -> None:
    args = ["piriformis", SHORT, "--per-sheet", str(per_sheet), "--copies", str(per_sheet), "--duplex"]
    if per_sheet == 2:  # the clinic's full footer leaves a small card no room for this routine on its front
        write_brand(tmp_path / "clinic")
        args += ["--brand", str(tmp_path / "clinic" / "brand.toml")]
    if offset != (0.0, 0.0):
        args += ["--back-offset", f"{offset[0]}, {offset[1]}"]
    data = sheet(run, tmp_path, *args)
    facts = read_pdf(data)
    assert facts.pages == 2
    reader = pypdf.PdfReader(io.BytesIO(data))
    W = float(reader.pages[0].mediabox.width)
    fronts, backs = boxes(reader.pages[0]), boxes(reader.pages[1])
    assert len(fronts) == len(backs) == per_sheet
    dx, dy = offset[0] * MM, offset[1] * MM
    for (x, y, w, h), (bx, by, bw, bh) in zip(fronts, backs):
        assert bx == pytest.approx(W - x - w + dx, abs=0.5)
        assert by == pytest.approx(y + dy, abs=0.5)
        assert (bw, bh) == pytest.approx((w, h), abs=0.5)
    # the fronts are the routine, the backs the clinic: contact details, no cut marks
    assert facts.texts[0].count("Belly dancer stretch") == per_sheet
    assert facts.texts[1].count("Bring this card to your next visit") == per_sheet
    if per_sheet == 2:
        assert facts.texts[1].count("+1 555 010 0199") == per_sheet
    assert "Belly dancer" not in facts.texts[1]
    assert not marks(reader.pages[1])


def test_a_turned_card_has_its_back_upright_after_a_long_edge_flip(run, tmp_path: Path) -> None:
    """Two to a sheet the cards lie on their side: the front's top at the left, so the back's top is at the right."""
    data = sheet(run, tmp_path, "piriformis", SHORT, "--per-sheet", "2", "--duplex")
    reader = pypdf.PdfReader(io.BytesIO(data))
    W = float(reader.pages[0].mediabox.width)
    front = grey(data, 0)
    back = grey(data, 1)
    (x, y, w, h), = boxes(reader.pages[0])[:1]
    # the header (logo, clinic name and rule) sits at the card's top: the left third of the front box ...
    left = ink(front, x, y, x + w / 3, y + h)
    right = ink(front, x + 2 * w / 3, y, x + w, y + h)
    assert left > right
    # ... and on the back, at the right third of the mirrored box (the same edge of the paper)
    bx = W - x - w
    b_left = ink(back, bx, y, bx + w / 3, y + h)
    b_right = ink(back, bx + 2 * w / 3, y, bx + w, y + h)
    assert b_right > b_left


def test_client_names_and_notes_print_on_every_card(run, tmp_path: Path) -> None:
    data = sheet(run, tmp_path, "piriformis", SHORT, "side-stretch", "--client", "Sam Lee", "--note", "Gently at first")
    facts = read_pdf(data)
    assert facts.text.count("Sam Lee") == 2 and facts.text.count("Gently at first") == 2
    assert "Side stretch" in facts.text and "Belly dancer stretch" in facts.text


def test_copies_are_stored_once(run, tmp_path: Path) -> None:
    one = sheet(run, tmp_path, "piriformis", SHORT, "--per-sheet", "4", "--copies", "1")
    (tmp_path / "sheet.pdf").unlink()
    eight = sheet(run, tmp_path, "piriformis", SHORT, "--per-sheet", "4", "--copies", "8")
    assert read_pdf(eight).pages == 2
    assert len(eight) < len(one) * 1.3


def test_default_output_names(run, tmp_path: Path) -> None:
    assert run("sheet", "piriformis", SHORT).exit_code == 0
    assert (tmp_path / f"piriformis-{SHORT}-sheet.pdf").exists()
    assert run("sheet", "piriformis", SHORT, "side-stretch").exit_code == 0
    assert (tmp_path / "piriformis-sheet.pdf").exists()


def test_calibration_sheet_has_two_pages_and_the_numbered_grid(run, tmp_path: Path) -> None:
    data = sheet(run, tmp_path, "--calibrate", "--paper", "a4")
    facts = read_pdf(data)
    assert facts.pages == 2
    assert facts.sizes[0] == pytest.approx(A4, abs=0.01)
    assert "--back-offset" in facts.texts[0] and "long edge" in facts.texts[0]
    back = facts.texts[1]
    for k in range(-10, 11):
        label = "0" if k == 0 else f"{k:+d}".replace("-", "\u2212")
        assert back.count(label) >= 2, label  # each offset on both ladders
    # the grid: the back has 1 mm lines; the ladder's short lines step 1 mm at a time
    page = pypdf.PdfReader(io.BytesIO(data)).pages[1]
    ops = ContentStream(page.get_contents(), page.pdf).operations
    xs = sorted({round(float(o[0][0]), 2) for o in ops if o[1] == b"m"})
    steps = {round(b - a, 2) for a, b in zip(xs, xs[1:])}
    assert round(MM, 2) in steps


def test_bad_sheet_input_is_one_clear_line(run, tmp_path: Path) -> None:
    result = run("sheet", "piriformis", SHORT, "--back-offset", "two,1")
    assert result.exit_code != 0 and "1.5,-1" in result.output and "Traceback" not in result.output
    result = run("sheet", "piriformis", SHORT, "--back-offset", "30,0")
    assert result.exit_code != 0 and "--calibrate" in result.output
    result = run("sheet", "piriformis", SHORT, "--back-offset", "1,1")
    assert result.exit_code != 0 and "--duplex" in result.output
    result = run("sheet", "piriformis")
    assert result.exit_code != 0 and "routine" in result.output
    result = run("sheet", "piriformis", "side-strech")
    assert result.exit_code != 0 and "side-stretch" in result.output
    result = run("sheet", "piriformis", SHORT, "--calibrate")
    assert result.exit_code != 0
    assert not list(tmp_path.glob("*.pdf"))
