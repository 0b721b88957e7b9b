"""Work a card reuses between its type sizes and between documents: the result must be what
laying it out from scratch gives (same type size, same drawing, same warnings)."""

from __future__ import annotations

import io
import itertools
import warnings
import zlib
from pathlib import Path
from typing import Any

import pypdf
import pytest
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from conftest import read_pdf
from handout.layout.document import largest_fitting
from handout.layout.figures import BUILTIN_FIGURES
from handout.layout.figures.flowable import flat, operators
from handout.layout.figures.render import paint
from handout.layout.para import Para

INK = HexColor("#1F5F7A")
ACCENT = HexColor("#E0A526")
SIZES = (14.0, 13.5, 13.0, 12.5, 12.0)


# -- choosing the type size ------------------------------------------------------------------

def _heights(base: float, fixed: float, exponent: float) -> list[float]:
    """Heights of a story at each of SIZES: a part that does not grow and a part that grows with the type."""
    return [fixed + base * (s / 12.0) ** exponent for s in SIZES]


@pytest.mark.parametrize("exponent", [1.0, 1.6, 2.0, 2.6])
@pytest.mark.parametrize("fixed", [0.0, 90.0, 250.0])
def test_the_largest_size_that_fits_is_found_whatever_the_shape(exponent: float, fixed: float) -> None:
    room = 500.0
    for base in range(100, 700, 7):
        heights = _heights(base, fixed, exponent)
        measured: list[int] = []

        def height(i: int, heights: list[float] = heights, measured: list[int] = measured) -> float:
            measured.append(i)
            return heights[i]

        expected = next((i for i, h in enumerate(heights) if h <= room), None)
        assert largest_fitting(SIZES, height, room) == expected, (base, heights)
        assert len(measured) == len(set(measured)), "a size is measured once"
        assert len(measured) <= 3, "a bisection over five sizes measures at most three"


def test_a_story_that_fits_at_the_largest_size_or_at_none() -> None:
    assert largest_fitting(SIZES, lambda i: 100.0, 500.0) == 0
    assert largest_fitting(SIZES, lambda i: 900.0, 500.0) is None
    assert largest_fitting((12.0,), lambda i: 400.0, 500.0) == 0
    assert largest_fitting((), lambda i: 0.0, 500.0) is None


def test_a_routine_near_the_edge_is_measured_twice() -> None:
    """The size that fits and the next one up are measured, nothing more, when the answer is next to
    the middle size (where the search starts); at most three measures otherwise."""
    for fit in range(len(SIZES) + 1):
        heights = [505.0 + 10 * (fit - 1 - k) if k < fit else 495.0 - 10 * (k - fit) for k in range(len(SIZES))]
        measured: list[int] = []

        def height(i: int, heights: list[float] = heights, measured: list[int] = measured) -> float:
            measured.append(i)
            return heights[i]

        assert largest_fitting(SIZES, height, 500.0) == (fit if fit < len(SIZES) else None)
        assert len(measured) <= 3, (fit, measured)
        if fit in (2, 3):
            assert len(measured) == 2, (fit, measured)


# -- the card as a whole: sizes and warnings as before ---------------------------------------------

@pytest.mark.parametrize("size", ["half-letter", "4x6", "3x5"])
def test_a_card_is_the_same_from_scratch_and_after_other_cards(run, tmp_path: Path, size: str) -> None:
    """Reused parses, lines, figures and views change nothing: a card made after others in the same
    process is byte-identical to the same card made first in a fresh process."""
    from handout.build import Request, render

    first = run("card", "piriformis", "side-stretch", "--size", size, "-o", "fresh.pdf")
    assert first.exit_code == 0, first.output
    for routine in ("tennis-ball-seated", "tennis-ball-lying", "belly-dancer", "side-stretch"):
        render(Request("card", "piriformis", routine, card_size=size))
    again = render(Request("card", "piriformis", "side-stretch", card_size=size))
    assert again == (tmp_path / "fresh.pdf").read_bytes()


class _Block(Flowable):
    """A block of a given height that warns when drawn (a stand-in for a tick-log left out)."""

    def __init__(self, height: float, says: str) -> None:
        super().__init__()
        self.height, self.says = height, says

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return aw, self.height

    def draw(self) -> None:
        if self.says:
            warnings.warn(self.says, stacklevel=1)


def test_only_the_layout_kept_may_warn() -> None:
    """At 12 pt three blocks take three pages (one a side) and the layout warns; at 11 pt two fit a
    side, the card keeps to two pages and nothing is said. The card must say nothing."""
    from handout.layout import document, page
    from handout.layout.fonts import HELVETICA
    from handout.layout.styles import theme
    from handout.model import Brand

    g = page.card_geometry("3x5")
    fh = g.frame[3]
    themes = [theme(HELVETICA, "#1F5F7A", "#E0A526", scale=s / 12) for s in (12.0, 11.0)]

    def story(th: Any) -> list[Flowable]:
        big = th.body_size == 12.0
        return [_Block(fh * (0.55 if big else 0.45), "no room at 12 pt" if big else "") for _ in range(3)]

    meta = document.Meta("t", "a", "s", "k", "en")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        data = document.build_card(story, themes, g, Brand(name="Clinic"), None, meta, "where", "3x5", front_floor=12.0)
    assert read_pdf(data).pages == 2
    assert [str(w.message) for w in seen] == []


# -- figures painted once ---------------------------------------------------------------------------

def _content(draw) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(200, 200), invariant=1)
    draw(c)
    c.showPage()
    c.save()
    page = pypdf.PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    return bytes(page.get_contents().get_data())


@pytest.mark.parametrize("name", sorted(BUILTIN_FIGURES))
def test_a_figure_painted_once_and_added_as_operators_draws_the_same(name: str) -> None:
    w, h = 108.0, 80.0
    direct = _content(lambda c: paint(c, flat(name), 0, 0, w, h, INK, ACCENT))
    recorded = _content(lambda c: c.addLiteral(operators(name, w, h, (INK.red, INK.green, INK.blue), (ACCENT.red, ACCENT.green, ACCENT.blue))))
    assert recorded == direct
    assert len(zlib.compress(direct)) > 200  # there is a figure to compare


# -- paragraphs parsed once ---------------------------------------------------------------------------

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=12, leading=15)
BOLD = ParagraphStyle("bold", fontName="Helvetica-Bold", fontSize=12, leading=15)
TEXT = "Hold the stretch for <b>30 seconds</b>, then let go slowly and breathe out."


def _lines(p: Paragraph, width: float) -> list[str]:
    p.wrap(width, 1e6)
    return [" ".join(str(getattr(w, "text", w)) for w in (line.words if hasattr(line, "words") else line[1])) for line in p.blPara.lines]


def test_a_paragraph_made_again_wraps_and_splits_as_a_new_one() -> None:
    for width, (a, b) in itertools.product((90.0, 160.0, 400.0), [(Para(TEXT, BODY), Para(TEXT, BODY))]):
        plain = Paragraph(TEXT, BODY)
        assert _lines(a, width) == _lines(b, width) == _lines(plain, width)
        assert a.wrap(width, 1e6) == plain.wrap(width, 1e6)
        assert [p.getPlainText() for p in Para(TEXT, BODY).split(width, 16)] == [p.getPlainText() for p in Paragraph(TEXT, BODY).split(width, 16)]


def test_the_same_text_in_another_style_is_parsed_again() -> None:
    a, b = Para(TEXT, BODY), Para(TEXT, BOLD)
    assert {f.fontName for f in a.frags} == {"Helvetica", "Helvetica-Bold"}
    assert {f.fontName for f in b.frags} == {"Helvetica-Bold"}
    assert a.frags is not b.frags


def test_a_paragraph_wrapped_again_at_a_new_width_gets_new_lines() -> None:
    p = Para(TEXT, BODY)
    _, narrow = p.wrap(90, 1e6)
    _, wide = p.wrap(400, 1e6)
    assert wide < narrow
    assert p.wrap(90, 1e6)[1] == narrow
