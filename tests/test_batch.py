"""``handout batch``: one personalised PDF per CSV row, named safely, rows independent."""

from __future__ import annotations

from pathlib import Path

from conftest import read_pdf

ROUTINE = "side-stretch"


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


ROWS = """\
client,note
Sam Lee,Twice a day this week
José Núñez,Gently at first
Sam Lee,Only the left side
Ana Ruiz,
"""


def test_files_are_named_from_the_client_and_hold_their_text(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = write_csv(tmp_path / "clients.csv", ROWS)
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--brand", brand_file, "--out", "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    expected = {
        f"piriformis-{ROUTINE}-sam-lee.pdf": ("Sam Lee", "Twice a day this week"),
        f"piriformis-{ROUTINE}-jose-nunez.pdf": ("José Núñez", "Gently at first"),
        f"piriformis-{ROUTINE}-sam-lee-2.pdf": ("Sam Lee", "Only the left side"),
        f"piriformis-{ROUTINE}-ana-ruiz.pdf": ("Ana Ruiz", None),
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    for name, (client, note) in expected.items():
        assert name.isascii()
        facts = read_pdf(out / name)
        assert facts.pages == 2  # the card and, on its back, the tick-log
        assert client in facts.text
        if note:
            assert note in facts.text
        else:
            assert "Note from your therapist" not in facts.text
    assert "Only the left side" not in read_pdf(out / f"piriformis-{ROUTINE}-sam-lee.pdf").text


def test_a_bad_row_is_reported_with_its_number_and_the_rest_are_written(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = write_csv(tmp_path / "clients.csv", "client,note\nSam Lee,hi\n,no name here\nAna Ruiz,hello\n")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--brand", brand_file, "--out", "out")
    assert result.exit_code == 1
    assert f"{csv_path}:3:" in result.output and "client is empty" in result.output
    assert "2 written, 1 failed" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"piriformis-{ROUTINE}-ana-ruiz.pdf", f"piriformis-{ROUTINE}-sam-lee.pdf"]


def test_an_output_name_cannot_escape_the_out_folder(run, tmp_path: Path, brand_file: Path) -> None:
    outside = tmp_path / "x.pdf"
    csv_path = write_csv(tmp_path / "clients.csv",
                         f"client,note,output\nEve One,a,../evil.pdf\nEve Two,b,{outside}\nEve Three,c,..\\evil2.pdf\nSam Lee,d,sam.pdf\n")
    result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--brand", brand_file, "--out", "out")
    assert result.exit_code == 1
    for row in (2, 3, 4):
        assert f"{csv_path}:{row}:" in result.output
    assert "not a plain file name" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["sam.pdf"]
    assert not (tmp_path / "evil.pdf").exists() and not outside.exists()
    # nothing at all was written outside --out (only the CSV and the brand folder are there)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients.csv", "clinic", "out"]


def test_one_and_two_workers_give_byte_identical_files(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = write_csv(tmp_path / "clients.csv", ROWS)
    for jobs in ("1", "2"):
        result = run("batch", csv_path, "--topic", "piriformis", "--routine", ROUTINE, "--brand", brand_file, "--out", f"out{jobs}", "--jobs", jobs)
        assert result.exit_code == 0, result.output
    one = {p.name: p.read_bytes() for p in (tmp_path / "out1").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "out2").iterdir()}
    assert len(one) == 4
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], f"{name} differs between --jobs 1 and --jobs 2"


def test_a_guide_batch_without_routine(run, tmp_path: Path, brand_file: Path) -> None:
    csv_path = write_csv(tmp_path / "clients.csv", "client,note\nSam Lee,Twice a day\nJosé Núñez,\n")
    result = run("batch", csv_path, "--topic", "piriformis", "--brand", brand_file, "--out", "guides", "--jobs", "2")
    assert result.exit_code == 0, result.output
    out = tmp_path / "guides"
    assert sorted(p.name for p in out.iterdir()) == ["piriformis-jose-nunez.pdf", "piriformis-sam-lee.pdf"]
    facts = read_pdf(out / "piriformis-sam-lee.pdf")
    assert facts.pages >= 3
    assert "Sam Lee" in facts.text and "Twice a day" in facts.text
    assert "José Núñez" in read_pdf(out / "piriformis-jose-nunez.pdf").text


def test_ctrl_c_stops_cleanly_and_leaves_no_half_written_pdf(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, as in a terminal; every file left is a whole PDF."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import pypdf

    rows = "\n".join(f"Client {i},Note {i}" for i in range(400))
    (tmp_path / "many.csv").write_text("client,note\n" + rows + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "handout", "batch", "many.csv", "--topic", "piriformis", "--routine", "side-stretch", "--out", str(out), "--jobs", "2"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 20:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert b"Traceback" not in err
    assert b"interrupted" in err
    assert not [p for p in out.iterdir() if not p.name.endswith(".pdf")], "temporary files were left behind"
    written = list(out.glob("*.pdf"))
    assert 20 <= len(written) < 400
    for pdf in written:
        assert len(pypdf.PdfReader(pdf, strict=True).pages) == 2  # a whole card: front and back
