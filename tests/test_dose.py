"""The dose set for one client: --dose on cards and guides, batch columns, read back from the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import plain, read_pdf
from handout.dose import parse_hold, sessions
from handout.model import Dose, Topic

CLINICIAN = "Alex Morgan, RMT"
SET_FOR_YOU = f"Set for you by {CLINICIAN}."


def box_of(page: pdfium.PdfPage, text: str, after: int = 0) -> tuple[float, float, float, float, int]:
    """(left, bottom, right, top, index) of the first *text* on *page* at or after character *after*."""
    tp = page.get_textpage()
    searcher = tp.search(text, index=after, match_case=True)
    found = searcher.get_next()
    assert found is not None, f"{text!r} is not on the page"
    start, count = found
    boxes = [tp.get_charbox(i) for i in range(start, start + count)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes), start)


def assert_value_under_label(page: pdfium.PdfPage, label: str, value: str) -> None:
    """*value* is printed right under the dose label *label*, in the same column."""
    l_left, l_bottom, _, _, index = box_of(page, label)
    v_left, _, _, v_top, _ = box_of(page, value, after=index)
    assert abs(v_left - l_left) < 2, f"{value!r} is not in the column of {label!r}"
    assert 0 < l_bottom - v_top < 12, f"{value!r} is not right under {label!r}"


def one_page(path: Path, n: int = 0) -> pdfium.PdfPage:
    return pdfium.PdfDocument(path)[n]


def page_with(path: Path, text: str) -> pdfium.PdfPage:
    doc = pdfium.PdfDocument(path)
    for page in doc:
        if text in page.get_textpage().get_text_range():
            return page
    raise AssertionError(f"{text!r} is on no page of {path}")


# ---------------------------------------------------------------- cards


def test_the_clients_dose_is_in_the_dose_box_and_marked_as_set_for_them(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("card", "piriformis", "side-stretch", "--brand", brand_file, "--dose", "hold=30s", "--dose", "repeats=3",
                 "--dose", "how_often=twice a day", "--dose", "sides=the left side", "-o", "card.pdf")
    assert result.exit_code == 0, result.output
    page = one_page(tmp_path / "card.pdf")
    for label, value in (("HOLD", "30 seconds"), ("REPEAT", "3 times"), ("SIDES", "the left side"), ("HOW OFTEN", "twice a day")):
        assert_value_under_label(page, label, value)
    text = read_pdf(tmp_path / "card.pdf").text
    assert re.findall(r"HOLD FOR YOU|REPEAT FOR YOU|SIDES FOR YOU|HOW OFTEN FOR YOU", text) == [
        "HOLD FOR YOU", "REPEAT FOR YOU", "SIDES FOR YOU", "HOW OFTEN FOR YOU"]
    assert SET_FOR_YOU in text
    assert "Daily, or as your therapist advises" not in text  # the topic's how-often was replaced


def test_only_the_values_set_are_marked(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("card", "piriformis", "tennis-ball-lying", "--brand", brand_file, "--dose", "hold=1 min", "-o", "card.pdf")
    assert result.exit_code == 0, result.output
    text = read_pdf(tmp_path / "card.pdf").text
    assert_value_under_label(one_page(tmp_path / "card.pdf"), "HOLD", "1 minute")
    assert text.count("FOR YOU") == 1 and "HOLD FOR YOU" in text
    assert "each sore spot" in text  # the topic's repeats are kept
    assert SET_FOR_YOU in text


def test_the_usual_dose_has_no_marks(run, tmp_path: Path, brand_file: Path, topic: Topic) -> None:
    result = run("card", "piriformis", "tennis-ball-seated", "--brand", brand_file, "-o", "card.pdf")
    assert result.exit_code == 0, result.output
    text = read_pdf(tmp_path / "card.pdf").text
    assert "FOR YOU" not in text and "Set for you" not in text
    assert plain(topic.routines["tennis-ball-seated"].dose.how_often) in text  # the topic's own words


def test_without_a_practitioner_the_therapist_is_named_generically(run, tmp_path: Path) -> None:
    result = run("card", "piriformis", "side-stretch", "--dose", "repeats=2", "-o", "card.pdf")
    assert result.exit_code == 0, result.output
    assert "Set for you by your therapist." in read_pdf(tmp_path / "card.pdf").text


def test_a_card_takes_its_own_routine_name_too(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("card", "piriformis", "side-stretch", "--brand", brand_file, "--dose", "side-stretch.hold=45 seconds", "-o", "card.pdf")
    assert result.exit_code == 0, result.output
    assert_value_under_label(one_page(tmp_path / "card.pdf"), "HOLD", "45 seconds")


# ---------------------------------------------------------------- the guide


def test_guide_sets_the_dose_of_the_named_routines_only(run, tmp_path: Path, brand_file: Path) -> None:
    result = run("guide", "piriformis", "--brand", brand_file, "--dose", "side-stretch.hold=20-30s",
                 "--dose", "side-stretch.repeats=4", "--dose", "belly-dancer.how_often=three times a day", "-o", "guide.pdf")
    assert result.exit_code == 0, result.output
    side = page_with(tmp_path / "guide.pdf", "20\u201330 seconds")  # the page of its dose box
    _, _, _, _, start = box_of(side, "Side stretch")
    _, _, _, _, hold_at = box_of(side, "HOLD", after=start)
    v_left, _, _, v_top, _ = box_of(side, "20\u201330 seconds", after=hold_at)
    l_left, l_bottom, _, _, _ = box_of(side, "HOLD", after=start)
    assert abs(v_left - l_left) < 2 and 0 < l_bottom - v_top < 12
    text = read_pdf(tmp_path / "guide.pdf").text
    assert "4 times" in text and "three times a day" in text
    assert text.count("FOR YOU") == 3
    assert text.count(SET_FOR_YOU) == 2  # side stretch and belly dancer


# ---------------------------------------------------------------- mistakes


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("card", "piriformis", "side-stretch", "--dose", "hold=abc"), r"^error: --dose hold=abc: 'abc' is not a hold time; write e\.g\. 30s"),
        (("card", "piriformis", "side-stretch", "--dose", "hold=0s"), r"^error: --dose hold=0s: .*not a sensible hold time"),
        (("card", "piriformis", "side-stretch", "--dose", "hold=30-15s"), r"^error: --dose hold=30-15s: .*shorter time first"),
        (("card", "piriformis", "side-stretch", "--dose", "hold=2 hours"), r"^error: --dose hold=2 hours: 'hours' .*not a unit of time"),
        (("card", "piriformis", "side-stretch", "--dose", "hols=30s"), r"^error: --dose hols=30s: 'hols' is not a part of the dose; did you mean 'hold'\?"),
        (("card", "piriformis", "side-stretch", "--dose", "how-often=daily"), r"did you mean 'how_often'\?"),
        (("card", "piriformis", "side-stretch", "--dose", "hold"), r"^error: --dose hold: is not KEY=VALUE"),
        (("card", "piriformis", "side-stretch", "--dose", "repeats="), r"^error: --dose repeats=: gives no repeats"),
        (("card", "piriformis", "side-stretch", "--dose", "repeats=0"), r"^error: --dose repeats=0: 0 is not a sensible number of repeats"),
        (("card", "piriformis", "side-stretch", "--dose", "sides=" + "x" * 41), r"is 41 characters long, more than the 40 allowed; shorten it"),
        (("card", "piriformis", "side-stretch", "--dose", "how_often=daily\x07"), r"control character U\+0007"),
        (("card", "piriformis", "side-stretch", "--dose", "belly-dancer.hold=30s"), r"names routine 'belly-dancer', but this card is for 'side-stretch'"),
        (("guide", "piriformis", "--dose", "hold=30s"), r"^error: --dose hold=30s: does not say which routine; write ROUTINE\.hold="),
        (("guide", "piriformis", "--dose", "side-strech.hold=30s"), r"^error: --dose side-strech\.hold=30s: there is no routine 'side-strech'; did you mean 'side-stretch'\?"),
        (("guide", "piriformis", "--dose", "belly.hold=30s"), r"there is no routine 'belly'; did you mean 'belly-dancer'\?"),
    ],
)
def test_a_bad_dose_is_one_located_line_and_nothing_is_written(run, tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    result = run(*args, "-o", "out.pdf")
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert re.search(expected, lines[0]), lines[0]
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_every_bad_dose_is_reported_at_once(run, tmp_path: Path) -> None:
    result = run("card", "piriformis", "side-stretch", "--dose", "hold=abc", "--dose", "repeets=3", "-o", "out.pdf")
    assert result.exit_code == 1
    assert [line.split(":")[1].strip() for line in result.output.strip().splitlines()] == ["--dose hold=abc", "--dose repeets=3"]


# ---------------------------------------------------------------- batch


def test_batch_dose_columns_set_each_clients_dose(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,hold,repeats,sides,how_often\nSam Lee,30s,3,both sides,twice a day\nAna Ruiz,,,,\n", encoding="utf-8")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", "side-stretch", "--brand", brand_file, "--out", "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    sam = tmp_path / "out" / "piriformis-side-stretch-sam-lee.pdf"
    page = page_with(sam, "HOLD")  # the dose box, on the front or, after a long routine, the back
    for label, value in (("HOLD", "30 seconds"), ("REPEAT", "3 times"), ("HOW OFTEN", "twice a day")):
        assert_value_under_label(page, label, value)
    assert SET_FOR_YOU in read_pdf(sam).text
    ana = read_pdf(tmp_path / "out" / "piriformis-side-stretch-ana-ruiz.pdf").text
    assert "FOR YOU" not in ana and "Set for you" not in ana


def test_batch_base_dose_applies_to_every_row_and_a_column_wins(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,hold\nSam Lee,1 min\nAna Ruiz,\n", encoding="utf-8")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", "side-stretch", "--brand", brand_file,
                 "--dose", "hold=20s", "--out", "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert_value_under_label(page_with(tmp_path / "out" / "piriformis-side-stretch-sam-lee.pdf", "HOLD"), "HOLD", "1 minute")
    assert_value_under_label(page_with(tmp_path / "out" / "piriformis-side-stretch-ana-ruiz.pdf", "HOLD"), "HOLD", "20 seconds")


def test_batch_bad_dose_cell_names_the_row_and_column_and_the_rest_are_written(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,hold,repeats\nSam Lee,30s,3\nAna Ruiz,forever,2\nBo Chen,,lots and lots and lots and lots of times really\n", encoding="utf-8")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", "side-stretch", "--brand", brand_file, "--out", "out", "--jobs", "1")
    assert result.exit_code == 1
    assert f"{csv_path}:3: column 'hold': 'forever' is not a hold time" in result.output
    assert f"{csv_path}:4: column 'repeats': is 47 characters long, more than the 40 allowed" in result.output
    assert "1 written, 2 failed" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["piriformis-side-stretch-sam-lee.pdf"]


def test_batch_unknown_column_suggests_the_dose_column(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,how often\nSam Lee,daily\n", encoding="utf-8")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", "side-stretch", "--brand", brand_file, "--out", "out")
    assert result.exit_code == 1
    assert "'how often' is not a known column" in result.output and "did you mean 'how_often'?" in result.output


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "seconds", "words"),
    [
        ("30s", (30, 30), "30 seconds"),
        ("30 seconds", (30, 30), "30 seconds"),
        ("15-30s", (15, 30), "15\u201330 seconds"),
        ("15 to 30 seconds", (15, 30), "15\u201330 seconds"),
        ("15\u201330 sec", (15, 30), "15\u201330 seconds"),
        ("1 min", (60, 60), "1 minute"),
        ("1-2 minutes", (60, 120), "1\u20132 minutes"),
        ("90 secs", (90, 90), "90 seconds"),
        ("1.5 min", (90, 90), "90 seconds"),
        ("45", (45, 45), "45 seconds"),
        ("30s-1 min", (30, 60), "30\u201360 seconds"),
    ],
)
def test_hold_times_in_everyday_writing(text: str, seconds: tuple[int, int], words: str) -> None:
    assert parse_hold(text) == seconds
    assert Dose(how_often="daily", hold_seconds=seconds).hold == words  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "abc", "1:30", "30 parsecs", "0", "0.5s", "2 hours", "90 minutes", "30-", "-30"])
def test_hold_times_that_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hold(text)


@pytest.mark.parametrize(
    ("how_often", "expected"),
    [
        ("twice a day", (2, False)),
        ("Twice a day, morning and evening", (2, False)),
        ("three times a day", (3, False)),
        ("3 times per day", (3, False)),
        ("daily", (1, False)),
        ("once a day", (1, False)),
        ("Daily, or as your therapist advises", (1, False)),
        ("every other day", (1, True)),
        ("On alternate days", (1, True)),
        ("when it feels tight", (1, False)),
    ],
)
def test_sessions_a_day_from_how_often(how_often: str, expected: tuple[int, bool]) -> None:
    assert sessions(how_often) == expected
