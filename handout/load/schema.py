"""A small declared schema: every field of a content or brand file, checked at once.

Each :class:`Spec` turns a raw value (text from YAML, or a typed TOML value) into
the value the program uses, or records a :class:`~handout.errors.Problem` naming
the file, line and key. A :class:`Record` reports unknown keys with a
"did you mean", missing keys, and every bad value, so ``handout check`` can list
all the mistakes in a file in one go.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handout.errors import Problem

INVALID: Any = type("Invalid", (), {"__repr__": lambda self: "INVALID"})()
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")
_PHONE_RE = re.compile(r"^\+?[0-9 ().\-]{5,25}$")
#: control codes (tab, newline and carriage return aside) and lone surrogates: never printable text
_BAD_CHAR_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

PathT = tuple[str | int, ...]


@dataclass
class Ctx:
    """Where the values come from, and the problems found so far."""

    file: str
    line_of: Callable[[PathT], int | None] = lambda path: None
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: PathT) -> str:
        line = self.line_of(path)
        place = f"{self.file}:{line}" if line else self.file
        dotted = dotted_path(path)
        return f"{place}: {dotted}" if dotted else place

    def has(self, path: PathT) -> bool:
        """True when a problem was already recorded for the key at *path*."""
        where = self.where(path)
        return any(p.where == where for p in self.problems)

    def add(self, path: PathT, message: str, hint: str = "") -> Any:
        self.problems.append(Problem(self.where(path), message, hint))
        return INVALID


def find_bad_char(text: str) -> str | None:
    """The first control code or broken character in *text*, or ``None``."""
    m = _BAD_CHAR_RE.search(text)
    return m.group() if m else None


def describe_bad_char(ch: str) -> str:
    """Words for a character that must not be printed: a control code or half a surrogate pair."""
    if "\ud800" <= ch <= "\udfff":
        return f"the broken character U+{ord(ch):04X} (half of an encoded character)"
    return f"the invisible control character U+{ord(ch):04X}"


def dotted_path(path: PathT) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "...'"


class Spec:
    """A declared field. Options are given as keywords: ``Text(max_len=80, required=False)``.

    Plain classes rather than dataclasses: a dozen dataclasses cost several
    milliseconds at every start-up.
    """

    required: bool = True
    hint: str = ""
    #: the option a first positional argument sets, e.g. ``ListOf(Text())``
    positional: str = ""

    def __init__(self, first: Any = None, **options: Any) -> None:
        if first is not None:
            if not self.positional:
                raise TypeError(f"{type(self).__name__} takes options by name only")
            options[self.positional] = first
        for name, value in options.items():
            if not hasattr(type(self), name):
                raise TypeError(f"{type(self).__name__} has no option {name!r}")
            setattr(self, name, value)

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__.lower()


class Text(Spec):
    """Text of bounded length; with ``inline`` it may carry **bold** and *italic*."""

    max_len: int = 200
    required: bool = True
    inline: bool = False
    hint: str = ""

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if isinstance(value, (int, float)):  # bool is an int too
            value = str(value)
        if not isinstance(value, str):
            return ctx.add(path, "must be text, not a list or a group of keys", self.hint)
        text = " ".join(value.split())
        if not text:
            return ctx.add(path, "is empty", self.hint or "write some text or remove the key")
        bad = find_bad_char(value)
        if bad:
            return ctx.add(path, f"contains {describe_bad_char(bad)}", "delete it (it often comes from copying out of a PDF or a word processor)")
        if len(text) > self.max_len:
            return ctx.add(
                path,
                f"is {len(text)} characters long, more than the {self.max_len} allowed",
                "shorten it",
            )
        if self.inline:
            from handout.load.markdown import inline

            return inline(text)
        return text


def _whole(digits: str, hi: int) -> int:
    """*digits* as a number; a run of digits longer than *hi* has is *hi* + 1 (out of range,
    and never thousands of digits converted)."""
    digits = digits.strip().lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(hi)) else hi + 1


class Number(Spec):
    lo: int = 0
    hi: int = 10_000
    required: bool = True
    hint: str = ""

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            value = _whole(value, self.hi)
        if isinstance(value, bool) or not isinstance(value, int):
            return ctx.add(path, f"{_short(value)} is not a whole number", self.hint)
        if not self.lo <= value <= self.hi:
            return ctx.add(path, f"{value} is out of range", f"use a number from {self.lo} to {self.hi}")
        return value


class Seconds(Spec):
    """A number of seconds, or a range such as ``15-30`` or ``15 to 30``."""

    required: bool = False
    hi: int = 3600

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        text = str(value).strip() if not isinstance(value, (list, dict)) else ""
        m = re.fullmatch(r"(\d+)(?:\s*(?:-|–|to)\s*(\d+))?(?:\s*(?:s|sec|secs|seconds))?", text)
        if not m:
            return ctx.add(path, f"{_short(value)} is not a number of seconds", "write e.g. 15 or 15-30")
        lo = _whole(m.group(1), self.hi)
        hi = _whole(m.group(2), self.hi) if m.group(2) else lo
        if not 1 <= lo <= hi <= self.hi:
            return ctx.add(path, f"{text if len(text) <= 40 else text[:37] + '...'} is not a sensible time", f"use 1 to {self.hi} seconds, smaller number first")
        return (lo, hi)


class TextOrNumber(Spec):
    max_len: int = 40
    required: bool = False

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*\d{1,%d}\s*" % self.max_len, value):
            return str(int(value))
        return Text(max_len=self.max_len).check(value, path, ctx)


class Date(Spec):
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(str(value).strip())
        except ValueError:
            return ctx.add(path, f"{_short(value)} is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-26")


class Color(Spec):
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, str) or not _COLOR_RE.match(value.strip()):
            return ctx.add(path, f"{_short(value)} is not a colour", "use #RRGGBB, e.g. #1F6F8B")
        return value.strip().upper()


class Choice(Spec):
    options: tuple[str, ...] = ()
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        text = str(value).strip().lower() if isinstance(value, str) else value
        if text not in self.options:
            return ctx.add(path, f"{_short(value)} is not one of {', '.join(self.options)}", _did_you_mean(str(value), self.options))
        return text


class Slug(Spec):
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, str) or not SLUG_RE.match(value):
            return ctx.add(path, f"{_short(value)} is not a valid id", "use lowercase letters, digits and hyphens, e.g. side-stretch")
        return value


class Url(Spec):
    schemes: tuple[str, ...] = ("https",)
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, str) or not value.strip():
            return ctx.add(path, "must be a web address")
        text = value.strip()
        scheme = text.split(":", 1)[0].lower() if ":" in text else ""
        if scheme not in self.schemes or re.search(r"[\s<>\"]", text) or len(text) > 300:
            allowed = " or ".join(f"{s}://" for s in self.schemes)
            return ctx.add(path, f"{_short(value)} is not an allowed link", f"write a full address starting with {allowed}")
        return text


class Email(Spec):
    required: bool = False

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, str) or not _EMAIL_RE.match(value.strip()):
            return ctx.add(path, f"{_short(value)} is not an email address", "write e.g. hello@myclinic.com")
        return value.strip()


class Phone(Spec):
    required: bool = False

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, str) or not _PHONE_RE.match(value.strip()):
            return ctx.add(path, f"{_short(value)} is not a phone number", "use digits, spaces, + ( ) - only, in quotes, e.g. \"+1 555 010 0199\"")
        return value.strip()


class ListOf(Spec):
    positional = "item"
    item: Spec = Text()
    min_items: int = 1
    max_items: int = 100
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, list):
            return ctx.add(path, "must be a list (one '- ' line per item)")
        if not self.min_items <= len(value) <= self.max_items:
            return ctx.add(path, f"has {len(value)} items", f"give {self.min_items} to {self.max_items}")
        out = [self.item.check(v, (*path, i), ctx) for i, v in enumerate(value)]
        return INVALID if any(v is INVALID for v in out) else out


class Record(Spec):
    """A group of named keys; unknown keys are reported with a suggestion."""

    positional = "fields"
    fields: dict[str, Spec] = {}  # noqa: RUF012 - always replaced by the caller's own dict
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            return ctx.add(path, "must be a group of 'key: value' lines")
        out: dict[str, Any] = {}
        ok = True
        for key in value:
            if key not in self.fields:
                ctx.add((*path, key), "is not a known key", _did_you_mean(str(key), self.fields) or f"known keys: {', '.join(self.fields)}")
                ok = False
        for key, spec in self.fields.items():
            if key not in value or value[key] is None:
                if spec.required:
                    ctx.add((*path, key) if path else (key,), "is missing", spec.hint or "add it")
                    ok = False
                continue
            result = spec.check(value[key], (*path, key), ctx)
            ok = ok and result is not INVALID
            out[key] = result
        return out if ok else INVALID


class MapOf(Spec):
    """Keys are ids (lowercase-hyphenated), each with the same shape of value."""

    positional = "item"
    item: Spec = Record()
    min_items: int = 1
    max_items: int = 50
    required: bool = True

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            return ctx.add(path, "must be a group of ids, each with its own keys")
        if not self.min_items <= len(value) <= self.max_items:
            return ctx.add(path, f"has {len(value)} entries", f"give {self.min_items} to {self.max_items}")
        out: dict[str, Any] = {}
        ok = True
        for key, item in value.items():
            if Slug().check(key, (*path, key), ctx) is INVALID:
                ok = False
                continue
            result = self.item.check(item, (*path, key), ctx)
            ok = ok and result is not INVALID
            out[key] = result
        return out if ok else INVALID


def _did_you_mean(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word.lower(), list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def did_you_mean(word: str, options: Any) -> str:
    return _did_you_mean(word, options)
