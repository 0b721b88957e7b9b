"""Shared test helpers: read PDFs back the way a client would see them."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from handout.cli import cli

ROOT = Path(__file__).resolve().parent.parent

# the tests never read or write the user's own cache
os.environ["HANDOUT_CACHE_DIR"] = tempfile.mkdtemp(prefix="handout-test-cache-")
QPDF = shutil.which("qpdf")


@dataclass
class PdfFacts:
    pages: int
    sizes: list[tuple[float, float]]
    texts: list[str]  # per page, whitespace normalised
    images: int  # image XObjects drawn, over all pages
    metadata: dict[str, str]
    outline: list[str]
    lang: str

    @property
    def text(self) -> str:
        return " ".join(self.texts)


def norm(text: str) -> str:
    text = text.replace("\u2010", "-").replace("\ufffe", "").replace("\u00ad", "")
    return " ".join(text.split())


def plain(markup: str) -> str:
    """Content text without inline tags and entities, as it prints."""
    import html

    return norm(html.unescape(re.sub(r"<[^>]+>", "", str(markup))))


def read_pdf(source: Path | bytes) -> PdfFacts:
    data = source.read_bytes() if isinstance(source, Path) else source
    assert_valid_pdf(data)
    doc = pdfium.PdfDocument(data)
    texts = []
    for page in doc:
        tp = page.get_textpage()
        texts.append(norm(tp.get_text_range()))
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    images = sum(len(p.images) for p in reader.pages)
    meta = {k.lstrip("/"): str(v) for k, v in (reader.metadata or {}).items()}
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    lang = str(reader.trailer["/Root"].get("/Lang", ""))
    return PdfFacts(len(reader.pages), sizes, texts, images, meta, outline, lang)


def assert_valid_pdf(data: bytes) -> None:
    """Opens with a strict reader, has pages, and passes qpdf --check where qpdf exists."""
    assert data.startswith(b"%PDF-"), "not a PDF"
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) >= 1, "PDF has no pages"
    if QPDF:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(data)
            fh.flush()
            proc = subprocess.run([QPDF, "--check", fh.name], capture_output=True)
        if proc.returncode != 0:  # 2 = errors, 3 = warnings: both mean a damaged file
            raise AssertionError(f"qpdf --check failed: {proc.stdout.decode()[-500:]}{proc.stderr.decode()[-500:]}")


@pytest.fixture(autouse=True)
def _every_pdf_is_valid(tmp_path: Path):
    """After each test, every PDF it left in its temporary folder must be a valid PDF."""
    yield
    for pdf in tmp_path.rglob("*.pdf"):
        data = pdf.read_bytes()
        if data.startswith(b"%PDF-"):
            assert_valid_pdf(data)


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in an empty working folder; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUT_BRAND", raising=False)
    runner = CliRunner()

    def invoke(*args: str, **kwargs: object) -> Result:
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)  # type: ignore[arg-type]

    return invoke


def make_png(path: Path, size: tuple[int, int] = (600, 200), color: tuple[int, int, int] = (200, 40, 90)) -> Path:
    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 7):  # some detail so it is not a flat colour
        for y in range(0, size[1], 11):
            img.putpixel((x, y), (255, 255, 255))
    img.save(path)
    return path


BRAND_TOML = """\
name = "Riverside Massage Therapy"
tagline = "Registered massage therapy"
practitioner = "Alex Morgan, RMT"
phone = "+1 555 010 0199"
email = "hello@riverside-massage.example"
website = "https://riverside-massage.example"
address = "12 River Street, Springfield"
logo = "logo.png"
paper = "{paper}"

[colors]
primary = "#7A1F3D"
accent = "#2E8B57"
"""


def write_brand(folder: Path, paper: str = "letter") -> Path:
    """The complete clinic brand (BRAND_TOML) with a PNG logo, in *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    make_png(folder / "logo.png")
    path = folder / "brand.toml"
    path.write_text(BRAND_TOML.format(paper=paper), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def topic():  # type: ignore[no-untyped-def]
    """The built-in piriformis topic, as the program reads it."""
    from handout.load.content import load_topic

    return load_topic(ROOT / "content" / "piriformis.md")


@pytest.fixture(scope="module")
def letter_brand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_brand(tmp_path_factory.mktemp("letter-clinic"), "letter")


@pytest.fixture(scope="module")
def a4_brand(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_brand(tmp_path_factory.mktemp("a4-clinic"), "a4")


@pytest.fixture()
def brand_file(tmp_path: Path) -> Path:
    """A complete clinic brand with a PNG logo, in its own folder."""
    return write_brand(tmp_path / "clinic")
