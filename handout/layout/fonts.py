"""Typefaces: ReportLab's built-in Helvetica, or a brand's own TTF/OTF family.

Fonts are registered once per process. Before anything is drawn, every
character of the document is checked against the font: a character the font
cannot print would otherwise come out as a black box, silently.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from handout.errors import BrandError
from handout.load.brand import key_where
from handout.load.files import MB, read_bytes
from handout.model import FontFiles

#: a full CJK font is about 20 MB; anything far larger is not a font a handout needs
MAX_FONT_BYTES = 64 * MB


def path_of(brand_file: str) -> Path | None:
    return None if brand_file == "built-in brand" else Path(brand_file)


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    italic: str
    bold_italic: str
    family: str
    #: code points the font can draw; ``None`` means the WinAnsi set of the standard fonts
    coverage: frozenset[int] | None = None

    def first_missing(self, text: str) -> str | None:
        """The first character of *text* this font cannot draw, or ``None``."""
        if self.coverage is None:
            try:
                text.encode("cp1252")
            except UnicodeEncodeError as exc:
                return text[exc.start]
            bad = _UNPRINTABLE.search(text)
            return bad.group() if bad else None
        missing = {ord(c) for c in text} - self.coverage - _SPACES
        return next((c for c in text if ord(c) in missing), None) if missing else None


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x81\x8d\x8f\x90\x9d]")
_SPACES = {9, 10, 32}

HELVETICA = FontSet("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique", "Helvetica")


def font_set(files: FontFiles | None, brand_file: str = "brand.toml", large_print: bool = False) -> FontSet:
    """The brand's typeface; in large print the large-print face (unless the brand has its own),
    with no italics at all: where the text asks for italic, it prints bold."""
    if large_print:
        if files is None:
            return large_print_face()
        own = _register(files.regular, files.bold, files.italic, files.bold_italic, brand_file)
        return FontSet(own.regular, own.bold, own.bold, own.bold, own.family, own.coverage)
    if files is None:
        return HELVETICA
    return _register(files.regular, files.bold, files.italic, files.bold_italic, brand_file)


#: the large-print face, registered under these names
LARGE_PRINT_FAMILY = "HO-LargePrint"


@lru_cache(maxsize=1)
def large_print_face() -> FontSet:
    """Atkinson Hyperlegible (drawn by the Braille Institute for low-vision readers; SIL Open Font
    License 1.1), regular and bold, embedded as a subset. Its family maps italic to bold, so
    ``<i>`` in a paragraph prints bold: large print uses no italics."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = _atkinson_folder()
    fonts = {}
    for style in ("Regular", "Bold"):
        name = f"{LARGE_PRINT_FAMILY}-{style}"
        data = read_bytes(folder / f"AtkinsonHyperlegible-{style}.ttf", limit=MAX_FONT_BYTES, what="font", error=BrandError)
        fonts[style] = TTFont(name, io.BytesIO(data))
        pdfmetrics.registerFont(fonts[style])
    regular, bold = f"{LARGE_PRINT_FAMILY}-Regular", f"{LARGE_PRINT_FAMILY}-Bold"
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, bold)
    addMapping(regular, 0, 1, bold)
    addMapping(regular, 1, 1, bold)
    coverage = frozenset(fonts["Regular"].face.charToGlyph) & frozenset(fonts["Bold"].face.charToGlyph)
    return FontSet(regular, bold, bold, bold, "Atkinson Hyperlegible", coverage)


def _atkinson_folder() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("fontpkg_atkinson_hyperlegible")
    if spec is None or not spec.submodule_search_locations:
        raise BrandError("the large-print font is not installed", where="--large-print",
                         hint="install handout again (pip install .), which brings the package fontpkg-atkinson-hyperlegible")
    return Path(next(iter(spec.submodule_search_locations))) / "files"


def font_name(path: Path) -> str:
    """A name unique to the file: two folders may each hold a ``Regular.ttf``."""
    import hashlib

    digest = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    stem = re.sub(r"[^A-Za-z0-9-]", "", path.stem)[:40] or "font"
    return f"HO-{stem}-{digest}"


@lru_cache(maxsize=8)
def _register(regular: Path, bold: Path, italic: Path, bold_italic: Path, brand_file: str) -> FontSet:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    names: list[str] = []
    coverage: set[int] | None = None
    for key, path in (("regular", regular), ("bold", bold), ("italic", italic), ("bold_italic", bold_italic)):
        name = font_name(path)
        where = key_where(path_of(brand_file), "fonts", key)
        try:
            data = read_bytes(path, limit=MAX_FONT_BYTES, what="font", error=BrandError)
        except BrandError as exc:
            raise BrandError(f"'{path.name}' {exc.problem.message}", where=where, hint=exc.problem.hint) from None
        too_many = _cmap_too_large(data)
        if too_many:
            raise BrandError(
                f"'{path.name}' cannot be used as a font (its character map claims {too_many:,} characters)",
                where=where,
                hint="the file is damaged or not a real font; download the font again",
            )
        try:
            font = TTFont(name, io.BytesIO(data))
        except (TTFError, OSError, ValueError, KeyError, IndexError, struct.error, OverflowError, MemoryError, RecursionError) as exc:
            raise BrandError(
                f"'{path.name}' cannot be used as a font ({exc})",
                where=where,
                hint="use a TrueType (.ttf) or OpenType (.otf) file with TrueType outlines",
            ) from None
        pdfmetrics.registerFont(font)
        names.append(name)
        chars = set(font.face.charToGlyph)
        coverage = chars if coverage is None else coverage & chars
    family = f"{names[0]}-family"
    addMapping(family, 0, 0, names[0])
    addMapping(family, 1, 0, names[1])
    addMapping(family, 0, 1, names[2])
    addMapping(family, 1, 1, names[3])
    pdfmetrics.registerFontFamily(family, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3])
    return FontSet(names[0], names[1], names[2], names[3], names[0], frozenset(coverage or ()))


#: more characters than Unicode has: a character map claiming this many is damaged or hostile
MAX_MAPPED = 0x110000


def _cmap_too_large(data: bytes) -> int:
    """How many characters the font's character map claims, when that is more than
    :data:`MAX_MAPPED`; else 0.

    ReportLab expands every range of the map into a dictionary, so a few bytes
    claiming the range 0 to 2^32 would take all the memory there is. Only the
    range headers are read here; anything this cannot read is left to ReportLab.
    """
    try:
        base = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
        (num_tables,) = struct.unpack_from(">H", data, base + 4)
        cmap = None
        for i in range(num_tables):
            tag, _, offset, _ = struct.unpack_from(">4sIII", data, base + 12 + 16 * i)
            if tag == b"cmap":
                cmap = offset
        if cmap is None:
            return 0
        version, count = struct.unpack_from(">HH", data, cmap)
        if count == 0 and version != 0:
            count = version  # ReportLab reads a swapped header this way too
        worst = 0
        for i in range(count):
            sub = cmap + struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)[2]
            worst = max(worst, _mapped(data, sub))
        return worst if worst > MAX_MAPPED else 0
    except struct.error:
        return 0


def _mapped(data: bytes, sub: int) -> int:
    (fmt,) = struct.unpack_from(">H", data, sub)
    total = 0
    if fmt == 4:
        seg_count = struct.unpack_from(">H", data, sub + 6)[0] // 2
        ends = struct.unpack_from(f">{seg_count}H", data, sub + 14)
        starts = struct.unpack_from(f">{seg_count}H", data, sub + 16 + 2 * seg_count)
        total = sum(max(0, e - s + 1) for s, e in zip(starts, ends))
    elif fmt in (12, 13):
        (groups,) = struct.unpack_from(">I", data, sub + 12)
        for g in range(min(groups, (len(data) - sub) // 12 + 1)):
            start, end = struct.unpack_from(">II", data, sub + 16 + 12 * g)
            total += max(0, end - start + 1)
            if total > MAX_MAPPED:
                break
    return total
