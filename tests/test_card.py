"""Pocket cards: one routine per card, read back from the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, PdfFacts, norm, plain, read_pdf
from handout.build import Request, render
from handout.errors import LayoutError
from handout.model import Routine, Topic

TOPIC_FILE = ROOT / "content" / "piriformis.md"
CLINIC = "Riverside Massage Therapy"
PHONE = "+1 555 010 0199"
ROUTINE_IDS = ("tennis-ball-seated", "tennis-ball-lying", "side-stretch", "belly-dancer")
HALF_LETTER = (396.0, 612.0)
A5 = (419.53, 595.28)
FIVE_BY_EIGHT = (360.0, 576.0)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", norm(text))


def contains(haystack: str, needle: str) -> bool:
    return flat(needle) in flat(haystack)


def routine_text(r: Routine) -> str:
    parts = [r.title, r.purpose, r.stop_if, *r.steps, *(v for _, v in r.dose.items())]
    if r.equipment:
        parts.append(r.equipment)
    return " ".join(plain(p) for p in parts)


def assert_one_page_of(facts: PdfFacts, size: tuple[float, float]) -> None:
    """One card of *size*: the front, and at most its back (where the tick-log goes)."""
    assert facts.pages in (1, 2), f"{facts.pages} pages"
    if facts.pages == 2:
        assert facts.texts[1].startswith(("Your practice log", "(continued)")) or "(continued)" in facts.texts[1][:80], facts.texts[1][:80]
    for w, h in facts.sizes:
        assert w == pytest.approx(size[0], abs=0.5) and h == pytest.approx(size[1], abs=0.5), f"{w:.2f}x{h:.2f}"


@pytest.fixture(scope="module")
def cards(letter_brand: Path) -> dict[str, PdfFacts]:
    """Each routine's card at the default size, letter brand."""
    return {rid: read_pdf(render(Request("card", "piriformis", routine=rid, brand_file=letter_brand))) for rid in ROUTINE_IDS}


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_default_card_is_one_half_letter_page(cards: dict[str, PdfFacts], routine_id: str) -> None:
    assert_one_page_of(cards[routine_id], HALF_LETTER)


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_default_card_for_an_a4_brand_is_a5(a4_brand: Path, routine_id: str) -> None:
    facts = read_pdf(render(Request("card", "piriformis", routine=routine_id, brand_file=a4_brand)))
    assert_one_page_of(facts, A5)


def test_a4_paper_option_gives_an_a5_card(letter_brand: Path) -> None:
    facts = read_pdf(render(Request("card", "piriformis", routine="side-stretch", brand_file=letter_brand, paper="a4")))
    assert_one_page_of(facts, A5)


@pytest.mark.parametrize("routine_id", ["side-stretch", "belly-dancer"])
def test_size_5x8(letter_brand: Path, routine_id: str) -> None:
    facts = read_pdf(render(Request("card", "piriformis", routine=routine_id, brand_file=letter_brand, card_size="5x8")))
    assert_one_page_of(facts, FIVE_BY_EIGHT)
    assert CLINIC in facts.text


# ---------------------------------------------------------------- content


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_card_holds_its_routine(cards: dict[str, PdfFacts], topic: Topic, routine_id: str) -> None:
    r = topic.routines[routine_id]
    text = cards[routine_id].text
    wanted = [plain(r.title), plain(r.purpose), *(plain(s) for s in r.steps)]
    if r.equipment:
        wanted.append(plain(r.equipment))
    assert [w for w in wanted if not contains(text, w)] == []


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_card_holds_only_its_routine(cards: dict[str, PdfFacts], topic: Topic, routine_id: str) -> None:
    own = flat(routine_text(topic.routines[routine_id]))
    text = cards[routine_id].text
    others = [plain(r.title) for rid, r in topic.routines.items() if rid != routine_id]
    assert others
    assert [t for t in others if flat(t) not in own and contains(text, t)] == []
    # the other routines' own steps are absent as well
    other_steps = [plain(s) for rid, r in topic.routines.items() if rid != routine_id for s in r.steps]
    assert [s for s in other_steps if flat(s) not in own and contains(text, s)] == []


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_card_has_no_guide_only_sections(cards: dict[str, PdfFacts], topic: Topic, routine_id: str) -> None:
    own = flat(routine_text(topic.routines[routine_id]))
    text = cards[routine_id].text
    assert "Common symptoms" in [plain(s.title) for s in topic.sections]
    assert "Common symptoms" not in text
    section_titles = [plain(s.title) for s in topic.sections]
    assert [t for t in section_titles if flat(t) not in own and contains(text, t)] == []
    symptoms = topic.section("symptoms")
    assert symptoms is not None
    bullets = [plain(i) for b in symptoms.blocks for i in b.items]
    assert [b for b in bullets if contains(text, b)] == []
    assert not contains(text, plain(topic.summary))


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_dose_and_stop_if_on_the_card(cards: dict[str, PdfFacts], topic: Topic, routine_id: str) -> None:
    r = topic.routines[routine_id]
    text = cards[routine_id].text
    values = [value for _, value in r.dose.items()]
    assert values
    assert [v for v in values if not contains(text, plain(v))] == []
    assert [label for label, _ in r.dose.items() if flat(label).lower() not in flat(text).lower()] == []
    assert contains(text, plain(r.stop_if))
    assert "Stop if" in text


def test_lying_card_shows_the_hold_range_with_an_en_dash(cards: dict[str, PdfFacts]) -> None:
    assert "15\u201330 seconds" in cards["tennis-ball-lying"].text
    assert "15 seconds" in cards["tennis-ball-seated"].text


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_clinic_name_contact_and_logo_on_the_card(cards: dict[str, PdfFacts], routine_id: str) -> None:
    facts = cards[routine_id]
    assert CLINIC in facts.text
    assert contains(facts.text, PHONE)
    assert facts.images >= 1
    assert facts.metadata.get("Author") == CLINIC


def test_client_and_note_on_the_card(letter_brand: Path) -> None:
    facts = read_pdf(render(Request("card", "piriformis", routine="belly-dancer", brand_file=letter_brand,
                                    client="Ana Ruiz", note="Ten circles each way")))
    assert_one_page_of(facts, HALF_LETTER)
    assert "Prepared for Ana Ruiz" in facts.text
    assert "Ten circles each way" in facts.text


def test_no_client_lines_unless_asked(cards: dict[str, PdfFacts]) -> None:
    assert all("Prepared for" not in c.text for c in cards.values())


# ---------------------------------------------------------------- does not fit

LONG_NOTE = "Go slowly and breathe out as you sink onto the ball. " * 5


def test_routine_too_long_for_the_card_raises_layout_error(letter_brand: Path) -> None:
    with pytest.raises(LayoutError) as info:
        render(Request("card", "piriformis", routine="tennis-ball-lying", brand_file=letter_brand, card_size="3x5", note=LONG_NOTE))
    message = str(info.value)
    assert "does not fit" in message
    m = re.search(r"(\d+(?:\.\d+)?)\s*in\b", message)
    assert m, f"no amount in inches in: {message}"
    assert float(m.group(1)) > 0
    assert "tennis-ball-lying" in message


def test_routine_too_long_from_the_command_line(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("card", "piriformis", "tennis-ball-lying", "--size", "3x5", "--brand", brand_file, "--note", LONG_NOTE)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:")
    assert "does not fit" in lines[0]
    assert re.search(r"\d+(?:\.\d+)?\s*in\b", lines[0])
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.pdf")), "a PDF was written although the card does not fit"


def test_small_card_footer_keeps_whole_contact_items(letter_brand: Path) -> None:
    # the full brand's footer takes four lines on a 4x6 card, where the routine no longer fits: 5x8
    facts = read_pdf(render(Request("card", "piriformis", routine="belly-dancer", brand_file=letter_brand, card_size="5x8")))
    text = facts.text
    assert "+1 555 010 0199" in text
    assert not re.search(r"\u00b7\s*$", text), "the footer ends with a dangling separator"
