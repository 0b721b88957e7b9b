"""TOML files a user writes (brand.toml, saved programmes): read safely, errors with their line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from handout.errors import HandoutError
from handout.load.files import KB, read_text

MAX_BYTES = 64 * KB


def read_toml(path: Path, error: type[HandoutError], what: str, example: str = 'title = "Hip, week 1"') -> tuple[dict[str, Any], str]:
    """The parsed table and the text of *path*; a bad file raises *error* with its line."""
    text = read_text(path, limit=MAX_BYTES, what=what, error=error)
    return parse_toml(text, path, error, example), text


def parse_toml(text: str, path: Path, error: type[HandoutError], example: str = 'title = "Hip, week 1"') -> dict[str, Any]:
    """*text* (read from *path*) as TOML; every way it can fail is *error* with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line: int | None = getattr(exc, "lineno", None) or _lineno_from(str(exc))
        msg = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        hint = f"text values need quotes, e.g. {example}; each key only once"
        raise error(f"not valid TOML: {msg}", where=f"{path}:{line}" if line else str(path), hint=hint) from None
    except RecursionError:
        raise error("values are nested too deeply", where=str(path), hint="write each value as the examples show") from None
    except ValueError:  # a number with thousands of digits (Python's limit on converting them)
        long_number = re.search(r"\d{100,}", text)
        line = text.count("\n", 0, long_number.start()) + 1 if long_number else None
        raise error("holds a number far too long to be a value", where=f"{path}:{line}" if line else str(path), hint="put text in \"quotes\"; no value needs that many digits") from None


def _lineno_from(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def toml_line(text: str, path: tuple[str | int, ...]) -> int | None:
    """Best-effort line of a key in a TOML file (tomllib does not keep positions).

    ``("colors", "primary")`` is ``primary`` under ``[colors]``;
    ``("routine", 1, "hold")`` is ``hold`` under the second ``[[routine]]``;
    ``("routine", 1)`` is that ``[[routine]]`` line itself. Falls back to the
    table's header line when the key is not written out.
    """
    if not path:
        return None
    names = [str(p) for p in path if not isinstance(p, int)]
    index = next((p for p in path if isinstance(p, int)), None)
    key = str(path[-1]) if not isinstance(path[-1], int) else None
    table = ".".join(names[:-1] if key is not None else names)
    current, seen, header_line = "", -1, None
    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        header = re.match(r"^(\[\[?)\s*([^\[\]]+?)\s*\]", s)
        if header:
            current = header.group(2)
            if current == table:
                if header.group(1) == "[[":
                    seen += 1
                if index is None or seen == index:
                    header_line = n
                    if key is None:
                        return n
            continue
        m = re.match(r'^"?([A-Za-z0-9_-]+)"?\s*=', s)
        in_place = current == table and (index is None or seen == index)
        if m and key is not None and m.group(1) == key and in_place:
            return n
    return header_line
