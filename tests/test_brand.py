"""A brand that cannot print badly: read back from the PDF the colours, logo sizes and
contact details a client would see."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ContentStream

from conftest import BRAND_TOML, make_png, read_pdf, write_brand
from handout.build import Request, render
from handout.layout import fit

INCH = 72.0
SIDE_STRETCH = "side-stretch"
DATA = Path(__file__).resolve().parent / "data" / "bad"


def KNEE_CARD(brand: Path, size: str = "3x5") -> Request:  # noqa: N802 - reads as a constant
    """A short routine that fits a small card."""
    return Request("card", "knee", routine="knee-bend", brand_file=brand, card_size=size, content=DATA)


@dataclass
class Drawn:
    """What one page's content stream draws: text with its fill colour, images with their size."""

    texts: list[tuple[str, tuple[float, float, float], float]]  # text, fill colour, y
    sizes: dict[str, float]  # text -> font size
    images: list[tuple[float, float]]  # width, height in points
    lines: list[tuple[float, float, float, float, tuple[float, float, float]]]  # x1, y1, x2, y2, stroke colour


def drawn(data: bytes, page: int = 0) -> Drawn:
    reader = pypdf.PdfReader(io.BytesIO(data))
    ops = ContentStream(reader.pages[page].get_contents(), reader).operations
    fill = stroke = (0.0, 0.0, 0.0)
    matrix = [1.0, 0, 0, 1.0, 0, 0]
    stack: list[list[float]] = []
    y = leading = 0.0
    out = Drawn([], {}, [], [])
    font_size = 0.0
    start: tuple[float, float] | None = None
    for operands, op in ops:
        if op == b"rg":
            fill = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op == b"RG":
            stroke = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op == b"q":
            stack.append(matrix)
        elif op == b"Q":
            matrix = stack.pop() if stack else [1.0, 0, 0, 1.0, 0, 0]
        elif op == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = matrix
            matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                      e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif op == b"Do":
            out.images.append((abs(matrix[0]), abs(matrix[3])))
        elif op == b"Tf":
            font_size = float(operands[1])
        elif op == b"BT":
            y = 0.0
        elif op == b"TL":
            leading = float(operands[0])
        elif op in (b"Td", b"TD"):
            y += float(operands[1])
        elif op == b"T*":
            y -= leading
        elif op == b"Tm":
            y = float(operands[5])
        elif op in (b"Tj", b"TJ"):
            parts = operands[0] if op == b"TJ" else [operands[0]]
            text = "".join(p.get_original_bytes().decode("cp1252", "replace") if hasattr(p, "get_original_bytes") else str(p)
                           for p in parts if not isinstance(p, (int, float)))
            out.texts.append((text, fill, _apply(matrix, 0, y)[1]))
            out.sizes[text] = font_size * abs(matrix[3])
        elif op == b"m":
            start = _apply(matrix, float(operands[0]), float(operands[1]))
        elif op == b"l" and start is not None:
            out.lines.append((*start, *_apply(matrix, float(operands[0]), float(operands[1])), stroke))
    return out


def _apply(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def colour_of(page: Drawn, needle: str) -> tuple[float, float, float]:
    for text, fill, _ in page.texts:
        if needle in text:
            return fill
    raise AssertionError(f"{needle!r} not drawn; texts: {[t for t, _, _ in page.texts][:30]}")


def hexcode(rgb: tuple[float, float, float]) -> str:
    return fit.hexcode(*rgb)


def brand_with(folder: Path, primary: str = "#7A1F3D", logo_size: tuple[int, int] | None = (600, 200),
               drop: tuple[str, ...] = (), extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = BRAND_TOML.format(paper="letter").replace("#7A1F3D", primary)
    if logo_size is None:
        text = text.replace('logo = "logo.png"\n', "")
    else:
        make_png(folder / "logo.png", logo_size)
    for key in drop:
        text = re.sub(rf"^{key} = .*\n", "", text, flags=re.M)
    path = folder / "brand.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


# -- colour -----------------------------------------------------------------------------------


def test_wcag_formula_matches_known_values() -> None:
    assert fit.contrast("#000000") == pytest.approx(21.0)
    assert fit.contrast("#FFFFFF") == pytest.approx(1.0)
    assert fit.contrast("#FFE800") == pytest.approx(1.25, abs=0.01)  # the pale yellow of the issue
    assert fit.contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the well-known lightest grey for text


def test_yellow_brand_prints_readable_headings_and_keeps_its_yellow_for_rules(tmp_path: Path) -> None:
    brand = brand_with(tmp_path / "yellow", primary="#FFE800")
    data = render(Request("guide", "piriformis", brand_file=brand))
    page = drawn(data)
    for heading in ("Hip and leg pain", "Common symptoms", "Riverside Massage Therapy"):
        colour = hexcode(colour_of(page, heading))
        assert fit.contrast(colour) >= 4.5, f"{heading!r} prints in {colour} at {fit.contrast(colour):.2f}:1"
        assert fit.hue_distance(colour, "#FFE800") < 10, f"{heading!r} lost the brand's hue: {colour}"
    rules = {hexcode(stroke) for *_, stroke in page.lines}
    assert "#FFE800" in rules, f"the header rule should keep the true brand colour; strokes: {rules}"


def test_dark_brand_colour_is_printed_as_it_is(tmp_path: Path) -> None:
    brand = brand_with(tmp_path / "teal", primary="#1F5F7A")
    page = drawn(render(Request("guide", "piriformis", brand_file=brand)))
    assert hexcode(colour_of(page, "Common symptoms")) == "#1F5F7A"


@pytest.mark.parametrize("red", ["#C62828", "#B3261E", "#E53935", "#D84315"])
def test_red_flag_box_stands_apart_from_a_red_brand(tmp_path: Path, red: str) -> None:
    brand = brand_with(tmp_path / "red", primary=red)
    data = render(Request("guide", "piriformis", brand_file=brand))
    facts = read_pdf(data)
    number = next(i for i, t in enumerate(facts.texts) if "Get help now" in t)
    page = drawn(data, number)
    alert = hexcode(colour_of(page, "Get help now"))
    heading = hexcode(colour_of(drawn(data, 0), "Common symptoms"))
    assert fit.hue_distance(alert, heading) >= 30, f"alert {alert} too close to brand headings {heading}"
    assert fit.contrast(alert) >= 4.5


def test_red_flag_box_is_red_for_other_brands(tmp_path: Path) -> None:
    brand = brand_with(tmp_path / "teal", primary="#1F5F7A")
    data = render(Request("guide", "piriformis", brand_file=brand))
    number = next(i for i, t in enumerate(read_pdf(data).texts) if "Get help now" in t)
    assert hexcode(colour_of(drawn(data, number), "Get help now")) == "#B3261E"


# -- logos ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pixels", "kind", "size", "min_w", "min_h"),
    [
        ((2000, 200), "guide", None, 3.0, 0.3),  # 10:1 on a guide: its own row, 0.36 in tall
        ((2000, 200), "card", "half-letter", 2.0, 0.2),
        ((100, 600), "guide", None, 0.24, 1.4),  # 1:6: at least 0.24 in wide
        ((100, 600), "card", "half-letter", 0.13, 0.75),
        ((600, 200), "guide", None, 1.4, 0.45),  # an ordinary 3:1 logo as before
    ],
    ids=["wide-guide", "wide-card", "tall-guide", "tall-card", "ordinary-guide"],
)
def test_logo_of_any_shape_prints_at_a_readable_size(tmp_path: Path, pixels: tuple[int, int], kind: str,
                                                      size: str | None, min_w: float, min_h: float) -> None:
    brand = brand_with(tmp_path / "logo", logo_size=pixels)
    req = Request(kind, "piriformis", routine=SIDE_STRETCH if kind == "card" else None, brand_file=brand, card_size=size)
    data = render(req)
    page = drawn(data)
    assert len(page.images) == 1, page.images
    w, h = page.images[0]
    assert w >= min_w * INCH and h >= min_h * INCH, f"logo prints {w / INCH:.2f} x {h / INCH:.2f} in"
    assert w / h == pytest.approx(pixels[0] / pixels[1], rel=0.02), "the logo keeps its shape"
    # the logo stays in the header, above the first line of the document
    title_y = min(y for t, _, y in page.texts if ("Hip and leg" in t or "Side stretch" in t))
    assert title_y < 11 * INCH - 0.5 * INCH - h


def test_wide_logo_has_its_own_row_above_the_name(tmp_path: Path) -> None:
    brand = brand_with(tmp_path / "wide", logo_size=(2000, 200))
    data = render(Request("guide", "piriformis", brand_file=brand))
    page = drawn(data)
    _, name_y = next((t, y) for t, _, y in page.texts if "Riverside Massage Therapy" in t)
    logo_h = page.images[0][1]
    assert name_y < 11 * INCH - 0.5 * INCH - logo_h, "the name sits under the wide logo, not beside it"


def test_tall_logo_on_a_small_card_is_warned_about(tmp_path: Path) -> None:
    brand = brand_with(tmp_path / "tall", logo_size=(60, 600))
    with pytest.warns(UserWarning, match=r"logo.*prints only 0\.\d\d x .* in on a 4x6 card, too small to read"):
        render(KNEE_CARD(brand, "4x6"))


# -- contact details --------------------------------------------------------------------------

CONTACT = ("Alex Morgan, RMT", "+1 555 010 0199", "hello@riverside-massage.example",
           "https://riverside-massage.example", "12 River Street, Springfield")


@pytest.mark.parametrize("req", [
    Request("guide", "piriformis"),
    Request("guide", "piriformis", paper="a4"),
    Request("card", "piriformis", routine=SIDE_STRETCH, card_size="half-letter"),
    Request("card", "piriformis", routine=SIDE_STRETCH, card_size="5x8"),
    Request("card", "piriformis", routine="belly-dancer", card_size="a5"),
], ids=["guide-letter", "guide-a4", "card-half-letter", "card-5x8", "card-a5"])
def test_every_contact_field_on_every_page(tmp_path: Path, req: Request) -> None:
    brand = write_brand(tmp_path / "clinic")
    from dataclasses import replace

    data = render(replace(req, brand_file=brand))
    facts = read_pdf(data)
    # a card's back (its tick-log, or the end of a long routine) is the other side of its front
    texts = facts.texts if req.kind == "guide" else facts.texts[:1]
    for number, text in enumerate(texts, start=1):
        for field in CONTACT:
            assert field in text, f"page {number} lacks {field!r}"


def test_small_card_footer_puts_the_phone_first_and_packs_lines(tmp_path: Path) -> None:
    from handout.load.brand import load_brand

    brand = load_brand(write_brand(tmp_path / "clinic"))
    plan = fit.bands(fit.card_kind("3x5"), brand, 3.0, fit.helvetica(8))
    assert len(plan.footer_lines) <= fit.SMALL_FOOTER_MAX_LINES
    assert plan.footer_lines[0].startswith("+1 555 010 0199")
    shown = " ".join(plan.footer_lines)
    for key in plan.dropped:
        assert getattr(brand, key) not in shown
    assert {"phone", "email"}.isdisjoint(plan.dropped), "phone and e-mail always fit, before the other details"


def test_footer_that_cannot_fit_names_the_fields_left_out() -> None:
    items = [("phone", "+1 555 010 0199"), ("address", "A" * 80), ("email", "a@b.example")]
    measure = fit.helvetica(8)
    lines, dropped = fit.footer_lines(items, [150.0, 150.0], measure)
    assert dropped == ["address"]
    assert all(measure(line) <= 150 for line in lines)
    assert "+1 555 010 0199" in " ".join(lines) and "a@b.example" in " ".join(lines)


def test_long_contact_details_warn_in_the_build(tmp_path: Path) -> None:
    long_address = "Unit 12, The Old Mill Buildings, 1234 Riverside Industrial Estate Road, Springfield"
    brand = brand_with(tmp_path / "long", drop=("address",), extra="")
    brand.write_text(brand.read_text().replace('logo = "logo.png"', f'address = "{long_address}"\nlogo = "logo.png"'))
    with pytest.warns(UserWarning, match=r"footer of a 3x5 card has no room for: .*address"):
        render(KNEE_CARD(brand))


def test_helvetica_widths_match_reportlab() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    sample = "Riverside Massage · +1 555 010 0199 · hello@example.com · Café Zoë, 12 Rue d'Été"
    assert fit.helvetica(9)(sample) == pytest.approx(stringWidth(sample, "Helvetica", 9))


# -- a brand with only a name -----------------------------------------------------------------


def test_brand_with_only_a_name_looks_finished(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    bare = tmp_path / "bare" / "brand.toml"
    bare.write_text('name = "Lakeside Clinic"\n', encoding="utf-8")
    full = write_brand(tmp_path / "full")
    for routine, size in ((SIDE_STRETCH, "half-letter"), ("belly-dancer", "5x8")):
        page = drawn(render(Request("card", "piriformis", routine=routine, brand_file=bare, card_size=size)))
        full_page = drawn(render(Request("card", "piriformis", routine=routine, brand_file=full, card_size=size)))
        def low_rules(lines: list[tuple[float, float, float, float, object]]) -> list[tuple[float, float, float, float, object]]:
            """Horizontal lines across most of the card near its foot (not the strokes of a small mark)."""
            return [ln for ln in lines if max(ln[1], ln[3]) < 1.2 * INCH and abs(ln[1] - ln[3]) < 0.1 and abs(ln[2] - ln[0]) > 2 * INCH]

        low = low_rules(page.lines)
        assert low == [], f"a rule with nothing under it at the bottom of the {size} card: {low}"
        assert low_rules(full_page.lines), "the measure can fail: a full brand has a footer rule"
        title = next(y for t, _, y in page.texts if "Side stretch" in t or "Belly" in t)
        full_title = next(y for t, _, y in full_page.texts if "Side stretch" in t or "Belly" in t)
        assert title > full_title, "without a logo or tagline the header band is shorter, not empty"
        assert "Lakeside Clinic" in " ".join(t for t, _, _ in page.texts)


def test_long_name_on_a_small_card_goes_on_two_readable_lines(tmp_path: Path) -> None:
    long_name = "Riverside Massage Therapy and Sports Care"
    brand = write_brand(tmp_path / "clinic")
    brand.write_text(brand.read_text(encoding="utf-8").replace('"Riverside Massage Therapy"', f'"{long_name}"'), encoding="utf-8")
    page = drawn(render(KNEE_CARD(brand)))
    name = [(t, page.sizes[t]) for t, _, _ in page.texts if t and t != long_name and (long_name.startswith(t) or long_name.endswith(t))]
    assert len(name) == 2, f"the name is not on two lines: {[t for t, _, _ in page.texts][:6]}"
    assert min(size for _, size in name) >= 8, name
    assert " ".join(t for t, _ in name) == long_name


def test_guide_and_card_headers_match(tmp_path: Path) -> None:
    brand = write_brand(tmp_path / "clinic")
    guide = drawn(render(Request("guide", "piriformis", brand_file=brand)))
    card = drawn(render(Request("card", "piriformis", routine=SIDE_STRETCH, brand_file=brand)))
    for page in (guide, card):
        assert colour_of(page, "Riverside Massage Therapy") == colour_of(guide, "Riverside Massage Therapy")
        assert any("Registered massage therapy" in t for t, _, _ in page.texts)
        assert len(page.images) == 1


# -- fonts ------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FACES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf",
         "bold_italic": "DejaVuSans-BoldOblique.ttf"}


@pytest.mark.skipif(not all((DEJAVU / f).is_file() for f in FACES.values()), reason="DejaVu fonts not installed")
def test_fonts_with_the_same_file_name_are_all_embedded(tmp_path: Path) -> None:
    """Four faces, each saved as 'Font.ttf' in its own folder: each must still print as itself."""
    import shutil

    folder = tmp_path / "clinic"
    lines = []
    for key, name in FACES.items():
        (folder / key).mkdir(parents=True)
        shutil.copy(DEJAVU / name, folder / key / "Font.ttf")
        lines.append(f'{key} = "{key}/Font.ttf"')
    brand = write_brand(folder)
    brand.write_text(brand.read_text() + "\n[fonts]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    data = render(Request("guide", "piriformis", brand_file=brand))
    reader = pypdf.PdfReader(io.BytesIO(data))
    faces = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if desc is not None and "/FontFile2" in desc.get_object():
                faces.add(re.sub(r"^[A-Z]{6}\+", "", str(font["/BaseFont"])))
    # the guide uses regular, bold and italic text: three different embedded faces
    assert len(faces) >= 3, faces
