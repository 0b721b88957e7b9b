"""Reference renders: every guide page and built-in card, compared with a checked-in picture.

Each case is built with the neutral built-in brand and rendered with pypdfium2 at
a low resolution in greyscale; the result is compared with
``tests/renders/CASE-pN.png``. Small differences (anti-aliasing on another
machine) pass; a moved line, a changed word or a new colour does not.

When a change to the look is intended, regenerate every reference with

    HANDOUT_UPDATE_RENDERS=1 .venv/bin/pytest tests/test_renders.py

then open the changed PNGs and look at them before committing. On a mismatch the
test writes the actual page and a difference image to ``tests/renders/failed/``
(not checked in) and prints their paths.

Cases come from the built-in content folder: the guide of every topic, every
routine's card at the default size and at the small sizes, and a programme of
the first routine of every topic; in large print, the heel-pain guide and the
side stretch's card.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops

from conftest import ROOT
from handout.build import Request, render
from handout.impose import SheetRequest, render_sheets
from handout.load.content import list_topics, load_topic
from handout.model import Pick, ProgramSpec

RENDERS = ROOT / "tests" / "renders"
FAILED = RENDERS / "failed"
UPDATE = os.environ.get("HANDOUT_UPDATE_RENDERS", "") not in ("", "0")
DPI = 45
#: card sizes drawn for every routine: the default, then the small ones
CARD_SIZES = ("half-letter", "4x6", "3x5")

#: a pixel counts as changed when its grey level moves by more than this (0–255)
PIXEL_THRESHOLD = 48
#: a page fails when more than this fraction of its pixels changed …
MAX_CHANGED = 0.002
#: … or when its mean difference is above this (grey levels, 0–255)
MAX_MEAN = 1.5


def cases() -> Iterator[tuple[str, Request | SheetRequest]]:
    firsts = []
    for topic_id, path in list_topics([ROOT / "content"]).items():
        yield f"{topic_id}-guide", Request("guide", topic_id)
        routines = list(load_topic(path).routines)
        firsts.append(f"{topic_id}/{routines[0]}")
        for routine_id in routines:
            for size in CARD_SIZES:
                yield f"{topic_id}-{routine_id}-{size}", Request("card", topic_id, routine=routine_id, card_size=size)
    # a programme: the first routine of every topic, with their warning signs and sources merged
    spec = ProgramSpec(title="Your exercise programme", picks=tuple(Pick(ref) for ref in firsts))
    yield "programme", Request("program", firsts[0].split("/")[0], program=spec)
    # large print: a whole guide and a card whose routine goes on to the card's back
    yield "heel-pain-guide-large-print", Request("guide", "heel-pain", large_print=True)
    yield "piriformis-side-stretch-large-print", Request("card", "piriformis", routine="side-stretch", large_print=True)
    # cards on a sheet: four to a Letter page, two-sided, with cut marks and the backs mirrored
    four = tuple(Request("card", "piriformis", routine=r) for r in ("tennis-ball-seated", "side-stretch", "belly-dancer", "tennis-ball-lying"))
    yield "piriformis-sheet-4-duplex", SheetRequest(four, "letter", per_sheet=4, duplex=True)


CASES: dict[str, Request | SheetRequest] = dict(cases())


def references(name: str) -> list[Path]:
    """The checked-in pages of case *name*, in page order."""
    found = [(int(m.group(1)), p) for p in RENDERS.glob(f"{name}-p*.png") if (m := re.fullmatch(re.escape(name) + r"-p(\d+)", p.stem))]
    return [p for _, p in sorted(found)]


def pages(data: bytes) -> list[Image.Image]:
    doc = pdfium.PdfDocument(data)
    try:
        return [page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def difference(expected: Image.Image, actual: Image.Image) -> tuple[float, float]:
    """Fraction of pixels changed beyond the threshold, and the mean absolute difference."""
    diff = ImageChops.difference(expected, actual)
    hist = diff.histogram()
    total = expected.width * expected.height
    changed = sum(hist[PIXEL_THRESHOLD + 1 :]) / total
    mean = sum(level * count for level, count in enumerate(hist)) / total
    return changed, mean


def diff_picture(expected: Image.Image, actual: Image.Image) -> Image.Image:
    """Expected, actual, and the actual over a faded expected with every change in red, side by side."""
    w, h = actual.size
    sheet = Image.new("RGB", (w * 3 + 20, h), (128, 128, 128))
    sheet.paste(expected.convert("RGB"), (0, 0))
    sheet.paste(actual.convert("RGB"), (w + 10, 0))
    faded = Image.blend(expected.convert("RGB"), Image.new("RGB", expected.size, (255, 255, 255)), 0.7)
    mask = ImageChops.difference(expected, actual).point(lambda v: 255 if v > PIXEL_THRESHOLD // 2 else 0)
    faded.paste(Image.new("RGB", expected.size, (220, 0, 0)), (0, 0), mask)
    sheet.paste(faded, (2 * w + 20, 0))
    return sheet


def save(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, optimize=True)


@pytest.fixture(autouse=True)
def _builtin_brand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The neutral built-in brand, whatever the working folder or environment holds."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_BRAND", raising=False)


@pytest.mark.parametrize("name", sorted(CASES))
def test_render_matches_reference(name: str) -> None:
    case = CASES[name]
    actual = pages(render_sheets(case) if isinstance(case, SheetRequest) else render(case))
    for old in FAILED.glob(f"{name}-p*.png"):
        old.unlink()
    refs = references(name)
    if UPDATE:
        for old in refs:
            old.unlink()
        for n, img in enumerate(actual, start=1):
            save(img, RENDERS / f"{name}-p{n}.png")
        return
    problems = []
    if len(refs) != len(actual):
        problems.append(f"{len(actual)} pages, the reference has {len(refs)}")
    for n, img in enumerate(actual, start=1):
        ref_path = RENDERS / f"{name}-p{n}.png"
        if not ref_path.exists():
            save(img, FAILED / f"{name}-p{n}.actual.png")
            continue
        expected = Image.open(ref_path).convert("L")
        if expected.size != img.size:
            problems.append(f"page {n} is {img.size} pixels, the reference {expected.size}")
            save(img, FAILED / f"{name}-p{n}.actual.png")
            continue
        changed, mean = difference(expected, img)
        if changed > MAX_CHANGED or mean > MAX_MEAN:
            problems.append(f"page {n}: {changed:.2%} of pixels changed (at most {MAX_CHANGED:.2%}), mean difference {mean:.2f} (at most {MAX_MEAN})")
            save(img, FAILED / f"{name}-p{n}.actual.png")
            save(diff_picture(expected, img), FAILED / f"{name}-p{n}.diff.png")
    if problems:
        pytest.fail(
            f"{name} looks different from tests/renders/{name}-p*.png: " + "; ".join(problems)
            + f". Actual pages and differences are in {FAILED}/{name}-p*. If the change is intended, "
            "run HANDOUT_UPDATE_RENDERS=1 .venv/bin/pytest tests/test_renders.py and look at the new PNGs.",
            pytrace=False,
        )


def test_every_reference_belongs_to_a_case() -> None:
    """A reference left over from a removed topic, routine or page is an error (the update removes it)."""
    names = set(CASES)
    stale = [p for p in RENDERS.glob("*.png") if re.sub(r"-p\d+$", "", p.stem) not in names]
    if UPDATE:
        for p in stale:
            p.unlink()
        return
    assert not stale, f"references without a case (run HANDOUT_UPDATE_RENDERS=1 to remove them): {', '.join(p.name for p in stale)}"


def test_references_stay_small() -> None:
    total = sum(p.stat().st_size for p in RENDERS.glob("*.png"))
    assert total < 2_000_000, f"reference renders take {total / 1e6:.1f} MB; keep them under 2 MB (lower the DPI)"
