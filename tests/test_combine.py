"""``handout batch … --combine FILE.pdf``: one print-ready file for the whole list, in CSV order."""

from __future__ import annotations

import gc
import io
import random
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import read_pdf

ROUTINE = "side-stretch"


def names(n: int) -> list[str]:
    first = ["Sam", "Ana", "José", "Mei", "Olu", "Priya", "Lars", "Zoë", "Tom", "Ines"]
    return [f"{first[i % len(first)]} Client{i:03d}" for i in range(n)]


def write_rows(path: Path, clients: list[str], extra: str = "") -> Path:
    lines = ["client,note", *(f"{c},Note for {c}" for c in clients)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def bookmarks(data: bytes) -> list[tuple[str, int]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


def test_fifty_rows_make_one_file_with_a_bookmark_per_client_in_csv_order(run, tmp_path: Path, brand_file: Path) -> None:
    clients = names(50)
    csv_path = write_rows(tmp_path / "clients.csv", clients)
    one = run("card", "piriformis", ROUTINE, "--brand", brand_file, "--client", "X Y", "-o", "one.pdf")
    assert one.exit_code == 0, one.output
    per_card = read_pdf(tmp_path / "one.pdf").pages
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--brand", brand_file,
                 "--combine", "all.pdf", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "50 written, 0 failed" in result.output
    assert not (tmp_path / "handouts").exists()  # nothing but the combined file
    data = (tmp_path / "all.pdf").read_bytes()
    facts = read_pdf(data)
    assert facts.pages == 50 * per_card
    marks = bookmarks(data)
    assert [title for title, _ in marks] == [f"{c} \u2013 {ROUTINE}" for c in clients]
    assert [page for _, page in marks] == [i * per_card for i in range(50)]
    for client, (_, page) in zip(clients, marks):
        assert client in facts.texts[page] and f"Note for {client}" in facts.texts[page]
    # the logo and fonts are stored once, not fifty times
    reader = pypdf.PdfReader(io.BytesIO(data))
    images = {x.indirect_reference.idnum for p in reader.pages for x in p.images}
    assert len(images) == 1
    single = (tmp_path / "one.pdf").stat().st_size
    assert len(data) < single * 50 * 0.7


def test_guides_combined_and_a_bad_row_reported(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,note\nSam Lee,hi\n,no name here\nMei Chen,hello\n", encoding="utf-8")
    pages = []
    for client, note in (("Sam Lee", "hi"), ("Mei Chen", "hello")):
        alone = run("guide", "piriformis", "--brand", brand_file, "--client", client, "--note", note, "-o", "guide.pdf")
        assert alone.exit_code == 0
        pages.append(read_pdf(tmp_path / "guide.pdf").pages)
    result = run("batch", csv_path, "--topic", "piriformis", "--brand", brand_file, "--combine", "guides.pdf", "--jobs", "1")
    assert result.exit_code == 1
    assert f"{csv_path}:3:" in result.output and "client is empty" in result.output
    assert "2 written, 1 failed" in result.output
    data = (tmp_path / "guides.pdf").read_bytes()
    assert read_pdf(data).pages == sum(pages)
    assert bookmarks(data) == [("Sam Lee", 0), ("Mei Chen", pages[0])]


def test_nothing_is_written_when_no_row_succeeds(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,hold\nSam Lee,forever\nAna Ruiz,never\n", encoding="utf-8")
    target = tmp_path / "all.pdf"
    assert run("card", "piriformis", ROUTINE, "--client", "Yesterday", "-o", target).exit_code == 0
    before = target.read_bytes()
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--brand", brand_file, "--combine", target)
    assert result.exit_code == 1
    assert "0 written, 2 failed" in result.output and "nothing written" in result.output
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_target_that_is_not_a_pdf_is_refused_before_any_work(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = write_rows(tmp_path / "clients.csv", names(2))
    (tmp_path / "notes.txt").write_text("keep me")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--combine", "notes.txt")
    assert result.exit_code == 1 and "notes.txt" in result.output
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("duplex", [False, True])
def test_cards_on_sheets_with_a_bookmark_per_client(run, tmp_path: Path, duplex: bool) -> None:
    clients = names(10)
    csv_path = write_rows(tmp_path / "clients.csv", clients)
    args = ["batch", csv_path, "--topic", "piriformis", "--routine", "belly-dancer", "--combine", "sheets.pdf", "--per-sheet", "4"]
    result = run(*args, *(["--duplex", "--back-offset", "1,0"] if duplex else []))
    assert result.exit_code == 0, result.output
    data = (tmp_path / "sheets.pdf").read_bytes()
    facts = read_pdf(data)
    sheets = 3  # 10 cards, 4 to a sheet
    assert facts.pages == sheets * (2 if duplex else 1)
    assert all(size == pytest.approx((612.0, 792.0)) for size in facts.sizes)
    step = 2 if duplex else 1
    marks = bookmarks(data)
    assert [t for t, _ in marks] == [f"{c} \u2013 belly-dancer" for c in clients]
    assert [p for _, p in marks] == [(i // 4) * step for i in range(10)]
    for client, (_, page) in zip(clients, marks):
        assert client in facts.texts[page]
    if duplex:
        assert facts.texts[1].count("Bring this card to your next visit") == 4


def test_per_sheet_needs_cards(run, tmp_path: Path) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text("client,routine\nSam Lee,belly-dancer\nAna Ruiz,\n", encoding="utf-8")
    result = run("batch", csv_path, "--topic", "piriformis", "--combine", "s.pdf", "--per-sheet", "2")
    assert result.exit_code == 1
    assert f"{csv_path}:3:" in result.output and "routine" in result.output
    assert bookmarks((tmp_path / "s.pdf").read_bytes()) == [("Sam Lee \u2013 belly-dancer", 0)]


def test_sheet_options_need_combine(run, tmp_path: Path) -> None:
    csv_path = write_rows(tmp_path / "clients.csv", names(1))
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--per-sheet", "2")
    assert result.exit_code != 0 and "--combine" in result.output


def test_memory_stays_flat_as_documents_join(tmp_path: Path) -> None:
    """Each document is streamed into the file, never held: joining ten times as many adds only bookkeeping."""
    from handout.build import Request, render
    from handout.write.combined import combined_file

    clinic = tmp_path / "clinic"
    clinic.mkdir()
    noise = Image.frombytes("RGB", (900, 300), random.Random(1).randbytes(900 * 300 * 3))
    noise.save(clinic / "logo.png")
    (clinic / "brand.toml").write_text('name = "Noisy Logo Clinic"\nlogo = "logo.png"\n', encoding="utf-8")
    base = Request("card", "piriformis", routine="belly-dancer", brand_file=clinic / "brand.toml", log_days=0)  # the logo is what is shared
    pdfs = [render(replace(base, client=name)) for name in names(4)]
    assert min(map(len, pdfs)) > 20_000  # the noisy logo makes each PDF big (200 held would be 4 MB), so holding them would show

    def peak(n: int) -> int:
        gc.collect()
        tracemalloc.start()
        with combined_file(tmp_path / f"all{n}.pdf") as out:
            for i in range(n):
                out.add(pdfs[i % 4], [(f"row {i}", 0)])
            out.commit()
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(20), peak(200)
    assert (large - small) / 180 < 2_000, (small, large)
    data = (tmp_path / "all200.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len({x.indirect_reference.idnum for p in reader.pages for x in p.images}) == 1  # the logo, once
    assert (len(data) - len(pdfs[0])) / 199 < 1_000  # each further document adds its page, not another logo
    facts = read_pdf(data)
    assert facts.pages == 200 and facts.outline == [f"row {i}" for i in range(200)]
    assert "Sam Client000" in facts.texts[0] and "Olu Client004" not in facts.text


def test_the_combined_file_follows_the_umask_and_keeps_a_replaced_files_permissions(run, tmp_path: Path) -> None:
    import os
    import stat

    from handout.write import output

    csv_path = write_rows(tmp_path / "clients.csv", names(2))
    old = os.umask(0o077)
    output._umask.cache_clear()  # the umask is read once per process
    try:
        assert run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--combine", "all.pdf").exit_code == 0
        assert stat.S_IMODE((tmp_path / "all.pdf").stat().st_mode) == 0o600  # a client's name is nobody else's business
        (tmp_path / "all.pdf").chmod(0o640)
        assert run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--combine", "all.pdf").exit_code == 0
        assert stat.S_IMODE((tmp_path / "all.pdf").stat().st_mode) == 0o640
    finally:
        os.umask(old)
        output._umask.cache_clear()
    assert not list(tmp_path.glob(".*.tmp"))
