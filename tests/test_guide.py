"""The full guide, read back from the PDF the way a client would see it.

Expectations are driven by the loaded content model (content/piriformis.md), so
every bullet, step and dose value of the topic is checked, not a hand-picked few.
Each document is rendered once per module.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from conftest import ROOT, PdfFacts, norm, plain, read_pdf
from handout.build import Request, render
from handout.model import Routine, Topic

TOPIC_FILE = ROOT / "content" / "piriformis.md"
CLINIC = "Riverside Massage Therapy"
PHONE = "+1 555 010 0199"
EMAIL = "hello@riverside-massage.example"
WEBSITE = "https://riverside-massage.example"
LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)
ROUTINE_IDS = ("tennis-ball-seated", "tennis-ball-lying", "side-stretch", "belly-dancer")

#: bullets per section in the reference handout
REFERENCE_COUNTS = {"symptoms": 7, "causes": 18, "tips": 5}


def flat(text: str) -> str:
    """Text with all whitespace removed: immune to where the PDF broke lines."""
    return re.sub(r"\s+", "", norm(text))


def contains(haystack: str, needle: str) -> bool:
    return flat(needle) in flat(haystack)


def missing(haystack: str, needles: list[str]) -> list[str]:
    return [n for n in needles if not contains(haystack, n)]


def bullets(topic: Topic, section_id: str) -> list[str]:
    section = topic.section(section_id)
    assert section is not None, f"topic has no section '{section_id}'"
    return [plain(item) for b in section.blocks if b.kind == "bullets" for item in b.items]


def images_per_page(data: bytes) -> list[int]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [len(p.images) for p in reader.pages]


def assert_size(facts: PdfFacts, expected: tuple[float, float]) -> None:
    for n, (w, h) in enumerate(facts.sizes, start=1):
        assert w == pytest.approx(expected[0], abs=0.5) and h == pytest.approx(expected[1], abs=0.5), (
            f"page {n} is {w:.2f}x{h:.2f} pt, expected {expected[0]}x{expected[1]}"
        )


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def branded_bytes(letter_brand: Path) -> bytes:
    return render(Request("guide", "piriformis", brand_file=letter_brand))


@pytest.fixture(scope="module")
def branded(branded_bytes: bytes) -> PdfFacts:
    return read_pdf(branded_bytes)


@pytest.fixture(scope="module")
def personal(letter_brand: Path) -> PdfFacts:
    return read_pdf(render(Request("guide", "piriformis", brand_file=letter_brand, client="Sam Lee",
                                   note="Twice a day this week, gently")))


@pytest.fixture(scope="module")
def default_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    # no brand file, no HANDOUT_BRAND, and a working folder without brand.toml
    mp = pytest.MonkeyPatch()
    try:
        mp.delenv("HANDOUT_BRAND", raising=False)
        mp.chdir(tmp_path_factory.mktemp("no-brand"))
        return render(Request("guide", "piriformis"))
    finally:
        mp.undo()


# ---------------------------------------------------------------- content


def test_the_model_matches_the_reference_handout(topic: Topic) -> None:
    counts = {sid: len(bullets(topic, sid)) for sid in REFERENCE_COUNTS}
    assert counts == REFERENCE_COUNTS
    assert bullets(topic, "red-flags"), "the red-flags section has no bullets"
    assert tuple(topic.routines) == ROUTINE_IDS


def test_every_section_heading_is_printed(branded: PdfFacts, topic: Topic) -> None:
    titles = [plain(s.title) for s in topic.sections]
    assert len(titles) >= 6
    assert missing(branded.text, titles) == []


def test_outline_lists_the_section_titles_in_order(branded: PdfFacts, topic: Topic) -> None:
    titles = [plain(s.title) for s in topic.sections]
    in_outline = [norm(t) for t in branded.outline if norm(t) in titles]
    assert in_outline == titles, f"outline: {branded.outline}"


@pytest.mark.parametrize("section_id", ["symptoms", "causes", "tips", "red-flags"])
def test_every_bullet_of_the_section_is_printed(branded: PdfFacts, topic: Topic, section_id: str) -> None:
    items = bullets(topic, section_id)
    assert items
    if section_id in REFERENCE_COUNTS:
        assert len(items) == REFERENCE_COUNTS[section_id]
    assert missing(branded.text, items) == []


def test_the_bullets_are_printed_as_separate_bullets(branded: PdfFacts, topic: Topic) -> None:
    """Every bullet of the topic gets its own bullet mark (none merged or dropped)."""
    expected = sum(len(bullets(topic, s.id)) for s in topic.sections)
    body = branded.text.rsplit("Sources", 1)[0]  # the sources list after it has its own bullets
    assert body.count("\u2022") == expected


def test_intro_summary_and_paragraphs_are_printed(branded: PdfFacts, topic: Topic) -> None:
    texts = [plain(topic.summary)]
    if topic.subtitle:
        texts.append(plain(topic.subtitle))
    texts += [plain(b.text) for b in topic.intro if b.text is not None]
    texts += [plain(b.text) for s in topic.sections for b in s.blocks if b.kind == "paragraph" and b.text is not None]
    assert missing(branded.text, texts) == []


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_every_routine_is_printed_whole(branded: PdfFacts, topic: Topic, routine_id: str) -> None:
    r: Routine = topic.routines[routine_id]
    steps = [plain(s) for s in r.steps]
    wanted = [plain(r.title), plain(r.purpose), plain(r.stop_if), *steps]
    if r.equipment:
        wanted.append(plain(r.equipment))
    assert missing(branded.text, wanted) == []
    # the steps are in order, after the routine's title
    text = flat(branded.text)
    at = text.index(flat(plain(r.title)))
    for step in steps:
        found = text.find(flat(step), at)
        assert found > at, f"step out of order or missing: {step!r}"
        at = found


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_every_dose_value_is_printed(branded: PdfFacts, topic: Topic, routine_id: str) -> None:
    items = topic.routines[routine_id].dose.items()
    assert any(label == "How often" for label, _ in items)
    low = flat(branded.text).lower()
    for label, value in items:
        assert flat(plain(value)) in flat(branded.text), f"{routine_id}: {label} value {value!r} missing"
        assert flat(label).lower() in low, f"{routine_id}: dose label {label!r} missing"


def test_hold_times_print_with_an_en_dash(branded: PdfFacts, topic: Topic) -> None:
    assert topic.routines["tennis-ball-seated"].dose.hold == "15 seconds"
    assert topic.routines["tennis-ball-lying"].dose.hold == "15\u201330 seconds"
    assert "15 seconds" in branded.text
    assert "15\u201330 seconds" in branded.text


def test_sources_review_date_and_disclaimer(branded: PdfFacts, topic: Topic) -> None:
    urls = [s.url for s in topic.sources]
    # the two sources of the reference handout, then the ones behind the safety additions
    assert urls[:2] == ["http://triggerpointrelief.com/cdrom/piriformis.html",
                        "http://askcoachjenny.runnersworld.com/2009/07/four-ways-to-alleviate-piriformis-pain.html"]
    assert len(urls) > 2
    assert missing(branded.text, urls) == []
    assert missing(branded.text, [plain(s.title) for s in topic.sources]) == []
    reviewed = topic.reviewed
    assert f"Last reviewed {reviewed:%B} {reviewed.day}, {reviewed.year}" in branded.text
    assert contains(branded.text, plain(topic.disclaimer))


# ---------------------------------------------------------------- brand


def test_clinic_name_on_every_page(branded: PdfFacts) -> None:
    assert branded.pages >= 2
    assert [n for n, t in enumerate(branded.texts, 1) if CLINIC not in t] == []


@pytest.mark.parametrize("detail", [PHONE, EMAIL, WEBSITE])
def test_contact_details_on_every_page(branded: PdfFacts, detail: str) -> None:
    assert [n for n, t in enumerate(branded.texts, 1) if not contains(t, detail)] == []


def test_logo_on_every_page(branded_bytes: bytes, branded: PdfFacts) -> None:
    assert branded.images >= branded.pages
    per_page = images_per_page(branded_bytes)
    assert [n for n, count in enumerate(per_page, 1) if count < 1] == []


def test_page_n_of_m_on_each_page(branded: PdfFacts) -> None:
    total = branded.pages
    for n, text in enumerate(branded.texts, start=1):
        assert f"Page {n} of {total}" in text, f"page {n}"


def test_client_and_note_on_page_one(personal: PdfFacts, branded: PdfFacts) -> None:
    first = personal.texts[0]
    assert "Prepared for Sam Lee" in first
    assert "Twice a day this week, gently" in first
    assert "Sam Lee" not in branded.text  # only when asked for


@pytest.mark.parametrize("client", ["O'Brien & Sons <Ltd>", "Zo\u00eb \u00c5ngstr\u00f6m"])
def test_client_text_is_printed_as_typed(client: str) -> None:
    facts = read_pdf(render(Request("guide", "piriformis", client=client, note=f"For {client}, twice a day")))
    assert f"Prepared for {client}" in facts.texts[0]
    assert f"For {client}, twice a day" in facts.texts[0]


# ---------------------------------------------------------------- paper


def test_letter_from_the_brand(branded: PdfFacts) -> None:
    assert_size(branded, LETTER)
    assert 3 <= branded.pages <= 8


def test_a4_from_the_brand(a4_brand: Path) -> None:
    facts = read_pdf(render(Request("guide", "piriformis", brand_file=a4_brand)))
    assert_size(facts, A4)
    assert 3 <= facts.pages <= 8


def test_paper_option_beats_the_brand(letter_brand: Path, a4_brand: Path) -> None:
    a4 = read_pdf(render(Request("guide", "piriformis", brand_file=letter_brand, paper="a4")))
    assert_size(a4, A4)
    assert 3 <= a4.pages <= 8
    letter = read_pdf(render(Request("guide", "piriformis", brand_file=a4_brand, paper="letter")))
    assert_size(letter, LETTER)


# ---------------------------------------------------------------- metadata


def test_metadata(branded: PdfFacts, topic: Topic) -> None:
    assert branded.metadata.get("Title") == plain(topic.title)
    assert branded.metadata.get("Author") == CLINIC
    assert branded.metadata.get("Subject", "").strip()
    assert branded.lang == topic.language == "en"


# ---------------------------------------------------------------- determinism


def test_two_renders_are_byte_identical(letter_brand: Path, branded_bytes: bytes) -> None:
    again = render(Request("guide", "piriformis", brand_file=letter_brand))
    assert again == branded_bytes


def test_identical_with_source_date_epoch(letter_brand: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 2025-11-26 00:00:00 UTC
    req = Request("guide", "piriformis", brand_file=letter_brand, client="Sam Lee")
    first = render(req)
    second = render(req)
    assert first == second
    facts = read_pdf(first)
    assert facts.metadata.get("CreationDate", "").startswith("D:20251126")


def test_identical_across_processes(letter_brand: Path, tmp_path: Path) -> None:
    """Separate runs (different hash seeds, as two real invocations would have) give the same bytes."""
    script = (
        "import sys; from pathlib import Path; from handout.build import Request, render; "
        "Path(sys.argv[1]).write_bytes(render(Request('guide', 'piriformis', brand_file=Path(sys.argv[2]), client='Sam Lee')))"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}.pdf"
        env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1764115200"}
        subprocess.run([sys.executable, "-c", script, str(out), str(letter_brand)], env=env, check=True, timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# ---------------------------------------------------------------- default brand


def test_default_brand(default_bytes: bytes) -> None:
    facts = read_pdf(default_bytes)
    assert [n for n, t in enumerate(facts.texts, 1) if "Your Clinic" not in t] == []
    assert facts.metadata.get("Author") == "Your Clinic"
    assert facts.images >= facts.pages
    assert min(images_per_page(default_bytes)) >= 1
    assert_size(facts, LETTER)
