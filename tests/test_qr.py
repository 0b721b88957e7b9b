"""QR codes: they scan back to their address from a printed-size render, stay sharp and sized."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import read_pdf

zxingcpp = pytest.importorskip("zxingcpp")

VIDEO = "https://riverside-massage.example/videos/ball-seated"
BOOKING = "https://riverside-massage.example/book"


def decoded(pdf: bytes, page: int = 0, dpi: int = 150) -> list[str]:
    image = pdfium.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil()
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


def guide_with(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.xml.j2").write_text(f"<document><title>{{{{ topic.title }}}}</title>{body}</document>", encoding="utf-8")
    return folder


def test_codes_decode_to_their_addresses_with_the_address_printed(run, tmp_path: Path) -> None:
    templates = guide_with(tmp_path, f'<qr href="{VIDEO}" label="Watch how"/><qr href="{BOOKING}" size="20"/>')
    result = run("guide", "piriformis", "--templates", templates, "-o", "qr.pdf")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "qr.pdf").read_bytes()
    assert decoded(data) == sorted([VIDEO, BOOKING])
    text = read_pdf(data).text
    assert "Watch how" in text
    assert "riverside-massage.example/book" in text
    # a long address breaks only after a slash, never inside a word
    assert "riverside-massage.example/videos/ball-seated" in text.replace("/ ", "/")


def test_codes_are_vector_and_encoded_once(run, tmp_path: Path) -> None:
    from handout.layout import qr

    plain = guide_with(tmp_path / "plain", "")
    assert run("guide", "piriformis", "--templates", plain, "-o", "plain.pdf").exit_code == 0
    qr.modules.cache_clear()
    templates = guide_with(tmp_path, f'<qr href="{VIDEO}"/>' * 3)
    assert run("guide", "piriformis", "--templates", templates, "-o", "qr.pdf").exit_code == 0
    # drawn as a path, not a picture: only the logo is an image in either file
    assert read_pdf(tmp_path / "qr.pdf").images == read_pdf(tmp_path / "plain.pdf").images
    info = qr.modules.cache_info()
    assert info.misses == 1 and info.hits == 2


def test_a_code_is_never_smaller_than_20_mm_and_has_error_correction_m() -> None:
    import segno

    from handout.layout import qr

    matrix = qr.modules(VIDEO)
    expected = segno.make(VIDEO, error="m", boost_error=False)
    assert expected.error == "M"
    assert tuple(tuple(bool(v) for v in row) for row in expected.matrix) == matrix
    code = qr.QRCode(VIDEO, qr.caption_style(__import__("reportlab.lib.styles", fromlist=["x"]).getSampleStyleSheet()["Normal"]), size=5)
    assert code.size == pytest.approx(qr.MIN_SIZE)
    assert qr.MIN_SIZE / 72 * 25.4 == pytest.approx(20)


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ('href="http://example.com/v"', "https://"),
        ('href="javascript:alert(1)"', "https://"),
        ('href="https://example.com/ a"', "https://"),
        (f'href="{VIDEO}" size="5"', "from 20 to 80"),
        (f'href="{VIDEO}" size="big"', "from 20 to 80"),
    ],
)
def test_bad_codes_are_located_errors(run, tmp_path: Path, attrs: str, message: str) -> None:
    templates = guide_with(tmp_path, f"<qr {attrs}/>")
    result = run("guide", "piriformis", "--templates", templates, "-o", "qr.pdf")
    assert result.exit_code == 1
    assert message in result.output and "guide.xml.j2" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "qr.pdf").exists()
