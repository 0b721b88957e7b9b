"""How much a template may do: steps, time and the size of every text it builds.

A template is a small program that someone else may have written. It runs with
a :class:`Budget`: every loop turn, call and include is a step, and the clock is
read at each step and at every filter, operator and printed value. Every
operation that can make a text or a list larger is checked *before* it runs,
against an estimate of the result (:func:`text_size`), so a template can never
make Python allocate gigabytes first and fail afterwards.

Going past a limit raises :class:`LimitExceeded`, which the renderer reports with
the template's file and line.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2 import Undefined
from jinja2.environment import TemplateModule
from jinja2.exceptions import TemplateRuntimeError
from jinja2.utils import Namespace

from handout.merge.view import Record

#: loop turns, macro calls and includes in one document
MAX_STEPS = 1_000_000
#: seconds one document's template may run
MAX_SECONDS = 5.0
#: characters in any one text a template builds (the whole guide is about 20,000)
MAX_STRING = 1_000_000
#: characters printed with {{ }} in one document, counted at every level of macros
MAX_PRINTED = 20_000_000
#: items in a list built with * or filled by a filter
MAX_ITEMS = 100_000
#: a width or precision in % formatting, a centre or indent width
MAX_WIDTH = 1_000
#: bits in a whole number built with * or ** (about 1,200 digits)
MAX_INT_BITS = 4_096


class LimitExceeded(TemplateRuntimeError):
    """A template went past one of the limits above."""


class Budget:
    """The steps, time and printed characters left to one rendering."""

    __slots__ = ("steps", "deadline", "printed")

    def __init__(self, seconds: float = MAX_SECONDS) -> None:
        self.steps = 0
        self.printed = 0
        self.deadline = time.monotonic() + seconds

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitExceeded(f"the template took more than {MAX_STEPS:,} steps (loop turns, macro calls, includes)")
        self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"the template ran for more than {MAX_SECONDS:g} seconds")


_current: ContextVar[Budget | None] = ContextVar("handout_template_budget", default=None)


def start(seconds: float = MAX_SECONDS) -> Any:
    """Give the rendering that starts now a fresh budget; pass the result to :func:`stop`."""
    return _current.set(Budget(seconds))


def stop(token: Any) -> None:
    _current.reset(token)


def step() -> None:
    budget = _current.get()
    if budget is not None:
        budget.step()


def clock() -> None:
    budget = _current.get()
    if budget is not None:
        budget.clock()


def printed(size: int) -> None:
    budget = _current.get()
    if budget is not None:
        budget.printed += size
        if budget.printed > MAX_PRINTED:
            raise LimitExceeded(f"the template printed more than {MAX_PRINTED:,} characters (counting what macros print)")
        budget.clock()


def counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """*iterable*, one step per item: what every ``{% for %}`` loop runs over."""
    budget = _current.get()
    for item in iterable:
        if budget is not None:
            budget.step()
        yield item


def ensure(size: int, what: str, limit: int = MAX_STRING, unit: str = "characters") -> None:
    if size > limit:
        raise LimitExceeded(f"{what} would make {size:,} {unit} (at most {limit:,})")


def text_size(value: Any, limit: int = MAX_STRING) -> int:
    """An upper bound on ``len(str(value))``; stops counting once past *limit*."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()  # inside a list: say why, do not print "Undefined"
    if isinstance(value, bool | float) or value is None:
        return 32
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, Record):
        return len(repr(value))
    if isinstance(value, TemplateModule):
        return sum(len(part) for part in value._body_stream)
    if isinstance(value, Namespace):
        value = dict(value._Namespace__attrs)
    if isinstance(value, Mapping):
        pairs: Iterable[Any] = (x for kv in value.items() for x in kv)
    elif isinstance(value, list | tuple | set | frozenset):
        pairs = value
    else:
        return 200  # a macro, a loop, a generator...: a short description
    total = 16
    for item in pairs:
        # inside a list a text is shown quoted, \x-escaped at worst
        total += 4 * text_size(item, limit) + 4
        if total > limit:
            break
    return total
