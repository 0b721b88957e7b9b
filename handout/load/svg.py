"""An SVG logo, read as data: nothing in it may reach outside the file.

SVG can point elsewhere: ``<image href="../secret/photo.png">``, ``<use
href="other.svg#a">``, ``fill="url(file.svg#g)"``, CSS ``@import``, external DTDs
and entities. The renderer (svglib) would follow some of those to any path. So
the file is parsed here first, with a parser that loads nothing and expands
nothing, and checked:

* references stay inside the document (``#id``); an ``<image>`` may also show a
  PNG or JPEG file in the same folder as the logo, which is read here (a regular
  file, under the size limit), checked and put inline as a ``data:`` URI;
* at most :data:`MAX_ELEMENTS` elements, and sizes that are real, positive numbers;
* embedded pictures are PNG or JPEG within the pixel limit.

Anything else is refused with the SVG's line and what to do. The cleaned tree
is what gets drawn; the renderer never sees a file name.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
from pathlib import Path
from typing import Any

from handout.errors import BrandError
from handout.load import files

MAX_SVG_BYTES = 5 * files.MB
MAX_ELEMENTS = 20_000
#: pictures inside one logo, and their bytes together
MAX_PICTURES = 20
MAX_PICTURE_BYTES = 20 * files.MB
MAX_PICTURE_PIXELS = 40_000_000
#: a width, height or viewBox side larger than this (in pixels) is not a logo
MAX_SIDE = 100_000.0

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
PICTURE_SUFFIXES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
_DATA_URI_RE = re.compile(r"^data:image/(png|jpe?g);base64,(.*)$", re.I | re.S)
_URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_NOT_A_NUMBER_RE = re.compile(r"(?i)(?<![a-z])(nan|inf|infinity)(?![a-z])")
#: attributes that hold numbers or geometry; words such as a font's name are left alone
_NUMERIC = {
    "x", "y", "width", "height", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2", "dx", "dy",
    "d", "points", "transform", "viewBox", "stroke-width", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "font-size", "opacity", "fill-opacity", "stroke-opacity", "offset",
    "gradientTransform", "fx", "fy", "letter-spacing", "word-spacing", "rotate",
}


class SvgProblem(Exception):
    """What is wrong with an SVG logo (a sentence fragment after the file name) and what to do."""

    def __init__(self, message: str, hint: str = "save it again from your design program, or use a PNG") -> None:
        super().__init__(message)
        self.hint = hint


def describe(path: Path, problem: SvgProblem) -> str:
    """The message for *problem* in the logo *path*: ``'logo.svg', line 3: ...`` or ``'logo.svg' is ...``."""
    text = str(problem)
    return f"'{path.name}', {text}" if text.startswith("line ") else f"'{path.name}' {text}"


def clean(data: bytes, path: Path) -> Any:
    """The checked, self-contained element tree of the SVG *data* read from *path*."""
    from lxml import etree

    if len(data) > MAX_SVG_BYTES:
        raise SvgProblem(f"is larger than {MAX_SVG_BYTES // files.MB} MB, too large for a logo", "simplify it, or use a PNG")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f"line {exc.lineno}: " if exc.lineno else ""
        raise SvgProblem(f"is not a readable SVG ({line}{_plain(exc.msg)})") from None
    except (ValueError, RecursionError, MemoryError):
        raise SvgProblem("is not a readable SVG") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise SvgProblem("declares XML entities (<!ENTITY ...>), which a logo may not use", "save it again from your design program without a DOCTYPE")
    if _local(root.tag) != "svg":
        raise SvgProblem("is not an SVG image (its first element is not <svg>)")
    count = 0
    budget = _Budget()
    for el in root.iter():
        count += 1
        if count > MAX_ELEMENTS:
            raise SvgProblem(f"has more than {MAX_ELEMENTS:,} elements, too many for a logo", "simplify it in your design program, or use a PNG")
        if not isinstance(el.tag, str):  # an entity reference left unexpanded
            raise SvgProblem(f"line {el.sourceline}: uses an XML entity, which a logo may not use")
        _check_element(el, path, budget)
    _check_size(root)
    return root


class _Budget:
    """Pictures put inline so far."""

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0

    def take(self, size: int, line: int) -> None:
        self.count += 1
        self.bytes += size
        if self.count > MAX_PICTURES or self.bytes > MAX_PICTURE_BYTES:
            raise SvgProblem(f"line {line}: holds more pictures than a logo can use (at most {MAX_PICTURES}, {MAX_PICTURE_BYTES // files.MB} MB together)", "use fewer or smaller pictures, or a PNG logo")


def _check_element(el: Any, path: Path, budget: _Budget) -> None:
    name = _local(el.tag)
    line = el.sourceline or 0
    for attr in (XLINK_HREF, "href"):
        value = el.get(attr)
        if value is None:
            continue
        value = value.strip()
        if name == "image":
            el.set(attr, _picture(value, path, line, budget))
        elif name == "a":
            del el.attrib[attr]  # a link does nothing in print
        elif not value.startswith("#"):
            raise SvgProblem(f"line {line}: <{name}> refers to '{_short(value)}' outside the file", "a logo may only refer to its own parts (href=\"#id\"); save it again with everything embedded")
    for attr, value in el.attrib.items():
        key = _local(attr)
        if key == "style" or "url(" in value.lower():
            _check_css(value, line)
        if key == "style":
            for decl in value.split(";"):
                prop, _, val = decl.partition(":")
                if prop.strip() in _NUMERIC:
                    _check_number(prop.strip(), val, line)
        elif key in _NUMERIC:
            _check_number(key, value, line)
    if name == "style" and el.text:
        _check_css(el.text, line)
        if "@import" in el.text.lower():
            raise SvgProblem(f"line {line}: its style sheet imports another file", "put the styles in the file itself")


def _check_css(text: str, line: int) -> None:
    for m in _URL_RE.finditer(text):
        target = m.group(2).strip()
        if not target.startswith("#"):
            raise SvgProblem(f"line {line}: refers to '{_short(target)}' outside the file", "a logo may only refer to its own parts (url(#id))")


def _check_number(key: str, value: str, line: int) -> None:
    if _NOT_A_NUMBER_RE.search(value):
        raise SvgProblem(f"line {line}: {key}=\"{_short(value)}\" is not a number", "give a real number, e.g. 120")


def _check_size(root: Any) -> None:
    """The logo's own width, height and viewBox: real, positive, not absurd."""
    line = root.sourceline or 1
    for key in ("width", "height"):
        value = root.get(key)
        if value is None or value.strip().endswith("%"):
            continue
        number = _leading_number(value)
        if number is None or not math.isfinite(number) or number <= 0 or number > MAX_SIDE:
            raise SvgProblem(f"line {line}: {key}=\"{_short(value)}\" is not a usable size", "give a positive size such as width=\"300\"")
    box = root.get("viewBox")
    if box is not None:
        try:
            values = [float(v) for v in box.replace(",", " ").split()]
        except ValueError:
            values = []
        ok = len(values) == 4 and all(math.isfinite(v) and abs(v) <= MAX_SIDE * 10 for v in values)
        if not ok or values[2] <= 0 or values[3] <= 0 or values[2] > MAX_SIDE or values[3] > MAX_SIDE:
            raise SvgProblem(f"line {line}: viewBox=\"{_short(box)}\" is not four usable numbers", "give e.g. viewBox=\"0 0 300 100\"")
    elif root.get("width") is None or root.get("height") is None:
        raise SvgProblem(f"line {line}: gives no size (no viewBox, width or height)", "add a viewBox, e.g. viewBox=\"0 0 300 100\"")


def _picture(value: str, svg_path: Path, line: int, budget: _Budget) -> str:
    """The picture an ``<image>`` shows, checked, as a ``data:`` URI."""
    m = _DATA_URI_RE.match(value)
    if m:
        try:
            raw = base64.b64decode(re.sub(r"\s+", "", m.group(2)), validate=True)
        except (binascii.Error, ValueError):
            raise SvgProblem(f"line {line}: an embedded picture is damaged (bad base64)") from None
    elif value.startswith("data:"):
        raise SvgProblem(f"line {line}: an embedded picture is not PNG or JPEG", "embed PNG or JPEG pictures only")
    else:
        raw = _beside(value, svg_path, line)
    budget.take(len(raw), line)
    kind = _check_picture(raw, line)
    return f"data:image/{kind};base64,{base64.b64encode(raw).decode('ascii')}"


def _beside(name: str, svg_path: Path, line: int) -> bytes:
    """The bytes of the picture file *name* next to the logo; nothing else may be named."""
    hint = "put the PNG or JPEG file in the same folder as the logo and give just its name, or embed it"
    plain = name.removeprefix("./")
    if (
        not plain
        or "/" in plain
        or "\\" in plain
        or ":" in plain
        or plain.startswith(".")
        or Path(plain).suffix.lower() not in PICTURE_SUFFIXES
    ):
        raise SvgProblem(f"line {line}: <image> refers to '{_short(name)}', which is not a PNG or JPEG file beside the logo", hint)
    try:
        return files.read_bytes(svg_path.parent / plain, limit=MAX_PICTURE_BYTES, what="picture", error=BrandError)
    except BrandError as exc:
        raise SvgProblem(f"line {line}: the picture '{_short(plain)}' {exc.problem.message}", hint) from None


def _check_picture(raw: bytes, line: int) -> str:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(raw), formats=("PNG", "JPEG")) as im:
            if im.width * im.height > MAX_PICTURE_PIXELS:
                raise SvgProblem(f"line {line}: a picture is {im.width}x{im.height} pixels, too large to use safely", "use a smaller picture")
            im.load()
            return "png" if im.format == "PNG" else "jpeg"
    except SvgProblem:
        raise
    except Image.DecompressionBombError:
        raise SvgProblem(f"line {line}: a picture is too large to open safely", "use a smaller picture") from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a bad picture
        raise SvgProblem(f"line {line}: a picture is not a readable PNG or JPEG image", "open it in an image editor and save it again") from None


def _leading_number(value: str) -> float | None:
    m = re.match(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", value)
    return float(m.group(1)) if m else None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(message: str) -> str:
    return message.split(", line ")[0].strip() or "broken XML"
