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
    try:
        st = path.stat()
    except OSError as exc:
        raise BrandError(f"cannot read '{path}' ({exc.strerror})", where=where, hint="check the path") from None
    return _load(path, st.st_mtime_ns, st.st_size, round(max_w, 1), round(max_h, 1), where)


@lru_cache(maxsize=16)
def _load(path: Path, mtime: int, size: int, max_w: float, max_h: float, where: str) -> Picture:
    del mtime
    if size > MAX_BYTES:
        raise BrandError(f"'{path.name}' is {size // 2**20} MB, over the {MAX_BYTES // 2**20} MB limit", where=where, hint="save a smaller copy (1000 pixels wide is plenty)")
    if path.suffix.lower() == ".svg":
        return _load_svg(path, where)
    return _load_raster(path, max_w, max_h, where)


def _load_raster(path: Path, max_w: float, max_h: float, where: str) -> Picture:
    from PIL import Image, UnidentifiedImageError
    from reportlab.lib.utils import ImageReader

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    fix = "open it in an image editor and save it again as PNG or JPEG"
    try:
        with Image.open(path) as im:
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
        return Picture(aspect, reader=ImageReader(str(path)))  # checked above; embedded as it is
    buf = io.BytesIO()
    if image.mode in ("RGB", "L", "CMYK") and _is_photo(image):
        image.save(buf, format="JPEG", quality=88)
    else:
        image.save(buf, format="PNG")
    buf.seek(0)
    return Picture(aspect, reader=ImageReader(buf))


def _is_photo(image: Any) -> bool:
    """Many distinct colours: JPEG keeps it small; flat art stays PNG."""
    colors = image.convert("RGB").getcolors(maxcolors=4096)
    return colors is None


def _load_svg(path: Path, where: str) -> Picture:
    try:
        from svglib.svglib import svg2rlg
    except ImportError:
        raise BrandError(f"'{path.name}' is an SVG, and SVG support is not installed", where=where, hint="run: pip install 'handout[svg]', or use a PNG logo") from None
    import logging

    logging.getLogger("svglib").setLevel(logging.CRITICAL)
    try:
        drawing = svg2rlg(str(path))
    except Exception as exc:  # noqa: BLE001 - svglib raises many kinds for a bad file
        raise BrandError(f"'{path.name}' is not a readable SVG ({type(exc).__name__})", where=where, hint="save it again from your design program, or use a PNG") from None
    if drawing is None or not drawing.width or not drawing.height:
        raise BrandError(f"'{path.name}' is not a readable SVG", where=where, hint="save it again from your design program, or use a PNG")
    return Picture(drawing.width / drawing.height, drawing=drawing)
