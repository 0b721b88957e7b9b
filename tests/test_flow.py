"""Pages that flow and cards that hold their routine, for every built-in topic.

Fill is read back from the rendered page: the lowest ink inside the body frame,
as a share of the frame's height.
"""

from __future__ import annotations

import ctypes
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from conftest import ROOT, norm, plain, read_pdf
from handout.build import Request, render
from handout.errors import LayoutError
from handout.layout import page
from handout.load.content import list_topics, load_topic

TOPICS = {topic_id: load_topic(path) for topic_id, path in list_topics([ROOT / "content"]).items()}
ROUTINES = [(t, r) for t, topic in TOPICS.items() for r in topic.routines]
DPI = 50
#: every page but the last is at least this full
MIN_FILL = 0.80


def page_images(data: bytes) -> list[Image.Image]:
    doc = pdfium.PdfDocument(data)
    try:
        return [p.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for p in doc]
    finally:
        doc.close()


def fill(img: Image.Image, frame: tuple[float, float, float, float], page_h: float) -> float:
    """Share of the frame's height above the lowest ink in the frame (0 for an empty frame)."""
    x, y, w, h = (v * DPI / 72 for v in frame)
    top = (page_h - (frame[1] + frame[3])) * DPI / 72
    box = (int(x), int(top), int(x + w + 0.999), int(top + h + 0.999))
    ink = img.crop(box).point(lambda v: 255 if v < 235 else 0).getbbox()
    if ink is None:
        return 0.0
    return min(1.0, ink[3] / (box[3] - box[1]))


def geometry(req: Request) -> page.Geometry:
    """The page geometry *req* is laid out with (its brand's header and footer)."""
    from handout.build import load_inputs
    from handout.layout.fonts import font_set
    from handout.layout.render import logo_for

    brand = load_inputs(req).brand
    if req.paper:
        brand = replace(brand, paper=req.paper)
    logo, fonts = logo_for(brand), font_set(brand.fonts, brand.display_path)
    if req.kind == "card":
        return page.card_geometry(req.card_size or brand.card_size or page.DEFAULT_CARD[brand.paper], brand, logo, fonts)
    return page.guide_geometry(brand.paper, brand, logo, fonts)


def fills(req: Request) -> list[float]:
    """How full each page of *req* is (a card's back has a frame of its own)."""
    g = geometry(req)
    frames = [g.frame, g.back_frame if req.kind == "card" else g.frame]
    return [fill(img, frames[min(i, 1)], g.size[1]) for i, img in enumerate(page_images(render(req)))]


def pages_before_the_log(req: Request) -> set[int]:
    """The page before the one the tick-log starts on: a sheet kept whole, it may leave that page short."""
    texts = read_pdf(render(req)).texts
    return {n for n, text in enumerate(texts[1:], start=1) if "Your practice log" in text and "Start date:" in text and "(continued)" not in text}


@pytest.fixture(scope="module")
def full_brand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_brand

    return write_brand(tmp_path_factory.mktemp("flow-clinic"))


@pytest.fixture(autouse=True)
def _no_brand_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_BRAND", raising=False)


# ---------------------------------------------------------------- the guide


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("branded", [False, True], ids=["built-in brand", "clinic brand"])
@pytest.mark.parametrize("topic_id", sorted(TOPICS))
def test_every_guide_page_but_the_last_is_full(topic_id: str, branded: bool, paper: str, full_brand: Path) -> None:
    req = Request("guide", topic_id, brand_file=full_brand if branded else None, paper=paper)
    full = fills(req)
    assert full[-1] > 0, "the last page is empty"
    before_log = pages_before_the_log(req)
    low = [f"page {n}: {f:.0%}" for n, f in enumerate(full[:-1], start=1) if f < MIN_FILL and n not in before_log]
    assert not low, f"pages less than {MIN_FILL:.0%} full: {', '.join(low)} (all: {', '.join(f'{f:.0%}' for f in full)})"


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_programme_page_but_the_last_is_full(paper: str) -> None:
    from handout.model import Pick, ProgramSpec

    picks = tuple(Pick(f"{t}/{r}") for t, r in ROUTINES)  # every built-in routine
    req = Request("program", ROUTINES[0][0], paper=paper, program=ProgramSpec(title="Everything", picks=picks))
    full = fills(req)
    before_log = pages_before_the_log(req)
    low = [f"page {n}: {f:.0%}" for n, f in enumerate(full[:-1], start=1) if f < MIN_FILL and n not in before_log]
    assert not low, f"pages less than {MIN_FILL:.0%} full: {', '.join(low)} (all: {', '.join(f'{f:.0%}' for f in full)})"


@pytest.mark.parametrize("topic_id", sorted(TOPICS))
def test_a_section_heading_and_its_intro_stay_with_its_first_routine(topic_id: str) -> None:
    topic = TOPICS[topic_id]
    facts = read_pdf(render(Request("guide", topic_id)))
    checked = 0
    for section in topic.sections:
        routines = [b.routine for b in section.blocks if b.kind == "routine" and b.routine is not None]
        if not routines:
            continue
        first = routines[0]
        title = plain(section.title)
        pages = [n for n, text in enumerate(facts.texts) if title in text]
        assert pages, f"section '{title}' not printed"
        here = facts.texts[pages[0]]
        after = here[here.index(title):]
        assert plain(first.title) in after, f"'{title}' and its first routine '{plain(first.title)}' are on different pages"
        intro = [plain(b.text) for b in section.blocks[: section.blocks.index(next(b for b in section.blocks if b.kind == 'routine'))] if b.kind == "paragraph" and b.text]
        assert all(norm(p) in after for p in intro), f"the introduction of '{title}' is not on the page of its first routine"
        checked += 1
    assert checked or not topic.routines


@pytest.mark.parametrize("topic_id", sorted(TOPICS))
def test_a_block_split_over_two_pages_starts_again_with_its_title(topic_id: str) -> None:
    topic = TOPICS[topic_id]
    titles = [plain(r.title) for r in topic.routines.values()] + [plain(s.title) for s in topic.sections]
    facts = read_pdf(render(Request("guide", topic_id)))
    for n, text in enumerate(facts.texts):
        for before in text.split("(continued)")[:-1]:
            assert any(before.rstrip().endswith(t) for t in titles), f"page {n + 1}: '(continued)' after {before[-60:]!r}"
            title = next(t for t in titles if before.rstrip().endswith(t))
            assert title in facts.texts[n - 1], f"'{title} (continued)' on page {n + 1}, but '{title}' is not on page {n}"


@pytest.mark.parametrize("topic_id", sorted(TOPICS))
def test_the_stop_rule_is_not_repeated(topic_id: str) -> None:
    topic = TOPICS[topic_id]
    facts = read_pdf(render(Request("guide", topic_id)))
    assert "Stop if: Stop if" not in facts.text
    for r in topic.routines.values():
        assert norm(plain(r.stop_if)) in facts.text


# ---------------------------------------------------------------- cards


@pytest.mark.parametrize("size", sorted(page.CARD_SIZES))
@pytest.mark.parametrize("topic_id,routine_id", ROUTINES)
def test_every_routine_prints_on_every_card_size(topic_id: str, routine_id: str, size: str, full_brand: Path) -> None:
    r = TOPICS[topic_id].routines[routine_id]
    facts = read_pdf(render(Request("card", topic_id, routine=routine_id, card_size=size, brand_file=full_brand)))
    assert facts.pages in (1, 2), f"{facts.pages} pages"
    w, h = page.CARD_SIZES[size]
    assert all(abs(pw - w) < 0.5 and abs(ph - h) < 0.5 for pw, ph in facts.sizes)
    flat = "".join(facts.text.split())
    missing = [s for s in [r.title, r.purpose, *r.steps, r.stop_if] if "".join(plain(s).split()) not in flat]
    assert not missing, f"not on the card: {missing}"
    if facts.pages == 2 and not facts.texts[1].startswith(f"Your practice log: {plain(r.title)}"):  # else only the tick-log is on the back
        assert facts.texts[1].startswith(f"{plain(r.title)} (continued)"), facts.texts[1][:80]
        back = facts.texts[1].split("Your practice log:")[0]
        assert plain(r.title) not in back[len(plain(r.title)) + 12 :], "the title is printed more than twice"


def font_sizes(data: bytes, needle: str) -> list[float]:
    """Font sizes of the characters of the first occurrence of *needle* on the first page."""
    doc = pdfium.PdfDocument(data)
    try:
        text = doc[0].get_textpage()
        full = text.get_text_range()
        start = full.find(needle)
        assert start >= 0, f"{needle!r} not found"
        return [pdfium_c.FPDFText_GetFontSize(text, i) for i in range(start, start + len(needle))]
    finally:
        doc.close()


@pytest.mark.parametrize("topic_id,routine_id", ROUTINES)
def test_large_cards_print_larger_type(topic_id: str, routine_id: str) -> None:
    r = TOPICS[topic_id].routines[routine_id]
    step = plain(r.steps[0])[:12]
    data = {size: render(Request("card", topic_id, routine=routine_id, card_size=size)) for size in ("half-letter", "4x6")}
    sizes = {size: max(font_sizes(pdf, step)) for size, pdf in data.items()}
    assert sizes["half-letter"] >= 12.5, sizes
    # a small card may set 11.5 pt to keep a routine on one side; continued on the back, 12 pt
    back = read_pdf(data["4x6"]).texts[1:]
    assert sizes["4x6"] >= (12 if back and "(continued)" in back[0] else 11.5), sizes
    assert sizes["half-letter"] > sizes["4x6"] or sizes["half-letter"] >= 14


def test_a_short_routine_prints_its_steps_at_14_pt_on_a_half_letter_card() -> None:
    topic_id, routine_id = min(ROUTINES, key=lambda tr: sum(len(s) for s in TOPICS[tr[0]].routines[tr[1]].steps))
    step = plain(TOPICS[topic_id].routines[routine_id].steps[0])[:8]
    assert min(font_sizes(render(Request("card", topic_id, routine=routine_id)), step)) >= 13.9


def long_topic(folder: Path, steps: int, words: int) -> Path:
    text = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")
    step = " ".join(["Hold the stretch gently"] * words)
    lines = "".join(f"      - Step {n}. {step}.\n" for n in range(1, steps + 1))
    old = text.split("  belly-dancer:")[1].split("    dose:")[0]
    new_block = old.split("    steps:")[0] + "    steps:\n" + lines
    folder.mkdir()
    (folder / "long.md").write_text(text.replace(old, new_block), encoding="utf-8")
    return folder


def test_a_card_too_long_for_both_sides_says_by_how_much(tmp_path: Path) -> None:
    content = long_topic(tmp_path / "topics", steps=12, words=6)
    with pytest.raises(LayoutError) as info:
        render(Request("card", "long", routine="belly-dancer", card_size="3x5", content=content))
    message = str(info.value)
    assert "does not fit on the front and back of a 3x5 card" in message
    assert "routines.belly-dancer" in message


def test_a_long_routine_continues_on_the_back_of_a_small_card(tmp_path: Path) -> None:
    content = long_topic(tmp_path / "topics", steps=8, words=2)
    facts = read_pdf(render(Request("card", "long", routine="belly-dancer", card_size="4x6", content=content)))
    assert facts.pages == 2
    assert facts.texts[1].startswith("Belly dancer stretch (continued)")
    assert "Step 8." in facts.texts[1]
    assert "Stop if" in facts.texts[1], "the stop rule belongs with the last step"


# ---------------------------------------------------------------- colours


def char_colours(data: bytes, char: str, after: str, before: str) -> list[tuple[int, int, int]]:
    """Fill colours of every *char* from the text *after* to the text *before*, over pages."""
    doc = pdfium.PdfDocument(data)
    out = []
    inside = False
    try:
        for p in doc:
            text = p.get_textpage()
            full = text.get_text_range()
            start = full.index(after) if not inside and after in full else 0
            if not inside and after not in full:
                continue
            inside = True
            end = full.index(before) if before in full[start:] else len(full)
            for i in range(start, end):
                if full[i] == char:
                    rgba = [ctypes.c_uint() for _ in range(4)]
                    assert pdfium_c.FPDFText_GetFillColor(text, i, *(ctypes.byref(c) for c in rgba))
                    out.append((rgba[0].value, rgba[1].value, rgba[2].value))
            if end < len(full):
                break
    finally:
        doc.close()
    return out


def test_red_flag_bullets_are_in_the_alert_colour() -> None:
    topic = TOPICS["piriformis"]
    data = render(Request("guide", "piriformis"))
    red_flags = topic.section("red-flags")
    assert red_flags is not None
    last = plain(red_flags.blocks[-1].text or red_flags.blocks[-1].items[-1])
    colours = char_colours(data, "\u2022", plain(red_flags.title), last)
    assert len(colours) == sum(len(b.items) for b in red_flags.blocks if b.kind == "bullets")
    assert set(colours) == {(0xB3, 0x26, 0x1E)}
    others = char_colours(data, "\u2022", "Common symptoms", plain(red_flags.title))
    assert others and (0xB3, 0x26, 0x1E) not in others


def test_a_long_alert_box_goes_on_over_pages(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "bad" / "knee.md").read_text(encoding="utf-8")
    text += "\n## Get help now {#red-flags .alert}\n\n" + "".join(f"- Warning sign number {i} that needs care\n" for i in range(80))
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "knee.md").write_text(text, encoding="utf-8")
    facts = read_pdf(render(Request("guide", "knee", content=tmp_path / "topics")))
    assert facts.pages >= 3
    assert "Warning sign number 79" in facts.text
    for page_text in facts.texts[1:-1]:
        assert page_text.startswith("Your Clinic") and "Get help now (continued)" in page_text
    assert facts.texts[0].count("Continues on the next page") == 1


def test_the_stop_rule_leads_with_stop_in_bold_after_a_warning_mark() -> None:
    data = render(Request("card", "piriformis", routine="belly-dancer"))
    facts = read_pdf(data)
    assert "Stop if: Stop" not in facts.text
    assert facts.text.count("Stop if") == 1
    doc = pdfium.PdfDocument(data)
    try:
        text = doc[0].get_textpage()
        full = text.get_text_range()
        i = full.index("Stop if")
        buf = ctypes.create_string_buffer(128)
        pdfium_c.FPDFText_GetFontInfo(text, i, buf, 128, None)
        assert b"Bold" in buf.value
    finally:
        doc.close()


# ---------------------------------------------------------------- markup


def test_a_list_item_with_two_paragraphs_is_one_bullet(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "bad" / "knee.md").read_text(encoding="utf-8")
    text += "\n## Tips {#tips}\n\n- Warm up first.\n\n  Then stretch gently.\n- Rest when it hurts.\n"
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "knee.md").write_text(text, encoding="utf-8")
    facts = read_pdf(render(Request("guide", "knee", content=tmp_path / "topics")))
    tips = facts.text[facts.text.index("Tips") : facts.text.index("Sources")]
    assert "Warm up first. Then stretch gently." in tips
    assert tips.count("\u2022") == 2, tips[:200]


def test_a_new_element_is_one_registered_handler() -> None:
    from reportlab.platypus import Paragraph

    from handout.layout import markup
    from handout.layout.fonts import HELVETICA
    from handout.layout.styles import theme

    def shout(b: markup.Builder, el: object, width: float) -> list[object]:
        return [Paragraph(b.inline(el).upper(), b.styles["body"])]  # type: ignore[arg-type]

    markup.register("shout", shout, ["tone"])  # type: ignore[arg-type]
    try:
        th = theme(HELVETICA, "#1F5F7A", "#E0A526")
        story = markup.Builder(th, 400, "test").story(markup.parse('<document><shout tone="loud">hello</shout></document>', "test"))
        assert [p.getPlainText() for p in story] == ["HELLO"]
        with pytest.raises(Exception, match="has no attribute 'volume'"):
            markup.Builder(th, 400, "test").story(markup.parse('<document><shout volume="2">x</shout></document>', "test"))
    finally:
        del markup.BLOCKS["shout"], markup.ATTRIBUTES["shout"]


def test_a_space_filling_flowable_counts_with_its_least_height() -> None:
    """A card's picture that takes the room left must not push the routine on to the back."""
    from reportlab.platypus import Flowable, Spacer

    from handout.layout.measure import stacked_height

    class Filler(Flowable):  # type: ignore[misc]
        fills_space = True
        min_h = 30.0

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            return aW, aH - 1

    assert stacked_height([Spacer(10, 100), Filler()], 200, 500) == 130
