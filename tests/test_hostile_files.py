"""Hostile files: what a shared or downloaded topic, brand folder or logo can do.

Each case builds its files in a fresh folder and runs the real command line
(``python -m handout`` in a subprocess, under a timeout and a memory limit, so a
hang or a read of ``/dev/zero`` fails the case instead of the test run). The rule:

* the expected exit status, and one ``error:`` (or ``warning:``) line that names
  the file and the key or line, saying what is wrong;
* never a traceback, never an "unexpected ..." internal error;
* the PDF already at the output path is unchanged, byte for byte, and nothing
  else in the folder is created or changed;
* nothing outside what was asked is read: the files a logo tries to reach hold a
  sentinel that must never show up in any output.

Pipes, devices and the like are made outside ``tmp_path``: the shared fixture
that checks every ``*.pdf`` there would block on them.
"""

from __future__ import annotations

import io
import os
import re
import resource
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import ROOT, make_png, read_pdf

DATA = Path(__file__).resolve().parent / "data" / "hostile" / "files"
BAD = Path(__file__).resolve().parent / "data" / "bad"
BRAND = (DATA / "brand.toml").read_text(encoding="utf-8")
TOPIC = (BAD / "knee.md").read_text(encoding="utf-8")
SENTINEL = "SENTINEL-7f3a-never-in-a-handout"
TIMEOUT = 90  # generous: a loaded machine is slow, a hang is for ever
MEMORY = 3 * 1024**3  # a read of /dev/zero or a bomb hits this long before the machine notices
HAS_SVGLIB = True
try:
    import svglib  # noqa: F401
except ImportError:  # pragma: no cover - the svg extra is part of the test install
    HAS_SVGLIB = False


@dataclass
class Ran:
    code: int
    out: str  # stdout and stderr together


def run_cli(args: list[str], cwd: Path, umask: int | None = None, timeout: float = TIMEOUT) -> Ran:
    """``python -m handout ARGS`` in *cwd*, limited in time and memory."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if umask is not None:
            os.umask(umask)

    env = {k: v for k, v in os.environ.items() if k != "HANDOUT_BRAND"}
    env["PYTHONPATH"] = str(ROOT)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "handout", *args],
            cwd=cwd, env=env, capture_output=True, timeout=timeout, preexec_fn=limits,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"handout {' '.join(args)} did not finish in {timeout} s (it hangs)")
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    return Ran(proc.returncode, out)


# -- building inputs ----------------------------------------------------------


@dataclass
class Setup:
    """The folders of one case: *tmp* (checked after), *odd* (pipes and devices live here)."""

    tmp: Path
    odd: Path

    @property
    def clinic(self) -> Path:
        return self.tmp / "clinic"

    def brand(self, text: str = BRAND, logo: str | None = None) -> Path:
        self.clinic.mkdir(exist_ok=True)
        if logo is not None:
            text = text.replace('logo = "logo.svg"', f'logo = "{logo}"')
        path = self.clinic / "brand.toml"
        path.write_text(text, encoding="utf-8")
        return path

    def plain_brand(self) -> Path:
        """The brand without a logo."""
        return self.brand(BRAND.replace('logo = "logo.svg"\n', ""))

    def svg_logo(self, fixture: str) -> list[str]:
        """The brand with the SVG *fixture* as its logo, and a secret folder beside it."""
        brand = self.brand()
        (self.clinic / "logo.svg").write_bytes((DATA / fixture).read_bytes())
        secret = self.tmp / "secret"
        secret.mkdir(exist_ok=True)
        Image.new("RGB", (300, 100), (0, 255, 0)).save(secret / "photo.png")
        (secret / "style.css").write_text(f"/* {SENTINEL} */ rect {{ fill: #00ff00; }}")
        (secret / "other.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{SENTINEL}</desc></svg>')
        return ["guide", "piriformis", "--brand", str(brand)]

    def topic(self, text: str | bytes, name: str = "knee.md") -> Path:
        folder = self.tmp / "topics"
        folder.mkdir(exist_ok=True)
        if isinstance(text, bytes):
            (folder / name).write_bytes(text)
        else:
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    def fifo(self, name: str) -> Path:
        path = self.odd / name
        os.mkfifo(path)
        return path

    def link(self, at: Path, to: str | Path) -> Path:
        at.parent.mkdir(parents=True, exist_ok=True)
        at.symlink_to(to)
        return at


def edit(old: str, new: str, text: str = TOPIC) -> str:
    assert old in text, f"{old!r} is not in the base file"
    return text.replace(old, new, 1)


def png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 0, 255)).save(buf, format="PNG")
    data = bytearray(buf.getvalue())
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


# -- the cases ------------------------------------------------------------------


@dataclass
class Case:
    id: str
    build: Callable[[Setup], list[str]]
    code: int
    pattern: str
    output: bool = True  # add -o pointing at yesterday's PDF
    seconds: float = TIMEOUT


def _fifo_in_content(s: Setup) -> list[str]:
    folder = s.topic(TOPIC)
    os.mkfifo(folder / "pipe.md")  # a .md pipe: the PDF check of tmp_path looks at *.pdf only
    return ["list", "--content", str(folder)]


def _device_in_content(s: Setup) -> list[str]:
    folder = s.topic(TOPIC)
    s.link(folder / "zero.md", "/dev/zero")
    return ["guide", "knee", "--content", str(folder), "--brand", str(s.plain_brand())]


def _loop(s: Setup) -> list[str]:
    folder = s.topic(TOPIC)
    s.link(folder / "a.md", "b.md")
    s.link(folder / "b.md", "a.md")
    return ["check", str(folder / "a.md"), str(folder / "knee.md")]


def _deep_yaml(s: Setup) -> list[str]:
    deep = edit("title:", "extra: " + "[" * 5000 + "]" * 5000 + "\ntitle:")
    folder = s.topic(deep, "deep.md")
    s.topic(edit("reviewed: 2026-11-26", "reviewed: last tuesday"), "other.md")
    return ["check", str(folder)]


def _deep_yaml_indent(s: Setup) -> list[str]:
    deep = edit("title:", "\n".join(" " * i + "k:" for i in range(300)) + "\ntitle:")
    folder = s.topic(deep)
    return ["guide", "knee", "--content", str(folder), "--brand", str(s.plain_brand())]


def _long_hold(s: Setup) -> list[str]:
    folder = s.topic(edit("hold_seconds: 15", "hold_seconds: " + "9" * 4301))
    return ["guide", "knee", "--content", str(folder), "--brand", str(s.plain_brand())]


def _long_repeats(s: Setup) -> list[str]:
    folder = s.topic(edit("repeats: 3", "repeats: " + "7" * 5000))
    return ["guide", "knee", "--content", str(folder), "--brand", str(s.plain_brand())]


def _sparse(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _huge_topic(s: Setup) -> list[str]:
    folder = s.topic(TOPIC)
    _sparse(folder / "knee.md", 3 * 1024**3)
    return ["guide", "knee", "--content", str(folder), "--brand", str(s.plain_brand())]


def _topic_nul_name(s: Setup) -> list[str]:
    return ["check", str(s.tmp / "kn\x00ee.md")]


def _topic_long_name(s: Setup) -> list[str]:
    return ["check", str(s.tmp / ("k" * 300 + ".md"))]


def _brand_fifo(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", str(s.fifo("brand.toml"))]


def _brand_dev_zero(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", "/dev/zero"]


def _brand_huge(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", str(_sparse(s.clinic / "brand.toml", 2 * 1024**3))]


def _brand_long_number(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", str(s.brand(BRAND.replace('phone = "+1 555 010 0199"', "phone = " + "5" * 4301)))]


def _brand_deep(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", str(s.brand(BRAND + "\nextra = " + "[" * 5000 + "]" * 5000 + "\n"))]


def _logo_folder(s: Setup) -> list[str]:
    brand = s.brand(logo="logo.png")
    (s.clinic / "logo.png").mkdir()
    return ["guide", "piriformis", "--brand", str(brand)]


def _logo_fifo(s: Setup) -> list[str]:
    brand = s.brand(logo="logo.png")
    s.link(s.clinic / "logo.png", s.fifo("logo.png"))
    return ["guide", "piriformis", "--brand", str(brand)]


def _logo_dev_zero(s: Setup) -> list[str]:
    brand = s.brand(logo="logo.png")
    s.link(s.clinic / "logo.png", "/dev/zero")
    return ["guide", "piriformis", "--brand", str(brand)]


def _logo_loop(s: Setup) -> list[str]:
    brand = s.brand(logo="logo.png")
    s.link(s.clinic / "logo.png", "logo2.png")
    s.link(s.clinic / "logo2.png", "logo.png")
    return ["guide", "piriformis", "--brand", str(brand)]


def _logo_nul(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", str(s.brand(logo="lo\\u0000go.png"))]


def _logo_long_name(s: Setup) -> list[str]:
    return ["guide", "piriformis", "--brand", str(s.brand(logo="l" * 280 + ".png"))]


def _logo_huge(s: Setup) -> list[str]:
    brand = s.brand(logo="logo.png")
    _sparse(s.clinic / "logo.png", 2 * 1024**3)
    return ["guide", "piriformis", "--brand", str(brand)]


def _font_fifo(s: Setup) -> list[str]:
    fonts = "\n[fonts]\n" + "".join(f'{k} = "face.ttf"\n' for k in ("regular", "bold", "italic", "bold_italic"))
    brand = s.brand(BRAND.replace('logo = "logo.svg"\n', "") + fonts)
    s.link(s.clinic / "face.ttf", s.fifo("face.ttf"))
    return ["guide", "piriformis", "--brand", str(brand)]


def _font_dev_zero(s: Setup) -> list[str]:
    fonts = "\n[fonts]\n" + "".join(f'{k} = "face.ttf"\n' for k in ("regular", "bold", "italic", "bold_italic"))
    brand = s.brand(BRAND.replace('logo = "logo.svg"\n', "") + fonts)
    s.link(s.clinic / "face.ttf", "/dev/zero")
    return ["check", str(brand)]


def _svg_pipe_beside(s: Setup) -> list[str]:
    args = s.svg_logo("pipe-beside.svg")
    s.link(s.clinic / "pipe.png", s.fifo("pipe.png"))
    return args


def _svg_many_elements(s: Setup) -> list[str]:
    args = s.svg_logo("beside.svg")
    body = "<g/>" * 300_000
    (s.clinic / "logo.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">{body}</svg>')
    return args


def _svg_use_bomb(s: Setup) -> list[str]:
    args = s.svg_logo("beside.svg")
    defs = ['<rect id="l0" width="1" height="1"/>']
    for i in range(1, 25):
        defs.append(f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>')
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><defs>{"".join(defs)}</defs><use href="#l24"/></svg>'
    (s.clinic / "logo.svg").write_text(svg)
    return args


def _svg_data_bomb(s: Setup) -> list[str]:
    import base64

    args = s.svg_logo("beside.svg")
    uri = "data:image/png;base64," + base64.b64encode(png_claiming(100_000, 100_000)).decode()
    (s.clinic / "logo.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="100">\n'
        f'<image xlink:href="{uri}" width="300" height="100"/></svg>'
    )
    return args


def _svg_not_svg(s: Setup) -> list[str]:
    args = s.svg_logo("beside.svg")
    (s.clinic / "logo.svg").write_text("<html><body>not a picture</body></html>")
    return args


def _out_fifo(force: bool) -> Callable[[Setup], list[str]]:
    def build(s: Setup) -> list[str]:
        return ["guide", "piriformis", "-o", str(s.fifo("handout.pdf")), *(["--force"] if force else [])]

    return build


def _out_under_file(s: Setup) -> list[str]:
    (s.tmp / "afile").write_text("notes")
    return ["guide", "piriformis", "-o", str(s.tmp / "afile" / "sub" / "x.pdf")]


def _out_under_file2(s: Setup) -> list[str]:
    (s.tmp / "afile").write_text("notes")
    return ["guide", "piriformis", "-o", str(s.tmp / "afile" / "x.pdf")]


def _undecodable_name(s: Setup) -> list[str]:
    folder = s.topic(TOPIC)
    name = os.fsdecode(b"caf\xe9.md")  # Latin-1 bytes on a UTF-8 system
    (folder / name).write_text(TOPIC, encoding="utf-8")
    return ["list", "--content", str(folder)]


def _undecodable_check(s: Setup) -> list[str]:
    folder = s.topic(TOPIC, os.fsdecode(b"caf\xe9.md"))
    return ["check", str(folder / os.fsdecode(b"caf\xe9.md"))]


def _unlistable_folder(s: Setup) -> list[str]:
    folder = s.topic(TOPIC)
    s.link(folder / "loop", "loop")
    return ["guide", "knee", "--content", str(folder / "loop"), "--brand", str(s.plain_brand())]


TOPICS = r"topics/knee\.md"
BRAND_AT = r"clinic/brand\.toml"

CASES = [
    # topics and folders
    Case("content-folder-with-pipe", _fifo_in_content, 0, r"(?m)^warning: .*topics/pipe\.md: is a named pipe, not a file; skipped", output=False),
    Case("content-folder-with-dev-zero", _device_in_content, 0, r"(?m)^warning: .*topics/zero\.md: is a device, not a file; skipped", output=False),
    Case("topic-symlink-loop", _loop, 1, r"topics/a\.md: is a symbolic link that loops", output=False),
    Case("check-deep-yaml-lists-the-rest", _deep_yaml, 1, r"(?s)topics/deep\.md:2: the values are nested more than 16 levels deep.*topics/other\.md:4: reviewed: 'last tuesday' is not a date", output=False),
    Case("deep-yaml-indent", _deep_yaml_indent, 1, rf"{TOPICS}:\d+: the values are nested more than 16 levels deep"),
    Case("hold-4301-digits", _long_hold, 1, rf"{TOPICS}:17: routines\.knee-bend\.dose\.hold_seconds: 9+\.\.\. is not a sensible time"),
    Case("repeats-5000-digits", _long_repeats, 1, rf"{TOPICS}:18: routines\.knee-bend\.dose\.repeats: is 5000 characters long"),
    Case("topic-3-gb", _huge_topic, 1, rf"{TOPICS}: is \d+ KB; a topic file may be at most 512 KB"),
    Case("topic-name-not-utf8-listed", _undecodable_name, 0, r"(?m)^warning: .*topics/caf.*\.md: has a name that is not valid text \(rename it\); skipped", output=False),
    Case("topic-name-not-utf8-checked", _undecodable_check, 1, r"topics/caf.*\.md: has a name that is not valid text \(rename it\)", output=False),
    Case("content-folder-loops", _unlistable_folder, 1, r"topics/loop: is not a folder"),
    Case("topic-name-too-long", _topic_long_name, 1, r"k{20,}\.md: has a name that is too long", output=False),
    # the brand file
    Case("brand-is-a-pipe", _brand_fifo, 1, r"brand\.toml: is a named pipe, not a file"),
    Case("brand-is-dev-zero", _brand_dev_zero, 1, r"/dev/zero: is a device, not a file"),
    Case("brand-2-gb", _brand_huge, 1, rf"{BRAND_AT}: is larger than 64 KB, too large for a brand file"),
    Case("brand-4301-digit-number", _brand_long_number, 1, rf"{BRAND_AT}:3: holds a number far too long"),
    Case("brand-nested-5000-deep", _brand_deep, 1, rf"{BRAND_AT}: values are nested too deeply"),
    # the logo and fonts
    Case("logo-is-a-folder", _logo_folder, 1, rf"{BRAND_AT}:6: logo: 'logo\.png' is a folder, not a file"),
    Case("logo-is-a-pipe", _logo_fifo, 1, rf"{BRAND_AT}:6: logo: 'logo\.png' is a named pipe, not a file"),
    Case("logo-is-dev-zero", _logo_dev_zero, 1, rf"{BRAND_AT}:6: logo: 'logo\.png' is a device, not a file"),
    Case("logo-symlink-loop", _logo_loop, 1, rf"{BRAND_AT}:6: logo: 'logo\.png' is a symbolic link that loops"),
    Case("logo-nul-in-name", _logo_nul, 1, rf"{BRAND_AT}:6: logo: contains the invisible control character U\+0000"),
    Case("logo-name-too-long", _logo_long_name, 1, rf"{BRAND_AT}:6: logo: 'l+\.png' has a name that is too long"),
    Case("logo-2-gb", _logo_huge, 1, rf"{BRAND_AT}:6: logo: 'logo\.png' is larger than 20 MB"),
    Case("font-is-a-pipe", _font_fifo, 1, rf"{BRAND_AT}:\d+: fonts\.regular: 'face\.ttf' is a named pipe, not a file"),
    Case("font-is-dev-zero-check", _font_dev_zero, 1, rf"{BRAND_AT}:\d+: fonts\.regular: 'face\.ttf' is a device, not a file", output=False),
    # SVG logos reaching outside themselves
    Case("svg-image-outside-folder", lambda s: s.svg_logo("escape-image.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 3: <image> refers to '\.\./secret/photo\.png', which is not a PNG or JPEG file beside the logo"),
    Case("svg-use-etc-passwd", lambda s: s.svg_logo("escape-use.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 3: <use> refers to '/etc/passwd#x' outside the file"),
    Case("svg-image-dev-zero", lambda s: s.svg_logo("dev-zero.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 2: <image> refers to '/dev/zero'"),
    Case("svg-image-pipe-beside", _svg_pipe_beside, 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 3: the picture 'pipe\.png' is a named pipe, not a file"),
    Case("svg-external-entity", lambda s: s.svg_logo("xxe.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg' declares XML entities"),
    Case("svg-width-nan", lambda s: s.svg_logo("width-nan.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 1: width=\"nan\" is not a number"),
    Case("svg-viewbox-inf", lambda s: s.svg_logo("viewbox-inf.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 1: viewBox=\"0 0 inf 100\" is not a number"),
    Case("svg-css-import", lambda s: s.svg_logo("css-import.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 2: refers to '\.\./secret/style\.css' outside the file"),
    Case("svg-css-url", lambda s: s.svg_logo("css-url.svg"), 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 2: refers to '\.\./secret/other\.svg#paint' outside the file"),
    Case("svg-300k-elements", _svg_many_elements, 1, rf"{BRAND_AT}:6: logo: 'logo\.svg' has more than 20,000 elements"),
    Case("svg-use-bomb", _svg_use_bomb, 1, rf"{BRAND_AT}:6: logo: 'logo\.svg' (repeats its parts \(<use>\) more than 2,000 times|takes more than 5 seconds to draw)"),
    Case("svg-data-picture-bomb", _svg_data_bomb, 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 2: a picture is (100000x100000 pixels, )?too large"),
    Case("svg-not-an-svg", _svg_not_svg, 1, rf"{BRAND_AT}:6: logo: 'logo\.svg' is not an SVG image"),
    # outputs
    Case("output-is-a-pipe", _out_fifo(False), 1, r"handout\.pdf: is a named pipe, not a file", output=False),
    Case("output-is-a-pipe-force", _out_fifo(True), 1, r"handout\.pdf: is a named pipe, not a file", output=False),
    # through a link of our own: were the refusal ever lost, only the link would be replaced, never /dev/null
    Case("output-is-a-device-force", lambda s: ["guide", "piriformis", "-o", str(s.link(s.odd / "null.pdf", "/dev/null")), "--force"], 1, r"null\.pdf: is a device, not a file", output=False),
    Case("output-under-a-file", _out_under_file, 1, r"afile/sub/x\.pdf: the folder '.*afile/sub' is not a folder \(a file is in the way\)", output=False),
    Case("output-inside-a-file", _out_under_file2, 1, r"afile/x\.pdf: '.*afile' is a file, not a folder", output=False),
    Case("output-name-300-bytes", lambda s: ["guide", "piriformis", "-o", str(s.tmp / ("o" * 296 + ".pdf"))], 1, r"o+\.pdf: has a name of 300 bytes; at most 255", output=False),
]

SVG_CASES = {c.id for c in CASES if c.id.startswith("svg-")}


# -- the checks ---------------------------------------------------------------


@pytest.fixture(scope="session")
def previous_pdf() -> bytes:
    """A valid guide standing in for yesterday's handout at the output path."""
    from handout.build import Request, render
    from handout.load.brand import default_brand_path

    return render(Request("guide", "piriformis", brand_file=default_brand_path()))


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under *folder* (links not followed): kind, size and modification time."""
    seen: dict[str, tuple[int, int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            seen[str(path.relative_to(folder))] = (stat.S_IFMT(st.st_mode), st.st_size, st.st_mtime_ns)
    return seen


def assert_clean(ran: Ran, code: int, pattern: str) -> None:
    assert ran.code == code, f"exit {ran.code}, expected {code}:\n{ran.out}"
    assert "Traceback" not in ran.out, ran.out
    assert not re.search(r"(?i)unexpected \w+", ran.out), f"internal error leaked:\n{ran.out}"
    if code:
        assert re.search(r"(?m)^error: \S", ran.out), f"no 'error:' line:\n{ran.out}"
    assert re.search(pattern, ran.out), f"message does not match {pattern!r}:\n{ran.out}"
    for line in ran.out.splitlines():
        assert len(line) < 600, f"a message runs on: {line[:200]}..."
    assert SENTINEL not in ran.out


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file(case: Case, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, previous_pdf: bytes) -> None:
    if case.id in SVG_CASES and not HAS_SVGLIB:
        pytest.skip("svglib is not installed")
    s = Setup(tmp_path, tmp_path_factory.mktemp("odd"))
    args = case.build(s)
    target = tmp_path / "out" / "previous.pdf"
    if case.output:
        target.parent.mkdir()
        target.write_bytes(previous_pdf)
        args += ["-o", str(target)]
    before = snapshot(tmp_path)
    ran = run_cli(args, cwd=s.odd, timeout=case.seconds)
    assert_clean(ran, case.code, case.pattern)
    if case.output:
        assert target.read_bytes() == previous_pdf, "the previous PDF was changed"
    assert snapshot(tmp_path) == before, "files were created or changed"
    leftovers = [p for p in s.odd.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert not leftovers, leftovers


# -- cases that need more than the table ------------------------------------------


def test_an_svg_logo_may_show_a_picture_beside_it_and_nothing_else(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    s = Setup(tmp_path, tmp_path_factory.mktemp("odd"))
    args = s.svg_logo("beside.svg")
    Image.new("RGB", (200, 200), (0, 0, 255)).save(s.clinic / "picture.png")
    out = tmp_path / "guide.pdf"
    ran = run_cli([*args, "-o", str(out)], cwd=s.odd)
    assert_clean(ran, 0, r"wrote .*guide\.pdf")
    assert read_pdf(out).images >= 1, "the picture beside the logo is drawn"
    for page in pypdf.PdfReader(out).pages:
        for found in page.images:
            image = found.image.convert("RGB")
            assert image.getpixel((image.width // 2, image.height // 2)) == (0, 0, 255), "only the picture beside the logo"
    assert SENTINEL.encode() not in out.read_bytes()


def test_svg_text_fonts_open_no_file_and_run_nothing(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """svglib on its own opens FONTNAME.ttf for any font-family, and runs fc-match: a pipe there hung it."""
    s = Setup(tmp_path, tmp_path_factory.mktemp("odd"))
    args = s.svg_logo("font-pipe.svg")
    s.fifo("evil.ttf")  # in the working folder, where svglib looks for evil.ttf
    fake_bin = s.odd / "bin"
    fake_bin.mkdir()
    marker = s.odd / "fc-match-ran"
    (fake_bin / "fc-match").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (fake_bin / "fc-match").chmod(0o755)
    out = tmp_path / "guide.pdf"
    old_path = os.environ["PATH"]
    os.environ["PATH"] = f"{fake_bin}{os.pathsep}{old_path}"
    try:
        ran = run_cli([*args, "-o", str(out)], cwd=s.odd)
    finally:
        os.environ["PATH"] = old_path
    assert_clean(ran, 0, r"wrote .*guide\.pdf")
    assert not marker.exists(), "a font lookup program was run for the logo"
    assert "Riverside" in read_pdf(out).text


def test_refused_svg_reaches_nothing_at_check_time_either(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    s = Setup(tmp_path, tmp_path_factory.mktemp("odd"))
    s.svg_logo("escape-image.svg")
    ran = run_cli(["check", str(s.clinic / "brand.toml")], cwd=s.odd)
    assert_clean(ran, 1, rf"{BRAND_AT}:6: logo: 'logo\.svg', line 3: <image> refers to '\.\./secret/photo\.png'")


def test_unreadable_logo_says_permission_denied(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root nothing is unreadable, so the refusal is simulated at the one place files are opened."""
    from click.testing import CliRunner

    from handout.cli import cli
    from handout.load import files

    brand = Setup(tmp_path, tmp_path_factory.mktemp("odd")).brand(logo="logo.png")
    logo = make_png(brand.parent / "logo.png")
    logo.chmod(0)
    real_open = os.open

    def deny(path: object, flags: int, *rest: int) -> int:
        if Path(str(path)).name == "logo.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "open", deny)
    result = CliRunner().invoke(cli, ["check", str(brand)])
    out = result.output
    assert result.exit_code == 1, out
    assert re.search(rf"{BRAND_AT}:6: logo: 'logo\.png' cannot be read \(permission denied\)", out), out
    assert "damaged" not in out and "does not exist" not in out


@pytest.mark.parametrize("umask,before,expected", [(0o077, None, 0o600), (0o022, None, 0o644), (0o022, 0o640, 0o640), (0o077, 0o604, 0o604)])
def test_output_permissions(tmp_path: Path, umask: int, before: int | None, expected: int) -> None:
    """A new PDF follows the umask; a replaced one keeps its permission bits."""
    out = tmp_path / "client.pdf"
    if before is not None:
        run_cli(["guide", "piriformis", "-o", str(out)], cwd=tmp_path, umask=0o022)
        out.chmod(before)
        old = out.read_bytes()
    ran = run_cli(["guide", "piriformis", "--client", "Sam Lee", "-o", str(out)], cwd=tmp_path, umask=umask)
    assert_clean(ran, 0, r"wrote .*client\.pdf")
    assert stat.S_IMODE(out.stat().st_mode) == expected
    if before is not None:
        assert out.read_bytes() != old, "the file was replaced"
    assert "Sam Lee" in read_pdf(out).text


def test_a_legal_long_name_is_not_made_too_long_by_the_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / ("n" * 251 + ".pdf")
    ran = run_cli(["guide", "piriformis", "-o", str(out)], cwd=tmp_path)
    assert_clean(ran, 0, r"wrote ")
    assert read_pdf(out).pages >= 1



DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def bloated_cmap(font: bytes) -> bytes:
    """*font* with every range of its character maps widened (to 0-65535, or to 0-2^32 in a
    32-bit map): a few changed bytes that would have ReportLab build a table of billions of
    characters."""
    import struct

    data = bytearray(font)
    (num_tables,) = struct.unpack_from(">H", data, 4)
    cmap = next(off for tag, _, off, _ in (struct.unpack_from(">4sIII", data, 12 + 16 * i) for i in range(num_tables)) if tag == b"cmap")
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    changed = 0
    for i in range(count):
        sub = cmap + struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)[2]
        fmt = struct.unpack_from(">H", data, sub)[0]
        if fmt == 12:
            (groups,) = struct.unpack_from(">I", data, sub + 12)
            for g in range(groups):
                struct.pack_into(">II", data, sub + 16 + 12 * g, 0, 0xFFFFFFFF)
            changed += 1
        if fmt != 4:
            continue
        segs = struct.unpack_from(">H", data, sub + 6)[0] // 2
        for k in range(segs):
            struct.pack_into(">H", data, sub + 14 + 2 * k, 0xFFFF)
            struct.pack_into(">H", data, sub + 16 + 2 * segs + 2 * k, 0)
        changed += 1
    assert changed, "the font has no format 4 character map"
    return bytes(data)


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans")
def test_a_font_whose_character_map_claims_billions_is_refused(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    s = Setup(tmp_path, tmp_path_factory.mktemp("odd"))
    fonts = "\n[fonts]\n" + "".join(f'{k} = "face.ttf"\n' for k in ("regular", "bold", "italic", "bold_italic"))
    brand = s.brand(BRAND.replace('logo = "logo.svg"\n', "") + fonts)
    (s.clinic / "face.ttf").write_bytes(bloated_cmap(DEJAVU.read_bytes()))
    ran = run_cli(["guide", "piriformis", "--brand", str(brand), "-o", str(tmp_path / "x.pdf")], cwd=s.odd)
    assert_clean(ran, 1, rf"{BRAND_AT}:\d+: fonts\.regular: 'face\.ttf' cannot be used as a font \(its character map claims [\d,]+ characters\)")
    assert not (tmp_path / "x.pdf").exists()


def test_a_large_flat_cmyk_jpeg_logo_prints(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Found by fuzzing the image loader: flat CMYK artwork, scaled down, was saved as PNG (which holds no CMYK)."""
    from PIL import ImageDraw

    s = Setup(tmp_path, tmp_path_factory.mktemp("odd"))
    brand = s.brand(logo="logo.jpg")
    image = Image.new("CMYK", (2400, 800), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((100, 100, 2300, 700), fill=(200, 40, 0, 60))
    image.save(s.clinic / "logo.jpg", quality=95)
    out = tmp_path / "guide.pdf"
    ran = run_cli(["guide", "piriformis", "--brand", str(brand), "-o", str(out)], cwd=s.odd)
    assert_clean(ran, 0, r"wrote .*guide\.pdf")
    found = pypdf.PdfReader(out).pages[0].images[0].image.convert("RGB")
    r, g, b = found.getpixel((found.width // 2, found.height // 2))
    assert b > r + 60, f"the logo's blue box prints blue, not {(r, g, b)}"
