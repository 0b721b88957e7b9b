"""The tick-log: rows, tick boxes and heading read back from the PDF, in guides, cards and batches."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from conftest import ROOT, plain, read_pdf
from handout.model import Topic

MM = 72 / 25.4
HEADING = "Your practice log"
BRING = "Bring it to your next visit."


def log_pages(path: Path) -> list[int]:
    """Indexes of the pages that hold a part of the log."""
    doc = pdfium.PdfDocument(path)
    return [i for i, page in enumerate(doc) if "Day 1" in page.get_textpage().get_text_range() or HEADING in page.get_textpage().get_text_range()]


def tick_boxes(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    """Square outlines 6-15 mm wide drawn on *page* (left, bottom, right, top in points)."""
    out = []
    for obj in page.get_objects():
        if obj.type != pdfium_raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        w, h = (right - left) / MM, (top - bottom) / MM
        if 6 <= w <= 15 and abs(w - h) < 0.3 and _is_rectangle(obj):
            out.append((left, bottom, right, top))
    return out


def _is_rectangle(obj: pdfium.PdfObject) -> bool:
    """A box with four straight sides (its corners may be rounded): not a ball or a part of a picture."""
    n = pdfium_raw.FPDFPath_CountSegments(obj.raw)
    kinds = [pdfium_raw.FPDFPathSegment_GetType(pdfium_raw.FPDFPath_GetPathSegment(obj.raw, i)) for i in range(n)]
    lines, curves = kinds.count(pdfium_raw.FPDF_SEGMENT_LINETO), kinds.count(pdfium_raw.FPDF_SEGMENT_BEZIERTO)
    return lines >= 4 and curves in (0, 12) and n in (5, 17)  # a rectangle, or one with four rounded corners


def all_boxes(path: Path) -> int:
    return sum(len(tick_boxes(page)) for page in pdfium.PdfDocument(path))


def days(text: str) -> list[int]:
    """The day numbers of the log's rows (a row reads "Day N", then the pain cell's "/10")."""
    return [int(n) for n in re.findall(r"\bDay (\d+) (?:rest )*/10", text)]


def text_box(page: pdfium.PdfPage, text: str) -> tuple[float, float, float, float]:
    tp = page.get_textpage()
    found = tp.search(text, match_case=True, match_whole_word=True).get_next()
    assert found is not None, f"{text!r} not on the page"
    start, count = found
    boxes = [tp.get_charbox(i) for i in range(start, start + count)]
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def expected_boxes(topic: Topic, n_days: int, routine_ids: list[str] | None = None) -> int:
    total = 0
    for rid, r in topic.routines.items():
        if routine_ids is not None and rid not in routine_ids:
            continue
        per_day = r.dose.sessions_per_day
        active = (n_days + 1) // 2 if r.dose.every_other_day else n_days
        total += per_day * active
    return total


# ---------------------------------------------------------------- the guide


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory, letter_brand: Path) -> Path:
    from handout.build import Request, render

    path = tmp_path_factory.mktemp("log") / "guide.pdf"
    path.write_bytes(render(Request("guide", "piriformis", brand_file=letter_brand)))
    return path


def test_guide_ends_with_a_log_of_14_days_covering_every_routine(guide: Path, topic: Topic) -> None:
    facts = read_pdf(guide)
    pages = log_pages(guide)
    assert len(pages) == 1, "a 14-day log is one sheet"
    text = facts.texts[pages[0]]
    last_section = plain(topic.sections[-1].title)
    sources = next(n for n, t in enumerate(facts.texts) if "Sources" in t and "Last reviewed" in " ".join(facts.texts[n:]))
    assert pages[0] < sources or text.index(HEADING) < text.index("Sources"), "the log comes before the sources"
    assert any(last_section in t for t in facts.texts[: pages[0] + 1]), "the log comes after every section"
    assert days(text) == list(range(1, 15))
    assert HEADING in text and BRING in text and "Start date:" in text
    assert "not a test" in text  # self-monitoring, not a measurement
    assert "Pain 0\u201310" in text and "Notes" in text
    for n, r in enumerate(topic.routines.values(), start=1):
        assert f"{n} {r.title}:" in text  # the numbered legend names each routine
    assert all_boxes(guide) == expected_boxes(topic, 14)


def test_guide_log_boxes_and_rows_are_big_enough_for_a_pen(guide: Path) -> None:
    page = pdfium.PdfDocument(guide)[log_pages(guide)[-1]]
    boxes = tick_boxes(page)
    assert boxes
    assert min((r - left) / MM for left, _, r, _ in boxes) >= 6.0
    _, b1, _, t1 = text_box(page, "Day 2")  # (the column heads read "Day 1 2 3 4")
    _, b2, _, t2 = text_box(page, "Day 3")
    assert (b1 + t1) / 2 - (b2 + t2) / 2 >= 8 * MM, "rows are at least 8 mm apart"
    # each day's boxes sit on that day's row
    row_boxes = [b for b in boxes if b[1] < (b1 + t1) / 2 < b[3]]
    assert len(row_boxes) == len(boxes) // 14


def test_sessions_follow_how_often(run, tmp_path: Path, topic: Topic) -> None:
    result = run("guide", "piriformis", "--dose", "side-stretch.how_often=twice a day",
                 "--dose", "belly-dancer.how_often=three times a day", "--dose", "tennis-ball-seated.how_often=every other day",
                 "-o", "g.pdf")
    assert result.exit_code == 0, result.output
    path = tmp_path / "g.pdf"
    # seated ball: every other day (7 of 14); lying ball: once a day; side stretch: 2; belly dancer: 3
    assert all_boxes(path) == 7 + 14 + 2 * 14 + 3 * 14
    text = read_pdf(path).text
    assert "AM PM" in text and "AM Noon PM" in text
    assert text.count("rest") >= 7


def test_log_none_leaves_it_out(run, tmp_path: Path, guide: Path) -> None:
    result = run("guide", "piriformis", "--log", "none", "-o", "g.pdf")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "g.pdf")
    assert HEADING not in facts.text and days(facts.text) == []
    assert all_boxes(tmp_path / "g.pdf") == 0
    assert facts.pages < read_pdf(guide).pages


def test_log_days_are_chosen(run, tmp_path: Path, topic: Topic) -> None:
    result = run("guide", "piriformis", "--log", "7", "-o", "g.pdf")
    assert result.exit_code == 0, result.output
    assert days(read_pdf(tmp_path / "g.pdf").text) == list(range(1, 8))
    assert all_boxes(tmp_path / "g.pdf") == expected_boxes(topic, 7)


def test_a_long_log_splits_between_weeks_and_repeats_its_heading(run, tmp_path: Path, topic: Topic) -> None:
    result = run("guide", "piriformis", "--log", "42", "-o", "g.pdf")
    assert result.exit_code == 0, result.output
    path = tmp_path / "g.pdf"
    facts = read_pdf(path)
    pages = log_pages(path)
    assert len(pages) >= 2
    per_page = [days(facts.texts[i]) for i in pages]
    assert [d for part in per_page for d in part] == list(range(1, 43))
    for part in per_page[:-1]:
        assert part[-1] % 7 == 0, f"a part ends mid-week: {part}"
    for i in pages[1:]:
        assert f"{HEADING} (continued)" in facts.texts[i]
        assert "Pain 0\u201310" in facts.texts[i]  # the column heads are repeated
    assert all_boxes(path) == expected_boxes(topic, 42)


def test_more_boxes_than_a_page_is_wide_make_a_grid_per_group_of_routines(run, tmp_path: Path) -> None:
    result = run("guide", "piriformis", "--dose", "tennis-ball-seated.how_often=6 times a day", "--dose", "tennis-ball-lying.how_often=6 times a day",
                 "--dose", "side-stretch.how_often=6 times a day", "--dose", "belly-dancer.how_often=3 times a day", "-o", "g.pdf")
    assert result.exit_code == 0, result.output
    path = tmp_path / "g.pdf"
    assert all_boxes(path) == 14 * (6 + 6 + 6 + 3)
    facts = read_pdf(path)
    text = " ".join(facts.texts[i] for i in log_pages(path))
    assert days(text) == list(range(1, 15)) * 2  # two grids, each a row per day
    assert text.count("Start date:") == 1
    assert f"{HEADING} (continued)" in text
    for page in pdfium.PdfDocument(path):  # every box is inside the page's margins
        width = page.get_width()
        assert all(left > 0 and right < width for left, _, right, _ in tick_boxes(page))


@pytest.mark.parametrize("value", ["abc", "61", "-3", "7.5", ""])
def test_a_bad_log_value_is_one_located_line(run, tmp_path: Path, value: str) -> None:
    result = run("card", "piriformis", "side-stretch", "--log", value, "-o", "c.pdf")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --log: '{value}' is not a number of days;"), result.output
    assert not (tmp_path / "c.pdf").exists()


# ---------------------------------------------------------------- cards


def test_card_log_is_on_the_back_headed_with_the_routine_and_dose(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("card", "piriformis", "belly-dancer", "--brand", brand_file, "--dose", "how_often=twice a day", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "c.pdf")
    assert facts.pages == 2
    assert HEADING not in facts.texts[0] and days(facts.texts[0]) == []
    back = facts.texts[1]
    assert f"{HEADING}: Belly dancer stretch" in back
    assert "twice a day" in back and BRING in back and "Start date:" in back
    assert days(back) == list(range(1, 15))
    page = pdfium.PdfDocument(tmp_path / "c.pdf")[1]
    assert len(tick_boxes(page)) == 2 * 14
    assert "AM PM" in back


def test_card_log_none_is_one_page_of_routine(run, tmp_path: Path) -> None:
    result = run("card", "piriformis", "belly-dancer", "--log", "none", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "c.pdf")
    assert facts.pages == 1 and HEADING not in facts.text and all_boxes(tmp_path / "c.pdf") == 0


def test_a_log_that_fits_stays_under_the_routine(run, tmp_path: Path) -> None:
    content = tmp_path / "topics"
    content.mkdir()
    (content / "knee.md").write_text((ROOT / "tests" / "data" / "bad" / "knee.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("card", "knee", "knee-bend", "--content", content, "--size", "a5", "--log", "3", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "c.pdf")
    assert facts.pages == 1
    assert days(facts.text) == [1, 2, 3]
    assert all_boxes(tmp_path / "c.pdf") == 2 * 3  # "twice a day"
    page = pdfium.PdfDocument(tmp_path / "c.pdf")[0]
    assert text_box(page, "Your practice log: Knee bend")[1] < text_box(page, "Stop if")[1], "the log is under the routine"


@pytest.mark.parametrize("size", ["3x5", "4x6", "a6", "5x8", "half-letter", "a5"])
def test_every_size_keeps_the_card_to_two_pages_and_the_log_whole(run, tmp_path: Path, size: str) -> None:
    result = run("card", "piriformis", "belly-dancer", "--size", size, "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "c.pdf")
    assert facts.pages <= 2
    logged = days(facts.text)
    if logged:  # the log is never split across the two sides, and is never a stub
        assert logged == list(range(1, len(logged) + 1)) and len(logged) >= 3
        assert sum(1 for t in facts.texts if days(t)) == 1
        assert all_boxes(tmp_path / "c.pdf") == len(logged)
    else:
        assert "no room for the tick-log" in result.output


# ---------------------------------------------------------------- batch


def test_batch_log_column_and_option(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,log\nSam Lee,7\nAna Ruiz,none\nBo Chen,\nEve Park,lots\n", encoding="utf-8")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", "belly-dancer", "--brand", brand_file,
                 "--log", "10", "--out", "out", "--jobs", "1")
    assert result.exit_code == 1
    assert f"{csv_path}:5: column 'log': 'lots' is not a number of days" in result.output
    out = tmp_path / "out"
    assert days(read_pdf(out / "piriformis-belly-dancer-sam-lee.pdf").text) == list(range(1, 8))
    assert days(read_pdf(out / "piriformis-belly-dancer-ana-ruiz.pdf").text) == []
    assert days(read_pdf(out / "piriformis-belly-dancer-bo-chen.pdf").text) == list(range(1, 11))


# ---------------------------------------------------------------- a programme


def test_programme_has_one_log_with_a_column_group_per_routine(run, tmp_path: Path) -> None:
    result = run("program", "-r", "piriformis/side-stretch", "-r", "heel-pain/calf-stretch-wall", "-r", "bridge",
                 "-r", "low-back-pain/pelvic-tilt", "--dose", "side-stretch.how_often=twice a day",
                 "--dose", "bridge.how_often=every other day", "--dose", "pelvic-tilt.how_often=three times a day",
                 "--log", "10", "-o", "p.pdf")
    assert result.exit_code == 0, result.output
    path = tmp_path / "p.pdf"
    pages = log_pages(path)
    assert len(pages) == 1
    text = read_pdf(path).texts[pages[0]]
    assert text.count(HEADING) == 1 and BRING in text
    assert days(text) == list(range(1, 11))
    for n, title in enumerate(("Side stretch", "Calf stretch at a wall", "Bridge", "Pelvic tilt"), start=1):
        assert f"{n} {title}:" in text
    from handout.load.content import load_topic

    calf_boxes = load_topic(ROOT / "content" / "heel-pain.md").routines["calf-stretch-wall"].dose.sessions_per_day
    # side stretch 2 a day, calf stretch as its topic says, bridge every other day (5 of 10), pelvic tilt 3 a day
    assert all_boxes(path) == 2 * 10 + calf_boxes * 10 + 5 + 3 * 10


def test_programme_log_days_are_saved(run, tmp_path: Path) -> None:
    result = run("program", "-r", "piriformis/side-stretch", "--log", "none", "--save", "p.toml", "-o", "p.pdf")
    assert result.exit_code == 0, result.output
    assert 'log = "none"' in (tmp_path / "p.toml").read_text(encoding="utf-8")
    assert HEADING not in read_pdf(tmp_path / "p.pdf").text
    result = run("program", "p.toml", "-o", "again.pdf")
    assert result.exit_code == 0, result.output
    assert HEADING not in read_pdf(tmp_path / "again.pdf").text


def test_a_personalised_card_keeps_its_routine_on_the_front_and_every_day_on_the_back(run, tmp_path: Path) -> None:
    """A clinic's logo and a client's box leave no room for the picture on a half-letter front: the
    routine stays whole there (at a smaller type), and the back holds the picture under the routine's
    title and then all 14 days of the log, not a routine's tail and a few days."""
    from conftest import write_brand

    brand = write_brand(tmp_path / "clinic")
    result = run("card", "piriformis", "tennis-ball-lying", "--brand", brand, "--client", "Sam Lee",
                 "--note", "Twice a day this week; see you on day 1.", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    facts = read_pdf(tmp_path / "c.pdf")
    assert facts.pages == 2
    front, back = plain(facts.texts[0]), plain(facts.texts[1])
    assert "Sam Lee" in front and "Stop if" in front and "rub your buttock" in front
    assert "rub your buttock" not in back and "Put the ball" not in back
    assert back.startswith("Ball massage, lying down")  # the title over the picture
    assert days(back) == list(range(1, 15))
    boxes = len(tick_boxes(pdfium.PdfDocument(tmp_path / "c.pdf")[1]))
    assert boxes == 14
    assert _curves(tmp_path / "c.pdf", 1) - 4 * boxes > 40, "the picture is drawn on the back"
    assert _curves(tmp_path / "c.pdf", 0) < 10, "and not on the front"


def _curves(path: Path, page: int) -> int:
    """How many Bézier curves a page draws (a built-in picture draws many; a tick box four)."""
    import pypdf
    from pypdf.generic import ContentStream

    reader = pypdf.PdfReader(path)
    return sum(op == b"c" for _, op in ContentStream(reader.pages[page].get_contents(), reader).operations)


def test_a_small_card_says_when_its_log_is_shorter_than_asked(run, tmp_path: Path) -> None:
    result = run("card", "heel-pain", "foot-roll", "--size", "4x6", "-o", "c.pdf")
    assert result.exit_code == 0, result.output
    back = plain(read_pdf(tmp_path / "c.pdf").texts[1])
    shown = days(back)
    assert shown and shown == list(range(1, len(shown) + 1)) and len(shown) < 14
    assert f"room for {len(shown)} of the 14 days of the tick-log" in result.output
    assert f"--log {len(shown)}" in result.output
    again = run("card", "heel-pain", "foot-roll", "--size", "4x6", "--log", str(len(shown)), "-o", "d.pdf")
    assert again.exit_code == 0 and "tick-log" not in again.output
