"""A small private on-disk cache, so a fresh process does not redo work.

Parsed topics are kept under ``$HANDOUT_CACHE_DIR``, or
``$XDG_CACHE_HOME/handout``, or ``~/.cache/handout`` (a folder only this user
can write). An entry is keyed by the file's path, size and modification time and
by the code that made it, so an edit to either is never served stale. Set
``HANDOUT_NO_CACHE=1`` to turn it off.

Entries are plain data, never code: JSON, in which the model's records, tuples,
dates, paths, sets and ``Markup`` carry an explicit type tag. Reading one back checks
every value against the type the caller expects (the model's own annotations),
so anything unreadable, unknown or of the wrong shape is simply a miss and the
work is done again. Nothing is unpickled and no compiled template is kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
import tempfile
import types
import typing
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from markupsafe import Markup

_CODE = Path(__file__).resolve().parent
#: bumped whenever the layout of an entry changes
FORMAT = 2
#: an entry larger than this is not read (a parsed topic is about 30 KB)
MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: entries kept; past this the least recently written half is removed
MAX_ENTRIES = 200


class _Miss(Exception):
    """An entry that is not exactly what was expected."""


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
        st = path.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return None  # never trust entries another user could have written
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None  # nor a folder others may write into
    return path


@cache
def _code_stamp(*modules: str) -> str:
    """Changes whenever one of the given source files of handout changes."""
    parts = [f"format:{FORMAT}"]
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


def load(kind: str, key: str | None, expect: Any) -> Any:
    """The entry stored as *kind*/*key* if it holds exactly an *expect*; else ``None``."""
    folder = directory()
    if folder is None or key is None:
        return None
    from handout.errors import HandoutError
    from handout.load.files import read_bytes

    try:
        raw = read_bytes(folder / f"{kind}-{key}.json", limit=MAX_ENTRY_BYTES, what="cache entry")
        entry = json.loads(raw.decode("utf-8"))
        if not (isinstance(entry, dict) and entry.keys() == {"format", "kind", "value"}
                and entry["format"] == FORMAT and entry["kind"] == kind):
            return None
        return decode(entry["value"], expect)
    except (HandoutError, ValueError, _Miss, RecursionError):
        return None  # missing, unreadable or unexpected: a miss


def store(kind: str, key: str | None, value: Any) -> None:
    folder = directory()
    if folder is None or key is None:
        return
    try:
        text = json.dumps({"format": FORMAT, "kind": kind, "value": encode(value)}, ensure_ascii=False, allow_nan=False)
    except (_Miss, ValueError, RecursionError):
        return  # something that is not plain data is not cached
    _prune(folder)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, folder / f"{kind}-{key}.json")
        tmp = None
    except OSError:
        pass  # caching is best effort
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(folder: Path) -> None:
    try:
        # entries of older versions of handout (pickles, compiled templates) are never read: remove them
        for old in [*folder.glob("*.pickle"), *folder.glob("templates/__jinja2_*.cache")]:
            old.unlink()
        entries = list(folder.glob("*.json"))
        if len(entries) < MAX_ENTRIES:
            return
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[: len(entries) // 2]:
            old.unlink()
    except OSError:
        pass


# -- plain data <-> JSON ------------------------------------------------------------


def encode(value: Any) -> Any:
    """*value* as JSON data; raises ``_Miss`` for anything that is not plain data."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Markup):
        return {"$": "markup", "v": str(value)}
    if isinstance(value, str):
        return value
    if type(value) is dt.date:
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, PurePath):
        return {"$": "path", "v": str(value)}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, frozenset):
        return {"$": "frozenset", "v": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and type(value).__name__ in _records():
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$": "record", "t": type(value).__name__, "v": fields}
    raise _Miss(type(value).__name__)


def decode(data: Any, expect: Any) -> Any:
    """JSON *data* back as an *expect* (a type annotation); raises ``_Miss`` if it is not one."""
    origin = typing.get_origin(expect)
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(expect):
            try:
                return decode(data, option)
            except _Miss:
                continue
        raise _Miss(expect)
    if expect is None or expect is type(None):
        return _check(data is None, None)
    if expect is bool:
        return _check(isinstance(data, bool), data)
    if expect is int:
        return _check(isinstance(data, int) and not isinstance(data, bool), data)
    if expect is float:
        return _check(isinstance(data, int | float) and not isinstance(data, bool), data)
    if expect is str or expect is Markup:
        # what was stored comes back: a str as str, Markup (tagged) as Markup
        return data if isinstance(data, str) else Markup(_tagged(data, "markup", str))
    if expect is dt.date:
        try:
            return dt.date.fromisoformat(_tagged(data, "date", str))
        except ValueError:
            raise _Miss(data) from None
    if expect is Path:
        return Path(_tagged(data, "path", str))
    if origin is tuple:
        items = _tagged(data, "tuple", list)
        args = typing.get_args(expect)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(v, args[0]) for v in items)
        _check(len(items) == len(args), None)
        return tuple(decode(v, a) for v, a in zip(items, args, strict=True))
    if origin is frozenset:
        (arg,) = typing.get_args(expect)
        return frozenset(decode(v, arg) for v in _tagged(data, "frozenset", list))
    if origin is list:
        _check(isinstance(data, list), None)
        (arg,) = typing.get_args(expect)
        return [decode(v, arg) for v in data]
    if origin is dict:
        pairs = _tagged(data, "dict", list)
        k_type, v_type = typing.get_args(expect)
        out = {}
        for pair in pairs:
            _check(isinstance(pair, list) and len(pair) == 2, None)
            out[decode(pair[0], k_type)] = decode(pair[1], v_type)
        return out
    if isinstance(expect, type) and dataclasses.is_dataclass(expect):
        return _decode_record(data, expect)
    raise _Miss(f"no rule for {expect!r}")


def _decode_record(data: Any, cls: type) -> Any:
    _check(isinstance(data, dict) and data.keys() == {"$", "t", "v"} and data["$"] == "record"
           and data["t"] == cls.__name__ and _records().get(cls.__name__) is cls and isinstance(data["v"], dict), None)
    hints = _hints(cls)
    fields = data["v"]
    _check(fields.keys() <= hints.keys(), None)
    values = {}
    for name, hint in hints.items():
        if name in fields:
            values[name] = decode(fields[name], hint)
        else:
            _check(not _required(cls, name), None)
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise _Miss(str(exc)) from None


def _check(ok: bool, value: Any) -> Any:
    if not ok:
        raise _Miss("unexpected value")
    return value


def _tagged(data: Any, tag: str, kind: type) -> Any:
    _check(isinstance(data, dict) and data.keys() == {"$", "v"} and data["$"] == tag and isinstance(data["v"], kind), None)
    return data["v"]


@cache
def _records() -> dict[str, type]:
    """The records an entry may hold: the model's dataclasses and a located problem."""
    from handout import model
    from handout.errors import Problem

    found: dict[str, type] = {"Problem": Problem}
    for value in vars(model).values():
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == model.__name__:
            found[value.__name__] = value
    return found


@cache
def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init}


@cache
def _required(cls: type, name: str) -> bool:
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
