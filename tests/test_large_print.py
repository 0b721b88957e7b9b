"""Large print (--large-print): every character of text at 18 pt or more, headings at 20 pt or more
in bold, no italic font, one column, 1 in margins on pages; read back from the PDF's text objects."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from conftest import read_pdf, write_brand

INCH = 72.0


@dataclass
class Run:
    text: str
    size: float
    font: str


def text_runs(pdf: bytes) -> list[list[Run]]:
    """Per page, each piece of text shown, with its size on the page (Tf times the text and
    graphics matrices' scale) and the name of the font it is shown in."""
    pages: list[list[Run]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        runs: list[Run] = []

        def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float, runs: list[Run] = runs) -> None:
            if not text.strip():
                return
            scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append(Run(text, size * scale, name))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def fonts_used(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont", "")))
    return names


def char_boxes(pdf: bytes) -> list[tuple[tuple[float, float], list[tuple[str, float, float, float, float]]]]:
    """Per page: its size, and each printed character with its box (left, bottom, right, top)."""
    out = []
    for page in pdfium.PdfDocument(pdf):
        tp = page.get_textpage()
        chars = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if ch.strip():
                chars.append((ch, *tp.get_charbox(i, loose=True)))
        out.append((page.get_size(), chars))
    return out


def assert_large_print(pdf: bytes, margin: float) -> None:
    pages = text_runs(pdf)
    assert pages and all(pages)
    for n, runs in enumerate(pages, start=1):
        small = [(r.text, round(r.size, 1)) for r in runs if r.size < 18 - 0.01]
        assert not small, f"page {n}: text under 18 pt: {small[:5]}"
        headings = [r for r in runs if r.size > 18.5]
        for r in headings:  # anything larger than the body is a heading: bold, 20 pt or more
            assert r.size >= 20 - 0.01 and "Bold" in r.font, f"page {n}: heading {r.text!r} at {r.size:.1f} pt in {r.font}"
    assert not [f for f in fonts_used(pdf) if re.search("italic|oblique", f, re.I)]
    for n, ((w, h), chars) in enumerate(char_boxes(pdf), start=1):
        for ch, left, bottom, right, top in chars:
            assert left >= margin - 0.5 and right <= w - margin + 0.5, f"page {n}: {ch!r} at x {left:.0f}-{right:.0f}, in the margin"
            assert bottom >= margin - 4 and top <= h - margin + 4, f"page {n}: {ch!r} at y {bottom:.0f}-{top:.0f}, in the margin"


def assert_one_column(pdf: bytes, body: float = 18.0) -> None:
    """On every line of text (characters sharing a baseline), no gap wider than three body widths:
    nothing stands side by side. The footer (contact details, and the page number at the right of
    its first line) is left out: everything from the line of "Page N of M" down, or on a card the
    lines under the routine's last text."""
    for n, ((_w, _h), chars) in enumerate(char_boxes(pdf), start=1):
        text = "".join(c[0] for c in chars)
        if "Startdate" in text or "practicelog" in text:  # the tick-log: a grid of tick boxes is a table, not text set in columns
            continue
        label = re.search(r"Page\d+of\d+", text)
        footer_top = chars[label.start()][2] + 1 if label else -1.0
        lines: dict[int, list[tuple[float, float]]] = {}
        for _ch, left, bottom, right, _top in chars:
            if bottom <= footer_top:
                continue
            lines.setdefault(round(bottom / 4), []).append((left, right))
        for key, boxes in lines.items():
            boxes.sort()
            gaps = [b[0] - a[1] for a, b in zip(boxes, boxes[1:])]
            assert max(gaps, default=0) < 3 * body, f"page {n}: two columns on the line at y={key * 4}: gap {max(gaps):.0f} pt"


@pytest.fixture(scope="module")
def large_guide(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from handout.build import Request, render

    brand = write_brand(tmp_path_factory.mktemp("lp-clinic"))
    return render(Request("guide", "piriformis", brand_file=brand, large_print=True))


def test_large_print_guide_text_sizes_fonts_and_margins(large_guide: bytes) -> None:
    assert_large_print(large_guide, margin=1 * INCH)


def test_large_print_guide_is_one_column(large_guide: bytes) -> None:
    assert_one_column(large_guide)


def test_large_print_guide_has_the_same_content(large_guide: bytes, tmp_path: Path) -> None:
    from handout.build import Request, render

    brand = write_brand(tmp_path / "clinic")
    standard = read_pdf(render(Request("guide", "piriformis", brand_file=brand))).text
    large = read_pdf(large_guide)
    text = large.text.replace(" (continued)", "")
    for needle in ("Common symptoms", "Get help now", "Side stretch", "Belly dancer stretch", "Sources", "Last reviewed"):
        assert needle in standard and needle in text
    # every word of the standard guide before its sources is in the large-print one (web addresses
    # break over lines at other places)
    words = lambda t: set(re.findall(r"[a-z]{4,}", t.rsplit(" Sources ", 1)[0].lower()))  # noqa: E731
    missing = words(standard) - words(large.text) - {"continues", "next"}
    assert not missing, missing
    assert large.pages > 6


def test_large_print_uses_the_embedded_large_print_face(large_guide: bytes) -> None:
    shown = {r.font for page in text_runs(large_guide) for r in page}
    # every text in Atkinson Hyperlegible, regular or bold, embedded as a subset (a tag of six capitals before the name)
    assert shown == {f for f in shown if re.match(r"^/[A-Z]{6}\+AtkinsonHyperlegible-(Regular|Bold)$", f)}
    assert len(shown) == 2


@pytest.mark.parametrize(("topic", "routine"), [("piriformis", "tennis-ball-seated"), ("piriformis", "side-stretch"),
                                                 ("low-back-pain", "bridge"), ("heel-pain", "calf-stretch-wall")])
def test_large_print_card(run, tmp_path: Path, topic: str, routine: str) -> None:
    brand = write_brand(tmp_path / "clinic")
    result = run("card", topic, routine, "--large-print", "--brand", brand, "-o", "card.pdf")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "card.pdf").read_bytes()
    facts = read_pdf(data)
    # a large-print card is half-letter by default, front and back as needed, never more
    assert facts.sizes[0] == pytest.approx((5.5 * INCH, 8.5 * INCH))
    assert facts.pages <= 2
    assert_large_print(data, margin=0.5 * INCH)
    assert_one_column(data)


def test_every_built_in_routine_prints_as_a_large_print_card(run, tmp_path: Path) -> None:
    from conftest import ROOT
    from handout.load.content import load_topic

    for path in sorted((ROOT / "content").glob("*.md")):
        if path.name == "README.md":
            continue
        for rid in load_topic(path).routines:
            for paper in ("letter", "a4"):
                result = run("card", path.stem, rid, "--large-print", "--paper", paper, "-o", f"{rid}-{paper}.pdf")
                assert result.exit_code == 0, f"{path.stem}/{rid} on {paper}: {result.output}"
    assert read_pdf(tmp_path / f"{rid}-a4.pdf").sizes[0] == pytest.approx((148 / 25.4 * INCH, 210 / 25.4 * INCH), abs=0.5)


def test_large_print_programme(run, tmp_path: Path) -> None:
    result = run("program", "-r", "piriformis/side-stretch", "-r", "heel-pain/calf-stretch-wall", "--client", "Sam Lee",
                 "--large-print", "-o", "prog.pdf")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "prog.pdf").read_bytes()
    assert_large_print(data, margin=1 * INCH)
    assert_one_column(data)
    assert "Sam Lee" in read_pdf(data).text


def test_italic_content_prints_bold_in_large_print(run, tmp_path: Path) -> None:
    from conftest import ROOT

    folder = tmp_path / "content"
    folder.mkdir()
    text = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")
    text = text.replace("## Common symptoms", "*Read this slowly.*\n\n## Common symptoms", 1)
    (folder / "piriformis.md").write_text(text, encoding="utf-8")
    assert run("guide", "piriformis", "--content", folder, "--large-print", "-o", "g.pdf").exit_code == 0
    data = (tmp_path / "g.pdf").read_bytes()
    runs = [r for page in text_runs(data) for r in page if "Read this slowly" in r.text]
    assert runs and all("Bold" in r.font for r in runs)
    assert not [f for f in fonts_used(data) if re.search("italic|oblique", f, re.I)]


def test_standard_print_is_unchanged_by_the_option_existing(run, tmp_path: Path) -> None:
    """Without --large-print: Helvetica, 12 pt body, two-column lists where the topic asks."""
    assert run("guide", "piriformis", "-o", "g.pdf").exit_code == 0
    data = (tmp_path / "g.pdf").read_bytes()
    assert any("Helvetica" in f for f in fonts_used(data))
    sizes = {round(r.size, 1) for page in text_runs(data) for r in page}
    assert 12.0 in sizes and min(sizes) < 12


def test_large_print_on_a_sheet_and_in_a_batch(run, tmp_path: Path) -> None:
    result = run("sheet", "piriformis", "side-stretch", "belly-dancer", "--large-print", "-o", "sheet.pdf")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "sheet.pdf").read_bytes()
    sizes = [r.size for page in text_runs(data) for r in page]
    assert sizes and min(sizes) >= 18 - 0.01
    # four to a sheet leaves a quarter-letter card: too small for a long routine in large print, said plainly
    result = run("sheet", "piriformis", "side-stretch", "--per-sheet", "4", "--large-print", "-o", "four.pdf")
    assert result.exit_code == 1 and "does not fit" in result.output and "Traceback" not in result.output
    (tmp_path / "clients.csv").write_text("client,note\nSam Lee,Gently\n", encoding="utf-8")
    result = run("batch", "clients.csv", "--topic", "piriformis", "--routine", "belly-dancer", "--large-print", "--out", "out", "-j", "1")
    assert result.exit_code == 0, result.output
    (card,) = (tmp_path / "out").glob("*.pdf")
    assert_large_print(card.read_bytes(), margin=0.5 * INCH)
