"""Bad input: every user mistake gives a clean, located "error:" message and harms nothing.

Each case in ``CASES`` builds one broken input in a fresh temporary folder and runs
the command line with ``-o`` pointing at a PDF that already exists. The rule:

* exit status 1 (2 for click usage errors);
* at least one line starting "error:" that names the file and the line or key
  (checked with the case's regular expression);
* never a traceback, never an "unexpected ..." internal error;
* the PDF already at the output path is unchanged, byte for byte;
* no temporary files are left in the output folder.
"""

from __future__ import annotations

import errno
import io
import re
import shutil
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from conftest import make_png, norm, read_pdf

DATA = Path(__file__).resolve().parent / "data" / "bad"
BASE_TOPIC = (DATA / "knee.md").read_text(encoding="utf-8")
BASE_BRAND = (DATA / "brand.toml").read_text(encoding="utf-8")

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
DEJAVU_FILES = {
    "regular": DEJAVU / "DejaVuSans.ttf",
    "bold": DEJAVU / "DejaVuSans-Bold.ttf",
    "italic": DEJAVU / "DejaVuSans-Oblique.ttf",
    "bold_italic": DEJAVU / "DejaVuSans-BoldOblique.ttf",
}
HAVE_DEJAVU = all(p.is_file() for p in DEJAVU_FILES.values())


# -- building inputs ----------------------------------------------------------


def edit(old: str, new: str, text: str = BASE_TOPIC, count: int = 1) -> str:
    """*text* with *old* replaced by *new*; *old* must be there (guards against typos in the table)."""
    assert old in text, f"{old!r} is not in the base file"
    return text.replace(old, new, count)


def write_topic(tmp: Path, text: str | bytes, name: str = "knee.md") -> Path:
    folder = tmp / "topics"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return folder


def write_brand(tmp: Path, text: str = BASE_BRAND, logo: bool = True) -> Path:
    folder = tmp / "clinic"
    folder.mkdir(exist_ok=True)
    if logo:
        make_png(folder / "logo.png")
    path = folder / "brand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_templates(tmp: Path, fixture: str) -> Path:
    folder = tmp / "tpl"
    folder.mkdir(exist_ok=True)
    shutil.copy(DATA / fixture, folder / "guide.xml.j2")
    return folder


def topic_args(tmp: Path, text: str | bytes, *extra: str) -> list[str]:
    """A guide of the topic *text* (as topics/knee.md) with the test brand."""
    folder = write_topic(tmp, text)
    return ["guide", "knee", "--content", str(folder), "--brand", str(write_brand(tmp)), *extra]


def card_args(tmp: Path, text: str) -> list[str]:
    """The 3x5 card of the routine knee-bend of the topic *text* (as topics/knee.md)."""
    folder = write_topic(tmp, text)
    return ["card", "knee", "knee-bend", "--size", "3x5", "--content", str(folder), "--brand", str(write_brand(tmp))]


def brand_args(tmp: Path, text: str, logo: bool = True) -> list[str]:
    return ["guide", "piriformis", "--brand", str(write_brand(tmp, text, logo))]


def brand_with_logo(tmp: Path, name: str, data: bytes) -> list[str]:
    """The test brand whose logo is the file *name* holding *data*."""
    brand = write_brand(tmp, edit('logo = "logo.png"', f'logo = "{name}"', BASE_BRAND), logo=False)
    (brand.parent / name).write_bytes(data)
    return ["guide", "piriformis", "--brand", str(brand)]


def png_bytes(size: tuple[int, int] = (600, 200), mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, 0 if mode == "1" else (200, 40, 90)).save(buf, format="PNG")
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small real PNG whose IHDR header claims *width* x *height* pixels (CRC fixed up)."""
    data = bytearray(png_bytes((16, 16)))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def truncated_png() -> bytes:
    img = Image.effect_noise((400, 400), 64).convert("RGB")  # noise: does not compress away
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    data = buf.getvalue()
    return data[: len(data) // 2]


def gif_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 200), (10, 200, 10)).save(buf, format="GIF")
    return buf.getvalue()


def fonts_toml(tmp: Path, files: dict[str, Path]) -> str:
    lines = ["", "[fonts]"] + [f'{k} = "{v}"' for k, v in files.items()]
    return BASE_BRAND + "\n".join(lines) + "\n"


def fake_font_brand(tmp: Path) -> list[str]:
    brand = write_brand(tmp)
    fake = brand.parent / "Fake.ttf"
    fake.write_text("this is not a font\n" * 20)
    files = dict.fromkeys(("regular", "bold", "italic", "bold_italic"), fake)
    brand.write_text(fonts_toml(tmp, files), encoding="utf-8")
    return ["guide", "piriformis", "--brand", str(brand)]


def two_fonts_brand(tmp: Path) -> list[str]:
    brand = write_brand(tmp)
    regular = brand.parent / "Reg.ttf"
    regular.write_bytes(b"\0")
    brand.write_text(fonts_toml(tmp, {"regular": regular, "bold": regular}), encoding="utf-8")
    return ["guide", "piriformis", "--brand", str(brand)]


def dejavu_brand(tmp: Path) -> Path:
    brand = write_brand(tmp)
    brand.write_text(fonts_toml(tmp, DEJAVU_FILES), encoding="utf-8")
    return brand


def latin1_brand(tmp: Path) -> list[str]:
    brand = write_brand(tmp)
    brand.write_bytes(edit("Registered", "Caf\xe9 registered", BASE_BRAND).encode("latin-1"))
    return ["guide", "piriformis", "--brand", str(brand)]


def batch_args(tmp: Path, csv_text: str) -> list[str]:
    csv = tmp / "clients.csv"
    csv.write_text(csv_text, encoding="utf-8")
    return ["batch", str(csv), "--topic", "piriformis", "--routine", "side-stretch", "--out", str(tmp / "out"), "-j", "1"]


# -- the table ----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], list[str]]  # makes the bad input in tmp_path, returns the CLI args
    code: int
    pattern: str  # regular expression the output must match (file and line or key, and what is wrong)
    env: dict[str, str] = field(default_factory=dict)
    output: bool = True  # add "-o <previous PDF>" to the args


K = r"knee\.md"  # the topic file's name in messages

CASES: list[Case] = [
    # ---- content: the front matter ----
    Case("no-front-matter", lambda t: topic_args(t, BASE_TOPIC.split("---\n", 2)[2]), 1, rf"{K}:1: .*'---'"),
    Case("front-matter-never-closed", lambda t: topic_args(t, edit("---\nYour knee", "Your knee")), 1, rf"{K}:1: .*never closed"),
    Case("yaml-over-indented-key", lambda t: topic_args(t, edit("    purpose:", "      purpose:")), 1, rf"{K}:12: .*(?i:indent)"),
    Case("yaml-under-indented-key", lambda t: topic_args(t, edit("    purpose:", "   purpose:")), 1, rf"{K}:12: .*(?i:indent)"),
    Case("yaml-tab-indentation", lambda t: topic_args(t, edit("    title: Knee bend", "\ttitle: Knee bend")), 1, rf"{K}:11: .*(?i:tab)"),
    Case("yaml-duplicate-key", lambda t: topic_args(t, edit("reviewed:", "summary: Again.\nreviewed:")), 1, rf"{K}:4: .*'summary' appears twice \(first on line 3\)"),
    Case("unknown-key-did-you-mean", lambda t: topic_args(t, edit("title: Knee care", "titel: Knee care")), 1, rf"{K}:2: titel: is not a known key; did you mean 'title'\?"),
    Case("missing-summary", lambda t: topic_args(t, edit("summary: Move your knee gently every day.\n", "")), 1, rf"{K}(:\d+)?: summary: is missing"),
    Case("title-too-long", lambda t: topic_args(t, edit("title: Knee care", "title: " + "Knee care " * 9)), 1, rf"{K}:2: title: is 89 characters long, more than the 80"),
    Case("bad-date", lambda t: topic_args(t, edit("reviewed: 2026-11-26", "reviewed: 26/11/2026")), 1, rf"{K}:4: reviewed: .*26/11/2026.* not a date; .*YYYY-MM-DD"),
    Case("hold-seconds-abc", lambda t: topic_args(t, edit("hold_seconds: 15", "hold_seconds: abc")), 1, rf"{K}:17: routines\.knee-bend\.dose\.hold_seconds: 'abc' is not a number of seconds"),
    Case("hold-seconds-backwards", lambda t: topic_args(t, edit("hold_seconds: 15", "hold_seconds: 30-15")), 1, rf"{K}:17: routines\.knee-bend\.dose\.hold_seconds: 30-15 .*smaller number first"),
    Case("hold-seconds-sexagesimal", lambda t: topic_args(t, edit("hold_seconds: 15", "hold_seconds: 1:30")), 1, rf"{K}:17: routines\.knee-bend\.dose\.hold_seconds: '1:30' is not a number of seconds"),
    Case("python-object-tag", lambda t: topic_args(t, edit("summary: Move", "summary: !!python/object/apply:os.system Move")), 1, rf"{K}:3: .*tag"),
    Case("custom-tag", lambda t: topic_args(t, edit("summary: Move", "summary: !shout Move")), 1, rf"{K}:3: .*tag"),
    Case("control-char-in-front-matter", lambda t: topic_args(t, edit("gently every", "gently\x07 every")), 1, rf"{K}:3: .*control character U\+0007"),
    Case("yaml-surrogate-escape", lambda t: topic_args(t, edit("- Sit on a firm chair.", '- "Sit \\ud800 down."')), 1, rf"{K}:14: .*(U\+D800|\\ud800)"),
    Case("yaml-recursive-alias", lambda t: topic_args(t, edit("summary: Move your knee gently every day.", "summary: &a [*a]")), 1, rf"{K}:3: "),
    Case("yaml-undefined-alias", lambda t: topic_args(t, edit("summary: Move your knee gently every day.", "summary: *nowhere")), 1, rf"{K}:3: "),
    Case("yaml-merge-key", lambda t: topic_args(t, edit("    dose:\n", "    dose:\n      <<: {sides: both}\n")), 1, rf"{K}:17: .*'<<'"),
    Case("source-url-javascript", lambda t: topic_args(t, edit("url: https://example.com/knee", "url: javascript:alert(1)")), 1, rf"{K}:8: sources\[1\]\.url: .*https://"),
    Case("routine-id-capitals", lambda t: topic_args(t, edit("  knee-bend:", "  Knee_Bend:")), 1, rf"{K}:10: routines\.Knee_Bend: .*not a valid id"),
    Case("topic-file-too-big", lambda t: topic_args(t, BASE_TOPIC + ("Filler words for a very long file.\n\n" * 16000)), 1, rf"{K}: is \d+ KB; a topic file may be at most 512 KB"),
    Case("heading-too-deep", lambda t: topic_args(t, BASE_TOPIC + "\n#### Deep\n"), 1, rf"{K}:28: heading level 4 is too deep"),
    Case("section-id-twice", lambda t: topic_args(t, BASE_TOPIC + "\n## Again {#stretches}\n\nMore.\n"), 1, rf"{K}:28: section id 'stretches' is used twice \(first on line 24\)"),
    Case("content-not-a-folder", lambda t: ["guide", "piriformis", "--content", str(t / "no-such-content")], 1, r"no-such-content: is not a folder"),
    Case("not-utf8", lambda t: topic_args(t, edit("Your knee likes", "Your caf\xe9 knee likes").encode("latin-1")), 1, rf"{K}:22: is not UTF-8"),
    Case("no-steps", lambda t: topic_args(t, edit("      - Sit on a firm chair.\n      - Bend and straighten your knee slowly.\n", "")), 1, rf"{K}:13: routines\.knee-bend\.steps"),
    # ---- content: the body ----
    Case("unknown-routine", lambda t: topic_args(t, edit("[[routine: knee-bend]]", "[[routine: nope]]")), 1, rf"{K}:26: there is no routine 'nope'.*knee-bend"),
    Case("unknown-routine-did-you-mean", lambda t: topic_args(t, edit("[[routine: knee-bend]]", "[[routine: knee-bnd]]")), 1, rf"{K}:26: there is no routine 'knee-bnd'.*did you mean 'knee-bend'"),
    Case("routine-placed-twice", lambda t: topic_args(t, BASE_TOPIC + "\n[[routine: knee-bend]]\n"), 1, rf"{K}:28: routine 'knee-bend' is placed twice \(first on line 26\)"),
    Case("level-one-heading", lambda t: topic_args(t, edit("Your knee likes", "# Level one heading\n\nYour knee likes")), 1, rf"{K}:22: '# Level one heading' is a level-1 heading"),
    Case("nested-list", lambda t: topic_args(t, BASE_TOPIC + "\n- outer\n  - inner\n"), 1, rf"{K}:29: lists inside lists"),
    Case("unknown-section-class", lambda t: topic_args(t, edit("{#stretches}", "{#stretches .bogus}")), 1, rf"{K}:24: '\.bogus' is not a section setting"),
    Case("bad-routine-line", lambda t: topic_args(t, edit("[[routine: knee-bend]]", "[[routine knee-bend]]")), 1, rf"{K}:26: .*not a routine line"),
    Case("empty-body", lambda t: topic_args(t, BASE_TOPIC.split("Your knee likes")[0]), 1, rf"{K}:22: the body has no '## ' sections"),
    Case("control-char-in-body", lambda t: topic_args(t, edit("Your knee likes", "Your knee\x01 likes")), 1, rf"{K}:22: .*U\+0001"),
    Case("cyrillic-in-helvetica", lambda t: topic_args(t, edit("Bend and straighten", "Bend Ж and straighten")), 1, rf"(?s){K}:15: .*U\+0416.*\[fonts\].*brand\.toml"),
    Case("emoji-in-helvetica", lambda t: topic_args(t, edit("Your knee likes", "Your knee \U0001F600 likes")), 1, rf"(?s){K}:22: .*U\+1F600.*\[fonts\]"),
    Case("unknown-topic", lambda t: ["guide", "piriformiss"], 1, r"no topic 'piriformiss'.*did you mean 'piriformis'"),
    # ---- brand ----
    Case("toml-missing-quotes", lambda t: brand_args(t, edit('tagline = "Registered massage therapy"', "tagline = Registered massage therapy", BASE_BRAND)), 1, r"brand\.toml:2: not valid TOML"),
    Case("color-not-hex", lambda t: brand_args(t, edit('"#7A1F3D"', '"#12345G"', BASE_BRAND)), 1, r"brand\.toml:10: colors\.primary: .*#RRGGBB"),
    Case("brand-unknown-key", lambda t: brand_args(t, edit("name =", "nmae =", BASE_BRAND)), 1, r"brand\.toml:1: nmae: is not a known key; did you mean 'name'\?"),
    Case("brand-bad-paper", lambda t: brand_args(t, edit('"letter"', '"legal"', BASE_BRAND)), 1, r"brand\.toml:7: paper: 'legal' is not one of letter, a4"),
    Case("website-javascript", lambda t: brand_args(t, edit('"https://riverside-massage.example"', '"javascript:alert(1)"', BASE_BRAND)), 1, r"brand\.toml:5: website: .*javascript.*https://"),
    Case("website-http", lambda t: brand_args(t, edit("https://riverside", "http://riverside", BASE_BRAND)), 1, r"brand\.toml:5: website: .*http://.*https://"),
    Case("bad-email", lambda t: brand_args(t, edit("hello@riverside-massage.example", "hello at riverside", BASE_BRAND)), 1, r"brand\.toml:4: email: .*not an email address"),
    Case("logo-missing", lambda t: brand_args(t, BASE_BRAND, logo=False), 1, r"brand\.toml:6: logo: 'logo\.png' does not exist"),
    Case("logo-text-file", lambda t: brand_with_logo(t, "logo.png", b"just some text, not a picture\n" * 10), 1, r"brand\.toml(:6)?: logo: 'logo\.png' is not (an image|a readable)"),
    Case("logo-truncated", lambda t: brand_with_logo(t, "logo.png", truncated_png()), 1, r"brand\.toml(:6)?: logo: 'logo\.png' is damaged or cut short"),
    Case("logo-huge-header", lambda t: brand_with_logo(t, "logo.png", png_claiming(30000, 30000)), 1, r"brand\.toml(:6)?: logo: 'logo\.png' .*too large"),
    Case("logo-huge-1bit", lambda t: brand_with_logo(t, "logo.png", png_bytes((8000, 8000), mode="1")), 1, r"brand\.toml(:6)?: logo: 'logo\.png' .*too large"),
    Case("logo-gif", lambda t: brand_with_logo(t, "logo.gif", gif_bytes()), 1, r"brand\.toml:6: logo: 'logo\.gif' is not a PNG, JPEG or SVG"),
    Case("logo-gif-renamed-png", lambda t: brand_with_logo(t, "logo.png", gif_bytes()), 1, r"brand\.toml(:6)?: logo: 'logo\.png' is (a GIF|not a readable)"),
    Case("fonts-two-of-four", two_fonts_brand, 1, r"(?s)brand\.toml(:\d+)?: fonts(\.italic: is missing|: names 2 of the 4 font files; missing italic)"),
    Case("font-not-a-font", fake_font_brand, 1, r"brand\.toml(:\d+)?: fonts\.regular: 'Fake\.ttf' cannot be used as a font"),
    Case("brand-name-too-long", lambda t: brand_args(t, edit("Riverside Massage Therapy", "R" * 61, BASE_BRAND)), 1, r"brand\.toml:1: name: is 61 characters long"),
    Case("brand-not-utf8", latin1_brand, 1, r"brand\.toml:2: is not UTF-8"),  # the tagline, line 2, holds the Latin-1 byte
    Case("brand-color-not-text", lambda t: brand_args(t, edit('accent = "#2E8B57"', "accent = 0x2E8B57", BASE_BRAND)), 1, r"brand\.toml:11: colors\.accent: .*#RRGGBB"),
    Case("brand-logo-url", lambda t: brand_args(t, edit('logo = "logo.png"', 'logo = "https://example.com/logo.png"', BASE_BRAND)), 1, r"brand\.toml:6: logo: .*web address"),
    Case("brand-name-cyrillic", lambda t: brand_args(t, edit("Riverside Massage Therapy", "Массаж", BASE_BRAND)), 1, r"(?s)brand\.toml:1: .*U\+041C.*\[fonts\]"),
    Case("brand-flag-missing-file", lambda t: ["guide", "piriformis", "--brand", str(t / "nowhere" / "brand.toml")], 1, r"nowhere/brand\.toml: the brand file does not exist"),
    Case("brand-env-missing-file", lambda t: ["guide", "piriformis"], 1, r"HANDOUT_BRAND=.*nowhere\.toml: the brand file does not exist", env={"HANDOUT_BRAND": "/no/such/dir/nowhere.toml"}),
    # ---- templates ----
    Case("template-syntax-error", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-syntax-error.xml.j2"))], 1, r"guide\.xml\.j2:\d+: template syntax error"),
    Case("template-undefined", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-undefined.xml.j2"))], 1, r"guide\.xml\.j2:3: .*nmae"),
    Case("template-sandbox-escape", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-sandbox.xml.j2"))], 1, r"guide\.xml\.j2(:3)?: .*(not allowed|unsafe)"),
    Case("template-unclosed-tag", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-unclosed.xml.j2"))], 1, r"guide\.xml\.j2: .*not well-formed"),
    Case("template-unknown-element", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-table.xml.j2"))], 1, r"guide\.xml\.j2: <table> is not a layout element"),
    Case("template-prints-nothing", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-empty.xml.j2"))], 1, r"guide\.xml\.j2: .*empty"),
    Case("template-recursive-macro", lambda t: ["guide", "piriformis", "--templates", str(write_templates(t, "guide-recursive-macro.xml.j2"))], 1, r"guide\.xml\.j2(:\d+)?: "),
    Case("templates-not-a-folder", lambda t: ["guide", "piriformis", "--templates", str(t / "no-such-templates")], 1, r"no-such-templates: is not a folder"),
    # ---- layout ----
    Case("card-does-not-fit", lambda t: card_args(t, edit("      - Bend and straighten your knee slowly.\n", "".join(f"      - Step {i}. Bend and straighten your knee slowly, then rest your foot flat on the floor for a breath.\n" for i in range(11)))), 1, rf"{K}: routines\.knee-bend: does not fit on the front and back of a 3x5 card: it needs about \d+\.\d\d in \(\d+ mm, \d+ pt\) more"),
    Case("keep-taller-than-page", lambda t: topic_args(t, BASE_TOPIC, "--templates", str(write_templates(t, "guide-keep-too-tall.xml.j2"))), 1, rf"{K}(:28)?: .*(Get help now|red-flags).*taller than a whole page"),
    Case("card-unknown-routine", lambda t: ["card", "piriformis", "side-strech"], 1, r"piriformis\.md: topic 'piriformis' has no routine 'side-strech'; did you mean 'side-stretch'"),
    # ---- command line ----
    Case("client-too-long", lambda t: ["guide", "piriformis", "--client", "A" * 61], 1, r"--client: is 61 characters long, more than the 60"),
    Case("note-control-char", lambda t: ["guide", "piriformis", "--note", "Twice\x1b[31m a day"], 1, r"--note: contains the invisible control character U\+001B"),
    # the bytes "Zo\xeb" (Latin-1) on a UTF-8 system arrive in Python as "Zo\udceb"
    Case("client-not-utf8-bytes", lambda t: ["guide", "piriformis", "--client", "Zo\udceb"], 1, r"--client: "),
    Case("source-date-epoch-text", lambda t: ["guide", "piriformis"], 1, r"SOURCE_DATE_EPOCH: 'notanumber' is not a whole number", env={"SOURCE_DATE_EPOCH": "notanumber"}),
    Case("unknown-paper", lambda t: ["guide", "piriformis", "--paper", "legal"], 2, r"Invalid value for '--paper'.*'legal'"),
    Case("unknown-card-size", lambda t: ["card", "piriformis", "side-stretch", "--size", "9x9"], 2, r"Invalid value for '--size'"),
    Case("batch-no-client-column", lambda t: batch_args(t, "name,note\nSam Lee,hi\n"), 1, r"clients\.csv:1: has no 'client' column", output=False),
    Case("batch-unknown-column", lambda t: batch_args(t, "client,notes\nSam Lee,hi\n"), 1, r"clients\.csv:1: 'notes' is not a known column; did you mean 'note'", output=False),
    # ---- output ----
    Case("output-is-a-folder", lambda t: ["guide", "piriformis", "-o", str(t / "out")], 1, r"out: is a folder", output=False),
    Case("output-folder-missing", lambda t: ["guide", "piriformis", "-o", str(t / "missing" / "x.pdf")], 1, r"missing/x\.pdf: the folder .* does not exist", output=False),
]


# -- the checks ---------------------------------------------------------------


@pytest.fixture(scope="session")
def previous_pdf() -> bytes:
    """A valid guide, rendered once, standing in for yesterday's handout at the output path."""
    from handout.build import Request, render
    from handout.load.brand import default_brand_path

    return render(Request("guide", "piriformis", brand_file=default_brand_path()))


def assert_clean_failure(result, code: int, pattern: str) -> None:  # type: ignore[no-untyped-def]
    out = result.output
    assert result.exit_code == code, f"exit {result.exit_code}, expected {code}:\n{out}"
    assert "Traceback" not in out, out
    assert not re.search(r"(?i)unexpected \w+(Error|Exception)", out), f"internal error leaked:\n{out}"
    flags = re.IGNORECASE if code == 2 else 0  # click itself writes "Error:" for usage errors
    assert re.search(r"(?m)^error: \S", out, flags), f"no 'error:' line:\n{out}"
    assert re.search(pattern, out), f"message does not match {pattern!r}:\n{out}"


def assert_untouched(folder: Path, target: Path, before: bytes) -> None:
    assert target.read_bytes() == before, f"{target} was changed"
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert not leftovers, f"temporary files left behind: {leftovers}"


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, run, tmp_path: Path, previous_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "previous.pdf"
    target.write_bytes(previous_pdf)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value)
    args = case.build(tmp_path)
    if case.output:
        args += ["-o", str(target)]
    result = run(*args)
    assert_clean_failure(result, case.code, case.pattern)
    assert_untouched(out, target, previous_pdf)


# -- cases that need more than the table ----------------------------------------


def test_sandbox_escape_runs_nothing(run, tmp_path: Path) -> None:
    result = run("guide", "piriformis", "--templates", write_templates(tmp_path, "guide-sandbox.xml.j2"), "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1, result.output
    assert "uid=" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_markup_characters_print_literally(run, tmp_path: Path) -> None:
    """Text that looks like HTML or entities is text: no error, and it prints as typed."""
    text = edit("Your knee likes to move.", "Pain & <stiffness> in the hip. Press <b>firmly. Tom&Jerry &copy and a<b.")
    text = edit("Sit on a firm chair.", "Sit <i>on</i> a chair & relax.", text)
    out = tmp_path / "knee.pdf"
    result = run(*topic_args(tmp_path, text), "-o", out)
    assert result.exit_code == 0, result.output
    pdf = read_pdf(out).text
    for literal in ("Pain & <stiffness> in the hip.", "Press <b>firmly.", "Tom&Jerry &copy and a<b.", "Sit <i>on</i> a chair & relax."):
        assert literal in pdf, f"{literal!r} not printed literally in: {pdf[:800]}"
    assert "©" not in pdf


def test_yaml_words_stay_text(run, tmp_path: Path) -> None:
    """`no` stays "no", `01234` is not read as octal 668."""
    text = edit("how_often: twice a day", "how_often: no")
    text = edit("repeats: 3", "repeats: 01234", text)
    out = tmp_path / "knee.pdf"
    result = run(*topic_args(tmp_path, text), "-o", out)
    assert result.exit_code == 0, result.output
    pdf = read_pdf(out).text
    assert re.search(r"HOW OFTEN.*\bno\b", pdf), pdf
    assert "668" not in pdf and "False" not in pdf
    assert re.search(r"\b0?1234\b", pdf), pdf


def test_long_unbroken_word_in_a_step(run, tmp_path: Path) -> None:
    """A 290-character word: renders (every letter present) or fails cleanly."""
    word = ("Abcdefghij" * 29)[:290]
    text = edit("Bend and straighten your knee slowly.", word)
    out = tmp_path / "knee.pdf"
    result = run(*topic_args(tmp_path, text), "-o", out)
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert word in read_pdf(out).text.replace(" ", "")
    else:
        assert_clean_failure(result, 1, rf"{K}:15")
    result = run("card", "knee", "knee-bend", "--content", tmp_path / "topics", "--size", "3x5", "-o", tmp_path / "card.pdf")
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert word in read_pdf(tmp_path / "card.pdf").text.replace(" ", "")
    else:
        assert_clean_failure(result, 1, rf"{K}")


def test_existing_non_pdf_output_is_refused_then_replaced_with_force(run, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my precious notes\n")
    result = run("guide", "piriformis", "-o", notes)
    assert_clean_failure(result, 1, r"notes\.txt: ")
    assert notes.read_text() == "my precious notes\n"
    fake_pdf = tmp_path / "notes.pdf"
    fake_pdf.write_text("my precious notes\n")
    result = run("guide", "piriformis", "-o", fake_pdf)
    assert_clean_failure(result, 1, r"notes\.pdf: exists and is not a PDF.*--force")
    assert fake_pdf.read_text() == "my precious notes\n"
    result = run("guide", "piriformis", "-o", notes, "--force")
    assert result.exit_code == 0, result.output
    assert read_pdf(notes).pages >= 3
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


def test_batch_row_without_client(run, tmp_path: Path, previous_pdf: bytes) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.pdf").write_bytes(previous_pdf)
    result = run(*batch_args(tmp_path, "client,note\nSam Lee,Twice a day\n,orphan note\nAna Ruiz,\n"))
    assert_clean_failure(result, 1, r"clients\.csv:3: client is empty")
    assert (out / "piriformis-side-stretch-sam-lee.pdf").is_file()
    assert (out / "piriformis-side-stretch-ana-ruiz.pdf").is_file()
    assert "2 written, 1 failed" in result.output
    assert_untouched(out, out / "previous.pdf", previous_pdf)


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_disk_full_during_write(failing: str, run, tmp_path: Path, previous_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    import handout.write.output as output

    out = tmp_path / "out"
    out.mkdir()
    target = out / "previous.pdf"
    target.write_bytes(previous_pdf)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, failing, disk_full)
    result = run("guide", "piriformis", "--client", "Sam Lee", "-o", target)
    monkeypatch.undo()
    assert_clean_failure(result, 1, r"previous\.pdf: could not be written \(No space left on device\)")
    assert_untouched(out, target, previous_pdf)


@pytest.mark.skipif(not HAVE_DEJAVU, reason="DejaVu fonts not installed")
def test_own_fonts_print_cyrillic_and_greek(run, tmp_path: Path) -> None:
    text = edit("Your knee likes to move.", "Колено любит движение. Το γόνατο θέλει κίνηση.")
    text = edit("Sit on a firm chair.", "Сядьте на стул, αργά.", text)
    brand = dejavu_brand(tmp_path)
    out = tmp_path / "knee.pdf"
    result = run("guide", "knee", "--content", write_topic(tmp_path, text), "--brand", brand, "-o", out)
    assert result.exit_code == 0, result.output
    pdf = read_pdf(out).text
    for phrase in ("Колено любит движение.", "Το γόνατο θέλει κίνηση.", "Сядьте на стул, αργά."):
        assert phrase in pdf, pdf[:600]
    reader = pypdf.PdfReader(out)
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if desc is not None and "/FontFile2" in desc.get_object():
                embedded.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in name for name in embedded), embedded


@pytest.mark.skipif(not HAVE_DEJAVU, reason="DejaVu fonts not installed")
def test_own_font_without_the_glyph_is_refused(run, tmp_path: Path, previous_pdf: bytes) -> None:
    text = edit("Your knee likes to move.", "Your knee likes to move. 膝")
    target = tmp_path / "previous.pdf"
    target.write_bytes(previous_pdf)
    result = run("guide", "knee", "--content", write_topic(tmp_path, text), "--brand", dejavu_brand(tmp_path), "-o", target)
    assert_clean_failure(result, 1, rf"{K}:22: .*U\+819D.*\[fonts\]")
    assert target.read_bytes() == previous_pdf


def test_long_brand_name_stays_on_the_page(tmp_path: Path) -> None:
    """The longest name brand.toml allows (60 characters) must not run off the page."""
    import pypdfium2 as pdfium

    from handout.build import Request, render

    name = "W" * 60
    brand = write_brand(tmp_path, edit('"Riverside Massage Therapy"', f'"{name}"', BASE_BRAND))
    for req in (Request("guide", "piriformis", brand_file=brand), Request("card", "piriformis", "belly-dancer", brand_file=brand)):
        data = render(req)
        page = pdfium.PdfDocument(data)[0]
        width = page.get_width()
        tp = page.get_textpage()
        text = tp.get_text_range()
        start = text.find(name[:10])
        assert start >= 0
        right = max(tp.get_charbox(i)[2] for i in range(start, start + 60))
        assert right <= width, f"{req.kind}: brand name runs to x={right:.0f}, past the page edge at {width:.0f}"
        assert norm(name) in norm(text)


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    """'Billion laughs': nine levels of aliases, each ten times the one before (10^9 values).

    Run in a child process capped at 1.5 GB and 10 s, so a program that expands
    the aliases fails this test instead of taking the machine down.
    """
    import resource
    import subprocess
    import sys

    lol = "lol0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 10)
    )
    folder = write_topic(tmp_path, edit("reviewed: 2026-11-26\n", "reviewed: 2026-11-26\n" + lol))
    target = tmp_path / "out.pdf"

    def limits() -> None:
        cap = 1536 * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    try:
        proc = subprocess.run(
            [sys.executable, "-m", "handout", "guide", "knee", "--content", str(folder), "-o", str(target)],
            capture_output=True, text=True, timeout=10, preexec_fn=limits, cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a 1 KB topic file with YAML aliases kept handout busy for more than 10 s")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out and "unexpected" not in out, out
    assert re.search(rf"(?m)^error: .*{K}:5: ", out), out
    assert not target.exists()
