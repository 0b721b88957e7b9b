"""File names every system can hold.

Handouts are copied to USB sticks and clinic PCs, so a name must be valid on
Windows (and FAT/exFAT sticks) as well as here: no device names such as ``CON``
or ``LPT1`` (with any extension), none of ``< > : " / \\ | ? *``, no control or
invisible formatting characters, no trailing dot or space, and at most 255
bytes (and 255 UTF-16 units, the Windows limit).
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 255
FORBIDDEN = '<>:"/\\|?*'
_DIGITS = "0123456789\u00b9\u00b2\u00b3"  # Windows also reserves COM¹, COM², COM³
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{d}" for dev in ("COM", "LPT") for d in _DIGITS}
)
#: Unicode categories that never belong in a name: controls, invisible formatting
#: (including right-to-left overrides that disguise an extension), line and
#: paragraph separators, lone surrogates, private use
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def name_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with *name* as a file name, as (problem, what to do); ``None`` if nothing."""
    if name in ("", ".", ".."):
        return "is not a file name", "give a name like sam-lee.pdf"
    if "/" in name or "\\" in name:
        return "is not a plain file name", "give just a name like sam-lee.pdf, without a folder"
    for ch in name:
        if unicodedata.category(ch) in _BAD_CATEGORIES:
            return f"contains the invisible character U+{ord(ch):04X}", "type the name again"
    bad = [ch for ch in FORBIDDEN if ch in name]
    if bad:
        shown = " ".join(bad)
        return f"contains {shown}, which Windows does not allow in a file name", f"leave out {' '.join(FORBIDDEN)}"
    if name.startswith("."):
        return "starts with a dot, which makes it a hidden file", "start the name with a letter or digit"
    if name != name.rstrip(". "):
        return "ends with a dot or a space, which Windows drops", "end the name with a letter or digit"
    device = re.split(r"\.", name, maxsplit=1)[0].rstrip(" ").upper()
    if device in RESERVED:
        return (
            f"is a name Windows keeps for a device ({device})",
            f"choose another name, e.g. {device.lower()}-handout.pdf",
        )
    size = max(len(name.encode("utf-8")), len(name.encode("utf-16-le")) // 2)
    if size > MAX_NAME_BYTES:
        return f"is {size} bytes long, more than the {MAX_NAME_BYTES} a file name can have", "shorten it"
    return None


def name_key(name: str) -> str:
    """The form two names share when a case-insensitive file system sees them as one file."""
    return unicodedata.normalize("NFC", name).casefold()


def slug(text: str, limit: int = 60) -> str:
    """*text* as a lowercase ASCII name part (``José Núñez`` → ``jose-nunez``); ``client`` if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:limit].strip("-") or "client"
