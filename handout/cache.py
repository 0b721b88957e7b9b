"""A small private on-disk cache, so a fresh process does not redo work.

Parsed topics and compiled templates are kept under ``$HANDOUT_CACHE_DIR``, or
``$XDG_CACHE_HOME/handout``, or ``~/.cache/handout`` (a folder only this user
can read). An entry is keyed by the file's path, size and modification time and
by the code that made it, so an edit to either is never served stale. Set
``HANDOUT_NO_CACHE=1`` to turn it off. Any problem with the cache (read-only
home, a damaged entry) just means the work is done again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

_CODE = Path(__file__).resolve().parent


@cache
def directory() -> Path | None:
    if os.environ.get("HANDOUT_NO_CACHE", "").strip() not in ("", "0"):
        return None
    base = os.environ.get("HANDOUT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "handout"
    )
    path = Path(base)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.stat().st_uid != os.getuid() if hasattr(os, "getuid") else False:
            return None  # never trust entries another user could have written
    except OSError:
        return None
    return path


@cache
def _code_stamp(*modules: str) -> str:
    """Changes whenever one of the given source files of handout changes."""
    parts = []
    for name in modules:
        st = (_CODE / name).stat()
        parts.append(f"{name}:{st.st_mtime_ns}:{st.st_size}")
    return "|".join(parts)


def key_for(path: Path, *modules: str) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    raw = f"{path.resolve()}|{st.st_mtime_ns}|{st.st_size}|{_code_stamp(*modules)}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def load(kind: str, key: str | None) -> Any:
    folder = directory()
    if folder is None or key is None:
        return None
    try:
        with open(folder / f"{kind}-{key}.pickle", "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own private folder, written by store()
    except Exception:  # noqa: BLE001 - a missing or damaged entry is simply rebuilt
        return None


#: entries kept; past this the least recently written half is removed
MAX_ENTRIES = 200


def store(kind: str, key: str | None, value: Any) -> None:
    folder = directory()
    if folder is None or key is None:
        return
    _prune(folder)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{kind}-{key}.pickle")
        tmp = None
    except Exception:  # noqa: BLE001 - caching is best effort
        pass
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(folder: Path) -> None:
    try:
        entries = list(folder.glob("*.pickle"))
        if len(entries) < MAX_ENTRIES:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[: len(entries) // 2]:
            old.unlink()
    except OSError:
        pass


def template_bytecode() -> Any:
    """A Jinja2 bytecode cache in the same folder, or ``None``."""
    folder = directory()
    if folder is None:
        return None
    import jinja2

    sub = folder / "templates"
    try:
        sub.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(sub))
