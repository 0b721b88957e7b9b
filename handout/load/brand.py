"""Find, read and validate ``brand.toml``: the clinic's name, logo, colours and contact."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from handout import sizes
from handout.errors import BrandError, Problem, ValidationFailed, warn
from handout.load import files
from handout.load.schema import INVALID, Choice, Color, Ctx, Email, Phone, Record, Text, Url
from handout.load.tomlfile import parse_toml
from handout.model import Brand, FontFiles
from handout.resources import asset

ENV_VAR = "HANDOUT_BRAND"
PAPERS = sizes.paper_names()
CARD_SIZES = sizes.card_names()
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
FONT_SUFFIXES = (".ttf", ".otf")
MAX_IMAGE_BYTES = 20 * files.MB
MAX_BRAND_BYTES = 64 * files.KB
MAX_IMAGE_PIXELS = 40_000_000

_FONTS = Record(
    {k: Text(max_len=300, hint="give all four: regular, bold, italic and bold_italic (the same file twice is fine)")
     for k in ("regular", "bold", "italic", "bold_italic")},
    required=False,
)

BRAND = Record(
    {
        "name": Text(max_len=60, hint="add the clinic's name, e.g. name = \"Riverside Massage\""),
        "tagline": Text(max_len=80, required=False),
        "practitioner": Text(max_len=80, required=False),
        "phone": Phone(),
        "email": Email(),
        "website": Url(schemes=("https",), required=False),
        "booking": Url(schemes=("https",), required=False),
        "address": Text(max_len=120, required=False),
        "logo": Text(max_len=300, required=False),
        "paper": Choice(options=PAPERS, required=False),
        "card_size": Choice(options=CARD_SIZES, required=False),
        "colors": Record({"primary": Color(), "accent": Color()}, required=False),
        "fonts": _FONTS,
    }
)

STARTER = """\
# Your clinic's details, printed on every handout and card.
# Lines starting with # are notes. Text goes in "quotes".

name = "Riverside Massage Therapy"
tagline = "Registered massage therapy"
practitioner = "Alex Morgan, RMT"
phone = "+1 555 010 0199"
email = "hello@riverside-massage.example"
website = "https://riverside-massage.example"
address = "12 River Street, Springfield"

# Optional: your online booking page (https:// only), printed as a QR code
# with "Book your next visit" at the end of a guide and on the back of a card.
# booking = "https://riverside-massage.example/book"

# A PNG, JPEG or SVG file, next to this file (or give a path).
logo = "logo.png"

# letter (US) or a4 (most other countries)
paper = "letter"

# Optional: card size for 'handout card' (3x5, 4x6, 5x8, quarter-letter, half-letter, a6, a5)
# card_size = "5x8"

[colors]
primary = "#1F5F7A"   # headings and rules
accent = "#E0A526"    # highlights

# Optional: your own typeface (TTF or OTF), e.g. to print Greek or Cyrillic.
# [fonts]
# regular = "fonts/NotoSans-Regular.ttf"
# bold = "fonts/NotoSans-Bold.ttf"
# italic = "fonts/NotoSans-Italic.ttf"
# bold_italic = "fonts/NotoSans-BoldItalic.ttf"
"""


def default_brand_path() -> Path:
    return asset("default-brand.toml")


def locate(explicit: Path | None, cwd: Path | None = None) -> tuple[Path, str]:
    """The brand file to use and why: flag, then environment, then ./brand.toml, then built-in."""
    if explicit is not None:
        return explicit, "--brand"
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env), ENV_VAR
    local = (cwd or Path.cwd()) / "brand.toml"
    if os.path.lexists(local):  # a pipe or a folder by that name is reported, not passed over
        return local, "./brand.toml"
    return default_brand_path(), "built-in"


def load_brand(explicit: Path | None = None) -> Brand:
    """The brand to print with; raise :class:`ValidationFailed` listing every problem."""
    path, why = locate(explicit)
    problems, brand = _read_cached(path, why, files.stamp(path) or (0, 0))
    if problems:
        raise ValidationFailed(problems)
    return brand


@lru_cache(maxsize=16)
def _read_cached(path: Path, why: str, stamp: tuple[int, int]) -> tuple[list[Problem], Brand]:
    """Read once per process and per edit of the file (a batch reads the brand once)."""
    del stamp  # part of the cache key only
    return _read(path, why, deep=False)  # the logo is fully decoded when it is drawn


def check_brand(path: Path, why: str = "--brand") -> list[Problem]:
    return inspect_brand(path, why)[0]


def inspect_brand(path: Path, why: str = "--brand") -> tuple[list[Problem], Brand | None]:
    """Every problem of a brand file, and the brand when it has none."""
    try:
        problems, brand = _read(path, why)
    except BrandError as exc:
        return [exc.problem], None
    return problems, None if problems else brand


def _read(path: Path, why: str = "--brand", deep: bool = True) -> tuple[list[Problem], Brand]:
    file = str(path)
    where = f"{ENV_VAR}={path}" if why == ENV_VAR else file
    problem = files.problem_with(path)
    if problem == "does not exist":
        raise BrandError("the brand file does not exist", where=where, hint="check the path, or run 'handout init' to make one")
    if problem is not None:
        raise BrandError(problem, where=where, hint="give the path of your brand.toml file")
    text = files.read_text(path, limit=MAX_BRAND_BYTES, what="brand file", error=BrandError)
    raw = parse_toml(text, path, BrandError, example='name = "My Clinic"')
    ctx = Ctx(file, lambda p: _toml_line(text, p))
    data: Any = BRAND.check(raw, (), ctx)
    problems = ctx.problems
    base = path.parent
    raw_logo = raw.get("logo")
    logo = None
    if isinstance(raw_logo, str) and not ctx.has(("logo",)):
        logo = _resolve(raw_logo, base, ("logo",), ctx, LOGO_SUFFIXES, "a PNG, JPEG or SVG")
    if deep and logo is not None:
        _check_logo(logo, ("logo",), ctx)
    if data is INVALID:
        return problems, Brand(name="")
    fonts = None
    if data.get("fonts"):
        found = {k: _resolve(v, base, ("fonts", k), ctx, FONT_SUFFIXES, "a TTF or OTF font") for k, v in data["fonts"].items()}
        if all(found.values()):
            fonts = FontFiles(**found)  # type: ignore[arg-type]
    colors = data.get("colors") or {}
    brand = Brand(
        name=data["name"],
        path=path,
        tagline=data.get("tagline", ""),
        practitioner=data.get("practitioner", ""),
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        website=data.get("website", ""),
        address=data.get("address", ""),
        logo=logo,
        primary=colors.get("primary", Brand.primary),
        accent=colors.get("accent", Brand.accent),
        paper=data.get("paper", "letter"),
        card_size=data.get("card_size"),
        fonts=fonts,
        booking=data.get("booking", ""),
    )
    return problems, brand


def _resolve(value: str | None, base: Path, path: tuple[str, ...], ctx: Ctx, suffixes: tuple[str, ...], what: str) -> Path | None:
    if not value:
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        ctx.add(path, f"'{value}' is a web address", f"use {what} file on this computer")
        return None
    target = (base / value).expanduser()
    if target.suffix.lower() not in suffixes:
        ctx.add(path, f"'{value}' is not {what} file", f"use a file ending in {', '.join(suffixes)}")
        return None
    problem = files.problem_with(target)
    if problem == "does not exist":
        ctx.add(path, f"'{value}' does not exist (looked in {_folder_of(target)})", "check the name; paths are relative to the brand file")
        return None
    if problem is not None:
        ctx.add(path, f"'{value}' {problem}", f"give the path of {what} file")
        return None
    return target


def _folder_of(target: Path) -> str:
    try:
        return str(target.parent.resolve())
    except (OSError, RuntimeError, ValueError):
        return str(target.parent)


def _check_logo(path: Path, key: tuple[str, ...], ctx: Ctx) -> None:
    """Read the logo as it will be read to print it, and check what can be checked cheaply."""
    try:
        data = files.read_bytes(path, limit=MAX_IMAGE_BYTES, what="logo", error=BrandError, hint="save a smaller copy (1000 pixels wide is plenty)")
    except BrandError as exc:
        ctx.add(key, f"'{path.name}' {exc.problem.message}", exc.problem.hint)
        return
    if path.suffix.lower() == ".svg":
        from handout.load import svg

        try:
            svg.clean(data, path)
        except svg.SvgProblem as exc:
            ctx.add(key, svg.describe(path, exc), exc.hint)
        return
    _check_image_header(data, path, key, ctx)


def _check_image_header(data: bytes, path: Path, key: tuple[str, ...], ctx: Ctx) -> None:
    """Cheap checks that need no image library; the full decode happens at render time."""
    import io

    import imagesize

    try:
        width, height = imagesize.get(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any parse failure means the same thing to the user
        width = height = -1
    if width <= 0 or height <= 0:
        ctx.add(key, f"'{path.name}' is not a readable PNG or JPEG image", "open it in an image editor and save it again as PNG")
        return
    if width * height > MAX_IMAGE_PIXELS:
        ctx.add(key, f"'{path.name}' is {width}x{height} pixels, too large to use safely", "save a smaller copy (1000 pixels wide is plenty)")
        return
    if max(width, height) < 150:
        warn(ctx.where(key), f"'{path.name}' is only {width}x{height} pixels and will look blurry in print", "use a logo at least 300 pixels wide")


def key_where(brand: Path | None, *key: str) -> str:
    """``brand.toml:LINE: key`` for a message about one key of the brand file *brand*."""
    if brand is None:
        return f"built-in brand: {'.'.join(key)}"
    found = files.stamp(brand)
    return _key_where(brand, found or (0, 0), key)


@lru_cache(maxsize=32)
def _key_where(brand: Path, stamp: tuple[int, int], key: tuple[str, ...]) -> str:
    del stamp  # part of the cache key only
    try:
        text = files.read_text(brand, limit=MAX_BRAND_BYTES, error=BrandError)
    except BrandError:
        text = ""
    return Ctx(str(brand), lambda p: _toml_line(text, p)).where(key)


def _toml_line(text: str, path: tuple[str | int, ...]) -> int | None:
    """Best-effort line of a key in a TOML file (tomllib does not keep positions)."""
    if not path:
        return None
    *tables, key = [str(p) for p in path]
    table = ".".join(tables)
    current = ""
    fallback = None
    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        header = re.match(r"^\[([^\[\]]+)\]", s)
        if header:
            current = header.group(1).strip()
            if current == ".".join(str(p) for p in path):
                fallback = n
            continue
        m = re.match(r'^"?([A-Za-z0-9_-]+)"?\s*=', s)
        if m and m.group(1) == key and current == table:
            return n
    return fallback
