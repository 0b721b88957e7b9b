"""``handout batch`` reads its file as CSV, names files every system can hold, and stops cleanly.

Every case runs the real command in a subprocess under a timeout and checks the
exit code, the one-line message with the physical line of the file, that no
traceback leaks, which PDFs exist and whose name each one prints (read back
with pypdf), that the PDF already in the output folder is byte-identical, and
that nothing was written anywhere else.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import pytest

from handout.write.names import name_problem

ROUTINE = "side-stretch"
TIMEOUT = 90
PREVIOUS = "previous.pdf"


def card(client_slug: str) -> str:
    return f"piriformis-{ROUTINE}-{client_slug}.pdf"


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def handout(args: list[str], cwd: Path, timeout: float = TIMEOUT) -> Ran:
    env = {k: v for k, v in os.environ.items() if k != "HANDOUT_BRAND"}
    proc = subprocess.run([sys.executable, "-m", "handout", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=timeout)
    return Ran(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path, strict=True)
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def prepared_for(path: Path) -> str:
    """The client's name as printed on the PDF."""
    reader = pypdf.PdfReader(path, strict=True)
    first = reader.pages[0].extract_text() or ""
    m = re.search(r"Prepared for (.+)", first)
    assert m, f"{path.name} prints no client: {first[:200]!r}"
    return " ".join(m.group(1).split())


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def previous_pdf() -> bytes:
    """Yesterday's handout, already in the output folder: it must stay byte-identical."""
    from handout.build import Request, render

    return render(Request("card", "piriformis", routine=ROUTINE, client="Yesterday"))


# -- the corpus ------------------------------------------------------------------------


@dataclass
class Case:
    id: str
    csv: bytes | str
    code: int
    messages: list[str] = field(default_factory=list)  # regexes; {csv} is the CSV's path
    written: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # file -> (client, text in it)
    not_in_output: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    setup: Callable[[Path], None] | None = None


NOTE_ROWS = "Ana Ruiz,Hello\n"
CASES = [
    Case("u2028-in-a-note-is-not-a-row", "client,note\nSam Lee,Twice a day\u2028then rest\n" + NOTE_ROWS, 0,
         written={card("sam-lee"): ("Sam Lee", "Twice a day then rest"), card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("u2028-in-a-name-is-a-space", "client,note\nSam\u2028Lee,hi\n", 0, written={card("sam-lee"): ("Sam Lee", "hi")}),
    Case("u0085-in-a-note-is-refused-on-its-line", "client,note\nSam Lee,Twice\u0085a day\n" + NOTE_ROWS, 1,
         [r"{csv}:2: column 'note': contains the invisible control character U\+0085"],
         written={card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("quoted-line-break-kept-and-lines-counted", 'client,note\nSam Lee,"Twice a day\nthen rest"\nAna Ruiz,Hello\n,orphan\n', 1,
         [r"{csv}:5: client is empty; give the client's name"],
         written={card("sam-lee"): ("Sam Lee", "Twice a day then rest"), card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("windows-line-ends-inside-and-out", 'client,note\r\nSam Lee,"a\r\nb"\r\n\r\nAna Ruiz,Hello\r\nBob,x,y\r\n', 1,
         [r"{csv}:6: has 3 values but the header line names 2 columns; put a value that contains commas in \"quotes\""],
         written={card("sam-lee"): ("Sam Lee", "a b"), card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("old-mac-line-ends", "client,note\rSam Lee,hi\rAna Ruiz,Hello\r", 0,
         written={card("sam-lee"): ("Sam Lee", "hi"), card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("unclosed-quote-refuses-the-file", 'client,note\nSam Lee,hi\nAna Ruiz,"never closed\nBob Stone,x\nCal Diaz,y\n', 1,
         [r"{csv}:3: a quote \(\"\) opens a value here that is never closed"]),
    Case("unclosed-quote-after-a-multiline-value", 'client,note\nSam Lee,"a\nb"\n\nAna Ruiz,"oops\nBob Stone,x\n', 1,
         [r"{csv}:5: a quote"]),
    Case("text-after-a-closing-quote", 'client,note\nSam Lee,hi\nAna Ruiz,"Twice" a day\n', 1,
         [r"{csv}:3: a value has text after its closing quote"]),
    Case("column-named-twice", "client,client,note\nSam Lee,Ana Ruiz,hi\n", 1,
         [r"{csv}:1: names the column 'client' twice \(columns 1 and 2\); remove or rename one"]),
    Case("column-named-twice-in-other-case", "Client,note, NOTE \nSam Lee,a,b\n", 1, [r"{csv}:1: names the column 'note' twice \(columns 2 and 3\)"]),
    Case("semicolons-as-excel-writes-them", "client;note\nSam Lee;Twice a day, gently\nAna Ruiz;\n", 0,
         written={card("sam-lee"): ("Sam Lee", "Twice a day, gently"), card("ana-ruiz"): ("Ana Ruiz", None)}),
    Case("excel-sep-line", "sep=;\nclient;note\nSam Lee;a, b\n;orphan\n", 1, [r"{csv}:4: client is empty"],
         written={card("sam-lee"): ("Sam Lee", "a, b")}),
    Case("semicolon-row-with-too-many-values", "client;note\nSam Lee;a;b\nAna Ruiz;Hello\n", 1,
         [r"{csv}:2: has 3 values but the header line names 2 columns; put a value that contains semicolons in \"quotes\""],
         written={card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("semicolon-header-unknown-column", "client;notes\nSam Lee;hi\n", 1, [r"{csv}:1: 'notes' is not a known column; did you mean 'note'"]),
    Case("tabs", "client\tnote\nSam Lee\tTwice, a day\n", 0, written={card("sam-lee"): ("Sam Lee", "Twice, a day")}),
    Case("utf16-unicode-text-from-excel", "client\tnote\r\nJosé Núñez\tHola\r\n".encode("utf-16"), 0,
         written={card("jose-nunez"): ("José Núñez", "Hola")}),
    Case("blank-lines-before-and-between", "\n\nclient,note\n\nSam Lee,hi\n , \n\n,orphan\n", 1, [r"{csv}:8: client is empty"],
         written={card("sam-lee"): ("Sam Lee", "hi")}),
    Case("unnamed-column-with-a-value", "client,,note\nSam Lee,stray,hi\nAna Ruiz,,Hello\n", 1,
         [r"{csv}:2: has a value in column 2, which has no name in the header line"],
         written={card("ana-ruiz"): ("Ana Ruiz", "Hello")}),
    Case("not-utf8", "client,note\nJos\xe9,hi\n".encode("latin-1"), 1, [r"{csv}:2: is not UTF-8 text.*CSV UTF-8"]),
    Case("empty-file", "", 1, [r"{csv}: is empty"]),
    Case("errors-name-the-column-not-the-option", f"client,note\n{'A' * 61},hi\nSam Lee,{'n' * 301}\nAna\x07Ruiz,x\n", 1,
         [r"{csv}:2: column 'client': is 61 characters long, more than the 60 allowed",
          r"{csv}:3: column 'note': is 301 characters long, more than the 300 allowed",
          r"{csv}:4: column 'client': contains the invisible control character U\+0007"],
         not_in_output=["--client", "--note"]),
    Case("bad-routine-value", "client,routine\nSam Lee,../../etc\nAna Ruiz,\n", 1,
         [r"{csv}:2: column 'routine': '\.\./\.\./etc' is not a routine name"], written={card("ana-ruiz"): ("Ana Ruiz", None)}),
    Case("routine-the-topic-lacks-and-a-capitalised-one", "client,routine\nSam Lee,sidestretch\nAna Ruiz,Side-Stretch\n", 1,
         [r"{csv}:2: column 'routine': topic 'piriformis' has no routine 'sidestretch'; did you mean 'side-stretch'"],
         written={card("ana-ruiz"): ("Ana Ruiz", None)}),
    Case("windows-device-names", "client,output\nSam Lee,CON\nAna Ruiz,lpt1.final\nBob Stone,com3.pdf\nCal Diaz,Nul .pdf\nDee Park,dee\n", 1,
         [r"{csv}:2: column 'output': 'CON' is a name Windows keeps for a device \(CON\)",
          r"{csv}:3: column 'output': 'lpt1.final' is a name Windows keeps for a device \(LPT1\)",
          r"{csv}:4: column 'output': 'com3.pdf' is a name Windows keeps",
          r"{csv}:5: column 'output': 'Nul .pdf' is a name Windows keeps"],
         written={"dee.pdf": ("Dee Park", None)}),
    Case("characters-windows-refuses", 'client,output\nSam Lee,sam?.pdf\nAna Ruiz,a<b>\nBob Stone,x|y\nCal Diaz,"say ""hi"""\nDee Park,a*b\nEve Moss,c:d\n', 1,
         [rf"{{csv}}:{n}: column 'output': '.+' contains .+, which Windows does not allow" for n in range(2, 8)]),
    Case("nul-and-bidi-override-in-a-name", "client,output\nSam Lee,sam\x00.pdf\nAna Ruiz,invoice\u202efdp.exe\nBob Stone,x\x1b[31m\n", 1,
         [r"{csv}:2: column 'output': '.*' contains the invisible character U\+0000",
          r"{csv}:3: column 'output': '.*' contains the invisible character U\+202E",
          r"{csv}:4: column 'output': '.*' contains the invisible character U\+001B"]),
    Case("nul-in-a-client-name", "client,note\nSam\x00Lee,hi\n", 1, [r"{csv}:2: column 'client': contains the invisible control character U\+0000"]),
    Case("name-of-255-bytes-is-written-256-is-refused", f"client,output\nSam Lee,{'a' * 251}\nAna Ruiz,{'é' * 126}\n", 1,
         [r"{csv}:3: column 'output': 'é+' is 256 bytes long, more than the 255 a file name can have"],
         written={"a" * 251 + ".pdf": ("Sam Lee", None)}),
    Case("names-differing-only-in-case-are-one-file", "client,output\nSam Lee,Sam\nAna Ruiz,sam.PDF\n", 1,
         [r"{csv}:3: column 'output': 'sam.PDF' is used by an earlier row"], written={"Sam.pdf": ("Sam Lee", None)}),
    Case("a-client-called-con-gets-a-safe-name", "client\nCON\nnul\n", 0,
         written={card("con"): ("CON", None), card("nul"): ("nul", None)}),
    Case("out-through-a-file", "client\nSam Lee\n", 1, [r"afile/sub: cannot be used as a folder: 'afile' is a file, not a folder"],
         args=["--out", "afile/sub"], setup=lambda t: (t / "afile").write_text("keep me", encoding="utf-8")),
    Case("csv-is-a-named-pipe", "", 1, [r"{csv}: is a named pipe, not a file"], setup=lambda t: _fifo(t / "clients.csv")),
    Case("csv-is-a-device", "", 1, [r"{csv}: is a device, not a file"], setup=lambda t: _link(t / "clients.csv", "/dev/zero")),
]


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _link(path: Path, target: str) -> None:
    path.unlink()
    path.symlink_to(target)


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_csv(case: Case, tmp_path: Path, previous_pdf: bytes) -> None:
    csv_path = tmp_path / "clients.csv"
    csv_path.write_bytes(case.csv if isinstance(case.csv, bytes) else case.csv.encode("utf-8"))
    out = tmp_path / "out"
    out.mkdir()
    (out / PREVIOUS).write_bytes(previous_pdf)
    if case.setup:
        case.setup(tmp_path)
    before = {k: v for k, v in files(tmp_path).items() if k != "clients.csv"}

    ran = handout(["batch", "clients.csv", "--topic", "piriformis", "--routine", ROUTINE, "--out", "out", "-j", "1", *case.args],
                  cwd=tmp_path)

    assert ran.code == case.code, f"exit {ran.code}, expected {case.code}:\n{ran.text}"
    assert "Traceback" not in ran.text, ran.text
    assert not re.search(r"(?i)unexpected \w*(Error|Exception)", ran.text), ran.text
    for pattern in case.messages:
        rx = pattern.replace("{csv}", re.escape("clients.csv"))
        assert re.search(rf"(?m)^error: {rx}", ran.err), f"no line matching {rx!r}:\n{ran.err}"
    for text in case.not_in_output:
        assert text not in ran.text, ran.text
    errors = [line for line in ran.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(case.messages), f"expected {len(case.messages)} error line(s):\n{ran.err}"

    after = files(tmp_path)
    written = {k.removeprefix("out/") for k in after.keys() - before.keys() if k != "clients.csv"}
    assert written == set(case.written), f"written: {sorted(written)}\n{ran.text}"
    assert not [k for k in after if k not in before and not k.startswith("out/") and k != "clients.csv"], "written outside --out"
    for name, data in before.items():
        assert after.get(name) == data, f"{name} was changed"
    for name, (client, note) in case.written.items():
        path = out / name
        assert prepared_for(path) == client
        text = pdf_text(path)
        if note:
            assert note in text
        else:
            assert "Note from your therapist" not in text
    if case.written:
        assert f"{len(case.written)} written" in ran.out


def test_a_row_name_is_one_client_even_with_every_line_break(tmp_path: Path) -> None:
    """Every character str.splitlines() breaks on, inside quoted and unquoted notes: still one client per row."""
    breaks = ["\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c"]
    rows = "".join(f'Client {i},"before{b}after"\n' for i, b in enumerate(breaks))
    (tmp_path / "c.csv").write_text("client,note\n" + rows + "Last One,end\n", encoding="utf-8")
    ran = handout(["batch", "c.csv", "--topic", "piriformis", "--routine", ROUTINE, "--out", "out", "-j", "2"], cwd=tmp_path)
    lines = [int(m) for m in re.findall(r"(?m)^error: c\.csv:(\d+): column 'note': contains", ran.err)]
    # controls are refused on their own row, the two Unicode separators print as spaces
    assert lines == [4, 5, 6, 7, 8], ran.text
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [card("client-0"), card("client-1"), card("last-one")], ran.text
    assert prepared_for(tmp_path / "out" / card("client-0")) == "Client 0"
    assert "before after" in pdf_text(tmp_path / "out" / card("client-1"))


# -- names, as one module every command can use ---------------------------------------


@pytest.mark.parametrize("name", ["CON", "con.pdf", "Aux.tar.gz", "COM1.pdf", "lpt9", "COM\u00b9.pdf", "NUL .pdf", "PRN"])
def test_device_names_are_refused(name: str) -> None:
    problem = name_problem(name)
    assert problem and "device" in problem[0]


@pytest.mark.parametrize("name", ["sam.", "sam ", "sam.pdf.", "a/b.pdf", "a\\b.pdf", ".hidden.pdf", "..", "", "a\tb.pdf", "x" * 252 + ".pdf"])
def test_names_windows_cannot_hold_are_refused(name: str) -> None:
    assert name_problem(name) is not None


@pytest.mark.parametrize("name", ["sam-lee.pdf", "José Núñez.pdf", "console.pdf", "com10.pdf", "lpt.pdf", "a" * 251 + ".pdf", "conference room.pdf"])
def test_ordinary_names_pass(name: str) -> None:
    assert name_problem(name) is None


# -- stopping ------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _start_big_batch(tmp_path: Path, jobs: int = 2) -> tuple[subprocess.Popen[bytes], Path]:
    rows = "\n".join(f"Client {i},Note {i}" for i in range(400))
    (tmp_path / "many.csv").write_text("client,note\n" + rows + "\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "HANDOUT_BRAND"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "handout", "batch", "many.csv", "--topic", "piriformis", "--routine", ROUTINE, "--out", str(out), "--jobs", str(jobs)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.pdf"))) < 10:
        time.sleep(0.05)
    return proc, out


def _assert_whole_pdfs_only(out: Path) -> None:
    assert not [p.name for p in out.iterdir() if not p.name.endswith(".pdf")], "temporary files were left behind"
    written = list(out.glob("*.pdf"))
    assert 10 <= len(written) < 400
    for pdf in written:
        reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()), strict=True)
        assert len(reader.pages) == 2  # a whole card: front, and the tick-log on its back


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to see the workers")
@pytest.mark.parametrize(("sig", "jobs", "code", "said"), [
    (signal.SIGTERM, 2, 143, b"stopped; the files already written are whole, nothing was half-written"),
    (signal.SIGTERM, 1, 143, b"stopped; the files already written are whole, nothing was half-written"),
    (signal.SIGINT, 2, 130, b"interrupted; nothing was half-written"),
], ids=["kill-2-workers", "kill-in-process", "sigint-to-the-batch-process-only"])
def test_a_signal_to_the_batch_process_stops_the_workers_too(tmp_path: Path, sig: int, jobs: int, code: int, said: bytes) -> None:
    """The signal goes to the batch process alone (as `kill` sends it): the workers stop, the output pipe closes."""
    proc, out = _start_big_batch(tmp_path, jobs)
    try:
        workers = _children(proc.pid)
        assert len(workers) == (jobs if jobs > 1 else 0)
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=15)  # EOF: no worker holds the pipe any more
        assert proc.returncode == code, err.decode()
        assert b"Traceback" not in err
        assert said in err
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "a worker kept running"
        _assert_whole_pdfs_only(out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a worker learns of its parent's death from Linux")
def test_workers_end_when_the_batch_process_is_killed_outright(tmp_path: Path) -> None:
    proc, out = _start_big_batch(tmp_path)
    try:
        workers = _children(proc.pid)
        assert len(workers) == 2
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=15)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "a worker kept running"
        _assert_whole_pdfs_only(out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
