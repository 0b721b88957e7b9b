"""The table of document kinds and the sizes module: plain data every part reads the same way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handout import kinds, sizes
from handout.build import Request

ROOT = Path(__file__).resolve().parent.parent


def test_sizes_and_kinds_import_no_reportlab() -> None:
    code = "import sys, handout.sizes, handout.kinds, handout.cli; print('reportlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_every_kind_with_a_template_has_its_file() -> None:
    for kind in kinds.KINDS.values():
        if kind.template:
            assert (ROOT / "templates" / f"{kind.template}.xml.j2").is_file(), kind.name


@pytest.mark.parametrize(("request_", "name"), [
    (Request("guide", "piriformis"), "piriformis-guide.pdf"),
    (Request("card", "piriformis", routine="side-stretch"), "piriformis-side-stretch-card.pdf"),
    (Request("program", "", client="Sam Lee"), "sam-lee-program.pdf"),
    (Request("program", ""), "program.pdf"),
])
def test_default_file_names_come_from_the_table(request_: Request, name: str) -> None:
    assert str(request_.default_output()) == name


@pytest.mark.parametrize(("paper", "per_sheet"), list(sizes.SHEET_CARDS))
def test_sheet_cards_fill_their_paper(paper: str, per_sheet: int) -> None:
    w, h = sizes.PAPERS[paper]
    cells = sizes.cells(paper, per_sheet)
    assert len(cells) == per_sheet
    assert sum(c.w * c.h for c in cells) == pytest.approx(w * h, rel=0.01)
    card = sorted(sizes.CARDS[sizes.sheet_card(paper, per_sheet)])
    for c in cells:
        assert sorted((c.w, c.h)) == pytest.approx(card)
        back = c.mirrored(w, 2.0, -1.0)
        assert back.x == pytest.approx(w - c.x - c.w + 2.0) and back.y == pytest.approx(c.y - 1.0)


def test_the_command_line_offers_every_size() -> None:
    from handout.cli import CARD_SIZES, PAPERS
    from handout.load.brand import CARD_SIZES as BRAND_CARD_SIZES

    assert set(CARD_SIZES) == set(BRAND_CARD_SIZES) == set(sizes.CARDS)
    assert set(PAPERS) == set(sizes.PAPERS)
