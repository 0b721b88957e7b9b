"""Where the built-in templates and content live.

In a wheel they are installed inside the package (``handout/_data/...``); in a
source checkout or an editable install they are the top-level ``templates/`` and
``content/`` folders next to the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def builtin_dir(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the built-in '{name}' folder is missing from this installation; reinstall handout")


def asset(name: str) -> Path:
    """A file shipped inside the package itself (the default logo, for example)."""
    return _PACKAGE / "assets" / name
