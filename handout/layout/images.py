"""Images (the logo today, illustrations later): local files only, checked, downsampled.

Pillow opens and fully decodes every raster image before ReportLab sees it, so a
truncated file, a non-image or a decompression bomb becomes a clear message.
Images are scaled down to about 300 ppi at the largest size they are printed,
and decoded once per process.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from handout.errors import BrandError, warn
from handout.load.files import problem_with, read_bytes, stamp
from handout.load.svg import MAX_SVG_BYTES

PPI = 300
#: only resample images with more than this many times the pixels needed at PPI
DOWNSAMPLE_ABOVE = 1.5
MAX_PIXELS = 40_000_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Picture:
    """A decoded image ready to draw at any size up to ``max_w`` × ``max_h`` points."""

    aspect: float  # width / height
    reader: Any = None  # reportlab ImageReader for raster images
    drawing: Any = None  # reportlab Drawing for SVG

    def fit(self, max_w: float, max_h: float) -> tuple[float, float]:
        w, h = max_w, max_w / self.aspect
        if h > max_h:
            h, w = max_h, max_h * self.aspect
        return w, h

    def draw(self, canvas: Any, x: float, y: float, w: float, h: float) -> None:
        if self.reader is not None:
            canvas.drawImage(self.reader, x, y, w, h, mask="auto")
        elif self.drawing is not None:
            from reportlab.graphics import renderPDF

            canvas.saveState()
            canvas.translate(x, y)
            canvas.scale(w / self.drawing.width, h / self.drawing.height)
            renderPDF.draw(self.drawing, canvas, 0, 0)
            canvas.restoreState()


def load_picture(path: Path, max_w: float, max_h: float, where: str) -> Picture:
    """Open *path* for printing within *max_w* × *max_h* points; *where* names the key."""
    found = stamp(path)
    if found is None:
        raise BrandError(f"'{path.name}' {problem_with(path) or 'cannot be read'}", where=where, hint="check the path in brand.toml")
    return _load(path, *found, round(max_w, 1), round(max_h, 1), where)


@lru_cache(maxsize=16)
def _load(path: Path, mtime: int, size: int, max_w: float, max_h: float, where: str) -> Picture:
    del mtime, size  # part of the cache key only
    svg = path.suffix.lower() == ".svg"
    limit = MAX_SVG_BYTES if svg else MAX_BYTES
    try:
        data = read_bytes(path, limit=limit, what="logo", error=BrandError, hint="save a smaller copy (1000 pixels wide is plenty)")
    except BrandError as exc:
        raise BrandError(f"'{path.name}' {exc.problem.message}", where=where, hint=exc.problem.hint) from None
    if svg:
        return _load_svg(data, path, where)
    return _load_raster(data, path, max_w, max_h, where)


def _load_raster(data: bytes, path: Path, max_w: float, max_h: float, where: str) -> Picture:
    from PIL import Image, UnidentifiedImageError
    from reportlab.lib.utils import ImageReader

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    fix = "open it in an image editor and save it again as PNG or JPEG"
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format not in ("PNG", "JPEG"):
                raise BrandError(f"'{path.name}' is a {im.format} image", where=where, hint="use a PNG or JPEG file")
            if im.width * im.height > MAX_PIXELS:
                raise BrandError(f"'{path.name}' is {im.width}x{im.height} pixels, too large to use safely", where=where, hint="save a smaller copy (1000 pixels wide is plenty)")
            im.load()
            image = im.copy()
            original_format = im.format
    except BrandError:
        raise
    except Image.DecompressionBombError:
        raise BrandError(f"'{path.name}' is too large to open safely", where=where, hint="save a smaller copy (1000 pixels wide is plenty)") from None
    except UnidentifiedImageError:
        raise BrandError(f"'{path.name}' is not an image", where=where, hint=fix) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BrandError(f"'{path.name}' is damaged or cut short ({exc})", where=where, hint=fix) from None
    if image.width == 0 or image.height == 0:
        raise BrandError(f"'{path.name}' has no pixels", where=where, hint=fix)
    aspect = image.width / image.height
    w_pt, h_pt = Picture(aspect).fit(max_w, max_h)
    need_w = max(1, round(w_pt / 72 * PPI))
    resized = image.width > need_w * DOWNSAMPLE_ABOVE
    if resized:
        few_colours = image.getcolors(256) if image.mode in ("RGB", "RGBA", "L", "P") else None
        need_h = max(1, round(need_w / aspect))
        image = image.resize((need_w, need_h), Image.Resampling.LANCZOS)
        if few_colours is not None and image.mode in ("RGB", "L"):
            # flat artwork: resampling invents in-between colours; put it back on a small palette
            image = image.quantize(colors=max(2, len(few_colours)), dither=Image.Dither.NONE)
    elif image.width < need_w / 2:
        ppi = image.width / (w_pt / 72)
        warn(where, f"'{path.name}' is {image.width} pixels wide and prints at {ppi:.0f} ppi, so it will look blurry", f"use an image at least {need_w} pixels wide")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK", "P"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("P", "PA") else "RGB")
    if image.mode == "LA" or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")  # fully opaque: no need for a soft mask
    if not resized and original_format == "JPEG":
        return Picture(aspect, reader=ImageReader(io.BytesIO(data)))  # checked above; embedded as it is
    buf = io.BytesIO()
    if image.mode in ("RGB", "L", "CMYK") and _is_photo(image):
        image.save(buf, format="JPEG", quality=88)
    else:
        if image.mode == "CMYK":  # flat CMYK artwork (a print shop's JPEG): PNG holds no CMYK
            image = image.convert("RGB")
        image.save(buf, format="PNG")
    buf.seek(0)
    return Picture(aspect, reader=ImageReader(buf))


def _is_photo(image: Any) -> bool:
    """Many distinct colours: JPEG keeps it small; flat art stays PNG."""
    colors = image.convert("RGB").getcolors(maxcolors=4096)
    return colors is None


def _load_svg(data: bytes, path: Path, where: str) -> Picture:
    from handout.load import svg

    try:
        root = svg.clean(data, path)
    except svg.SvgProblem as exc:
        raise BrandError(svg.describe(path, exc), where=where, hint=exc.hint) from None
    try:
        import svglib.svglib  # noqa: F401 - an optional extra
    except ImportError:
        raise BrandError(f"'{path.name}' is an SVG, and SVG support is not installed", where=where, hint="run: pip install 'handout[svg]', or use a PNG logo") from None
    try:
        drawing = _render_svg(root)
    except svg.SvgProblem as exc:
        raise BrandError(svg.describe(path, exc), where=where, hint=exc.hint) from None
    return Picture(drawing.width / drawing.height, drawing=drawing)


#: the most element renderings (``<use>`` copies included), ``<use>`` copies, and seconds one
#: logo may take (svglib itself stops at 10,000 copies and quietly leaves the rest out;
#: each copy costs about a millisecond)
MAX_SVG_NODES = 50_000
MAX_SVG_USES = 2_000
MAX_SVG_SECONDS = 5.0


def _render_svg(root: Any) -> Any:
    """The checked SVG tree *root* as a ReportLab drawing, within a node and time budget.

    svglib is given the tree, never a file name, and a font map that opens no
    font file and runs no font lookup program: it cannot reach the file system.
    """
    import logging
    import math
    import time

    from svglib.fonts import FontMap
    from svglib.svglib import SvgRenderer

    from handout.load.svg import SvgProblem

    logging.getLogger("svglib").setLevel(logging.CRITICAL)

    class StandardFontsOnly(FontMap):
        """Helvetica, Times and Courier only: no font file is opened, no ``fc-match`` is run."""

        def register_font(self, font_family: str, font_path: str | None = None, weight: str = "normal",
                          style: str = "normal", rlgFontName: str | None = None) -> tuple[str | None, bool]:
            if font_path is not None:
                return None, False
            return super().register_font(font_family, None, weight, style, rlgFontName)

        def use_fontconfig(self, font_name: str, weight: str = "normal", style: str = "normal") -> tuple[str | None, bool]:
            return None, False

    deadline = time.monotonic() + MAX_SVG_SECONDS
    count = uses = 0

    class BudgetedRenderer(SvgRenderer):
        def renderNode(self, node: Any, parent: Any = None) -> None:
            nonlocal count
            count += 1
            if count > MAX_SVG_NODES:
                raise SvgProblem(f"draws more than {MAX_SVG_NODES:,} shapes (counting repeated <use> copies), too many for a logo", "simplify it, or use a PNG")
            if time.monotonic() > deadline:
                raise SvgProblem(f"takes more than {MAX_SVG_SECONDS:.0f} seconds to draw, too long for a logo", "simplify it, or use a PNG")
            super().renderNode(node, parent)

        def renderUse(self, node: Any, group: Any = None, clipping: Any = None) -> Any:
            nonlocal uses
            uses += 1
            if uses > MAX_SVG_USES:
                raise SvgProblem(f"repeats its parts (<use>) more than {MAX_SVG_USES:,} times, too many for a logo", "simplify it, or use a PNG")
            return super().renderUse(node, group, clipping)

    # no file name, only an empty stream: svglib then refuses every reference to
    # another file (and the checked tree has none left anyway)
    renderer = BudgetedRenderer(io.BytesIO(b""), font_map=StandardFontsOnly())
    try:
        drawing = renderer.render(root)
    except SvgProblem:
        raise
    except RecursionError:
        raise SvgProblem("is nested too deeply to draw", "simplify it, or use a PNG") from None
    except Exception as exc:  # noqa: BLE001 - svglib raises many kinds for a bad file
        raise SvgProblem(f"is not a readable SVG ({type(exc).__name__})") from None
    try:
        x0, y0, x1, y1 = drawing.getBounds()
        finite = all(math.isfinite(v) for v in (x0, y0, x1, y1, drawing.width, drawing.height))
    except Exception:  # noqa: BLE001 - an empty drawing has no bounds
        finite = all(math.isfinite(v) for v in (drawing.width, drawing.height))
    if not finite:
        raise SvgProblem("has shapes at positions that are not real numbers", "save it again from your design program")
    if not drawing.width or not drawing.height or drawing.width < 0 or drawing.height < 0:
        raise SvgProblem("has no size")
    return drawing
