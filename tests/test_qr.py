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


# -- codes placed by the built-in templates: a routine's video, the clinic's booking page ----------

SIDE_VIDEO = "https://riverside-massage.example/v/side-stretch"


def clinic_content(folder: Path, seated: str = VIDEO, side: str = SIDE_VIDEO) -> Path:
    """The built-in piriformis topic with a video named for two of its routines."""
    from conftest import ROOT

    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")
    text = text.replace("  tennis-ball-seated:\n", f"  tennis-ball-seated:\n    video: {seated}\n", 1)
    text = text.replace("  side-stretch:\n", f"  side-stretch:\n    video: {side}\n", 1)
    (folder / "piriformis.md").write_text(text, encoding="utf-8")
    return folder


def booking_brand(folder: Path, booking: str = BOOKING) -> Path:
    from conftest import write_brand

    path = write_brand(folder)
    path.write_text(path.read_text(encoding="utf-8").replace('logo = "logo.png"', f'logo = "logo.png"\nbooking = "{booking}"'), encoding="utf-8")
    return path


def codes_by_page(pdf: bytes) -> list[list[str]]:
    return [decoded(pdf, n) for n in range(len(pdfium.PdfDocument(pdf)))]


def test_guide_shows_each_routine_video_beside_it_and_the_booking_code(run, tmp_path: Path) -> None:
    content = clinic_content(tmp_path / "content")
    brand = booking_brand(tmp_path / "clinic")
    result = run("guide", "piriformis", "--content", content, "--brand", brand, "-o", "guide.pdf")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "guide.pdf").read_bytes()
    pages = codes_by_page(data)
    assert sorted(c for page in pages for c in page) == sorted([VIDEO, SIDE_VIDEO, BOOKING])
    facts = read_pdf(data)
    for url, title in ((VIDEO, "Ball massage, sitting down"), (SIDE_VIDEO, "Side stretch")):
        page = next(n for n, codes in enumerate(pages) if url in codes)
        # on the page of the routine's dose and stop rule, with "Watch how" and the address
        text = facts.texts[page].replace("/ ", "/")
        assert "Watch how" in text and url.removeprefix("https://") in text.replace(" ", "")
        assert title in text or title in facts.texts[page - 1]
    booking_page = next(n for n, codes in enumerate(pages) if BOOKING in codes)
    assert "Book your next visit" in facts.texts[booking_page]
    assert "+1 555 010 0199" in facts.texts[booking_page]


def test_a_code_sits_beside_the_dose_and_does_not_lengthen_the_routine_much(run, tmp_path: Path) -> None:
    """Beside the dose box and the stop rule: the routine grows by less than the code's height."""
    content = clinic_content(tmp_path / "content")
    assert run("guide", "piriformis", "--content", content, "-o", "with.pdf").exit_code == 0
    assert run("guide", "piriformis", "-o", "without.pdf").exit_code == 0

    def gap(pdf: Path) -> float:
        """Distance from the side stretch's last step to the next routine's title, on one page."""
        for page in pdfium.PdfDocument(pdf.read_bytes()):
            tp = page.get_textpage()
            text = tp.get_text_range()
            if "Hold, then slowly let go" in text and "Belly dancer stretch" in text:
                tops = []
                for needle in ("Hold, then slowly let go", "Belly dancer stretch"):
                    index, _ = tp.search(needle).get_next()
                    tops.append(tp.get_charbox(index)[3])
                return float(tops[0] - tops[1])
        return -1.0

    with_code, without = gap(tmp_path / "with.pdf"), gap(tmp_path / "without.pdf")
    if with_code > 0 and without > 0:  # both on one page: compare (else the page break decides)
        assert with_code - without < 25 / 25.4 * 72


def test_card_shows_its_routine_code_on_the_front(run, tmp_path: Path) -> None:
    content = clinic_content(tmp_path / "content")
    brand = booking_brand(tmp_path / "clinic")
    for routine, url in (("tennis-ball-seated", VIDEO), ("side-stretch", SIDE_VIDEO)):
        result = run("card", "piriformis", routine, "--content", content, "--brand", brand, "-o", f"{routine}.pdf")
        assert result.exit_code == 0, result.output
        data = (tmp_path / f"{routine}.pdf").read_bytes()
        assert decoded(data, 0) == [url]
        assert "Watch how" in read_pdf(data).texts[0]
    # a routine without a video has no code
    assert run("card", "piriformis", "belly-dancer", "--content", content, "-o", "belly.pdf").exit_code == 0
    assert decoded((tmp_path / "belly.pdf").read_bytes(), 0) == []


def test_programme_shows_each_routine_code(run, tmp_path: Path) -> None:
    content = clinic_content(tmp_path / "content")
    brand = booking_brand(tmp_path / "clinic")
    result = run("program", "-r", "piriformis/tennis-ball-seated", "-r", "piriformis/belly-dancer", "-r", "piriformis/side-stretch",
                 "--content", content, "--brand", brand, "-o", "prog.pdf")
    assert result.exit_code == 0, result.output
    codes = [c for page in codes_by_page((tmp_path / "prog.pdf").read_bytes()) for c in page]
    assert sorted(codes) == sorted([VIDEO, SIDE_VIDEO, BOOKING])


def test_no_codes_without_video_or_booking(run, tmp_path: Path) -> None:
    assert run("guide", "piriformis", "-o", "plain.pdf").exit_code == 0
    assert all(not c for c in codes_by_page((tmp_path / "plain.pdf").read_bytes()))


@pytest.mark.parametrize("bad", ["http://riverside-massage.example/v", "ftp://example.com/v", "javascript:alert(1)"])
def test_a_video_that_is_not_https_is_a_located_error_and_check_flags_it(run, tmp_path: Path, bad: str) -> None:
    content = clinic_content(tmp_path / "content", seated=bad)
    line = next(n for n, t in enumerate((content / "piriformis.md").read_text(encoding="utf-8").splitlines(), 1) if "video:" in t)
    result = run("guide", "piriformis", "--content", content, "-o", "g.pdf")
    assert result.exit_code == 1
    assert f"piriformis.md:{line}: routines.tennis-ball-seated.video" in result.output and "https://" in result.output
    assert not (tmp_path / "g.pdf").exists()
    checked = run("check", str(content / "piriformis.md"))
    assert checked.exit_code == 1 and f"piriformis.md:{line}" in checked.output and "video" in checked.output


def test_a_booking_page_that_is_not_https_is_a_located_error_and_check_flags_it(run, tmp_path: Path) -> None:
    brand = booking_brand(tmp_path / "clinic", booking="http://riverside-massage.example/book")
    line = next(n for n, t in enumerate(brand.read_text(encoding="utf-8").splitlines(), 1) if t.startswith("booking"))
    result = run("guide", "piriformis", "--brand", brand, "-o", "g.pdf")
    assert result.exit_code == 1
    assert f"brand.toml:{line}: booking" in result.output and "https://" in result.output
    checked = run("check", str(brand))
    assert checked.exit_code == 1 and f"brand.toml:{line}: booking" in checked.output


def test_the_starter_brand_shows_booking_as_a_commented_example(run, tmp_path: Path) -> None:
    assert run("init").exit_code == 0
    text = (tmp_path / "brand.toml").read_text(encoding="utf-8")
    assert "# booking = \"https://" in text
    # uncommented, it loads and prints its code
    (tmp_path / "brand.toml").write_text(text.replace("# booking = ", "booking = "), encoding="utf-8")
    assert run("guide", "piriformis", "-o", "g.pdf").exit_code == 0
    codes = [c for page in codes_by_page((tmp_path / "g.pdf").read_bytes()) for c in page]
    assert codes == ["https://riverside-massage.example/book"]
