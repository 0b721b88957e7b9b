"""The Jinja2 environment templates run in: an allow-list sandbox with limits.

Jinja2's own sandbox blocks ``_private`` attributes and a few known-bad ones and
trusts everything else. Here nothing is trusted by default:

* a template may read only the fields of the records it is given
  (:mod:`handout.merge.view`), the documented parts of ``loop``, ``cycler`` and
  ``namespace``, and a short list of harmless text, list and mapping methods
  (:func:`allowed`); it may call only those, its own macros and the globals
  ``range``, ``dict``, ``namespace``, ``cycler`` and ``joiner``;
* every loop turn, call and include counts against a step budget, and the clock
  is read at every step, filter, operator and printed value
  (:mod:`handout.merge.limits`);
* every operation that makes a text or list longer (``~``, ``+``, ``*``, ``%``,
  ``|format``, ``|center``, ``|indent``, ``|join``, ``|replace``, ``|wordwrap``…)
  is checked before it runs.

``~`` compiles to a plain string join, so the code generator is told to route
it through :meth:`Sandbox.handout_concat`; ``{% for %}`` loops run over
:func:`limits.counted`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from types import MappingProxyType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS, do_format, make_attrgetter, sync_do_join
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import SandboxedEnvironment, safe_range
from jinja2.utils import Cycler, Joiner, Namespace, pass_environment, pass_eval_context
from markupsafe import Markup

from handout.merge import limits
from handout.merge.limits import MAX_INT_BITS, MAX_ITEMS, MAX_WIDTH, ensure, text_size
from handout.merge.view import Method, Record

_STR = frozenset(
    "capitalize casefold count endswith find index isalnum isalpha isdecimal isdigit islower isnumeric"
    " isspace istitle isupper lower lstrip partition removeprefix removesuffix rfind rindex rpartition"
    " rsplit rstrip split splitlines startswith strip striptags swapcase title unescape upper".split()
)
_SEQUENCE = frozenset({"count", "index"})
_MAPPING = frozenset({"get", "items", "keys", "values"})
_DATE = frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"})
_LOOP = frozenset(
    "index index0 revindex revindex0 first last length depth depth0 previtem nextitem cycle changed".split()
)
_CYCLER = frozenset({"current", "next", "reset"})
_GLOBALS = {"range": safe_range, "dict": dict, "namespace": Namespace, "cycler": Cycler, "joiner": Joiner}
_CALLABLE_GLOBALS = tuple(_GLOBALS.values())


def allowed(obj: Any, name: str) -> bool:
    """May a template read attribute *name* of *obj*?"""
    if name.startswith("_"):
        return False
    if isinstance(obj, Record):
        return name in obj._fields
    if isinstance(obj, str):
        return name in _STR
    if isinstance(obj, list | tuple):
        return name in _SEQUENCE
    if isinstance(obj, Mapping):
        return name in _MAPPING
    if isinstance(obj, dt.date):
        return name in _DATE
    if isinstance(obj, Namespace):
        return True  # what the template itself stored
    if isinstance(obj, TemplateModule):
        return name in vars(obj)  # the macros and variables of an imported template
    if isinstance(obj, LoopContext):
        return name in _LOOP
    if isinstance(obj, Cycler):
        return name in _CYCLER
    if isinstance(obj, BlockReference):
        return name == "super"
    return False


def _describe(obj: Any) -> str:
    if isinstance(obj, types.MethodType | types.BuiltinMethodType):
        return f"'{type(obj.__self__).__name__}.{obj.__name__}'"
    return f"'{getattr(obj, '__name__', type(obj).__name__)}'"


class Undefined(jinja2.StrictUndefined):
    """Strict: a missing name is an error. Says ``topic has no 'path'`` for a record."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        obj, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint is None and isinstance(obj, Record | Method) and isinstance(name, str):
            return f"{obj!r} has no attribute '{name}'" if isinstance(obj, Method) else f"{obj._kind} has no attribute '{name}'"
        if self._undefined_hint is None and isinstance(obj, MappingProxyType):
            return f"there is no '{name}' in it (it has: {', '.join(map(str, obj)) or 'nothing'})"
        return super()._undefined_message


class _CodeGenerator(CodeGenerator):
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # as Jinja2's own, but through Sandbox.handout_concat, which checks the size first
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            join = "markup_join"
        else:
            join = "str_join"
        self.write(f"environment.handout_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        # for x in counted(iterable): every turn of every loop is a step
        counted = nodes.EnvironmentAttribute("handout_counted")
        if not (isinstance(node.iter, nodes.Call) and isinstance(node.iter.node, nodes.EnvironmentAttribute)
                and node.iter.node.name == counted.name):
            node.iter = nodes.Call(counted, [node.iter], [], None, None, lineno=node.iter.lineno)
        super().visit_For(node, frame)


class Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox with an allow-list, a budget and size caps."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset(["+", "*", "**", "%"])

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._finalize, undefined=Undefined, **options)
        self.globals.clear()
        self.globals.update(_GLOBALS)
        self.filters = {name: _clocked(f) for name, f in FILTERS.items()}
        self.filters.update({name: _clocked(f) for name, f in _CAPPED.items()})

    # -- what a template may touch ------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return allowed(obj, attr)

    def is_safe_callable(self, obj: Any) -> bool:
        if isinstance(obj, Method | Macro | LoopContext | BlockReference | Joiner) or obj is Sandbox.handout_counted:
            return True
        if any(obj is g for g in _CALLABLE_GLOBALS):
            return True
        if isinstance(obj, types.MethodType | types.BuiltinMethodType):
            return allowed(obj.__self__, obj.__name__)
        return False

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is not on the allow-list at all

    def getattr(self, obj: Any, attribute: str) -> Any:
        limits.clock()
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()  # the first reason, not one about Undefined itself
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        limits.clock()
        if isinstance(obj, jinja2.Undefined):
            obj._fail_with_undefined_error()
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        name = obj._kind if isinstance(obj, Record) else repr(obj) if isinstance(obj, Method) else type(obj).__name__
        return self.undefined(
            f"'{attribute}' of {name} is not available to templates",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        limits.step()
        if isinstance(__obj, jinja2.Undefined):
            __obj._fail_with_undefined_error()  # says why it is undefined
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"calling {_describe(__obj)} is not allowed in a template")
        if isinstance(__obj, LoopContext) and args:
            args = (limits.counted(args[0]), *args[1:])  # the next level of a recursive loop
        return __context.call(__obj, *args, **kwargs)

    # -- limits -------------------------------------------------------------------

    def _load_template(self, name: str, globals: Any) -> jinja2.Template:
        limits.step()
        return super()._load_template(name, globals)

    @staticmethod
    def handout_counted(iterable: Iterable[Any]) -> Iterable[Any]:
        return limits.counted(iterable)

    @staticmethod
    def handout_concat(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        limits.clock()
        size = 0
        for part in parts:
            size += text_size(part) * (1 if isinstance(part, Markup) else 6)
            ensure(size, "'~'")
        return join(parts)

    @staticmethod
    def concat(parts: Iterable[str]) -> str:
        # what a macro, a {% set %} block or a {% filter %} block returns
        parts = list(parts)
        ensure(sum(map(len, parts)), "a macro or block")
        return "".join(parts)

    @staticmethod
    def _finalize(value: Any) -> Any:
        size = text_size(value) * (1 if isinstance(value, Markup) else 6)
        ensure(size, "printing this value")
        limits.printed(size)
        if isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
            raise jinja2.TemplateRuntimeError("the template prints a lone surrogate character (a broken \\u escape?)")
        return value

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        limits.clock()
        if operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _check_length(left, len(left) + len(right), "'+'")
        elif operator == "*":
            _check_times(left, right)
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            ensure(max(left.bit_length(), 1) * right, "'**'", MAX_INT_BITS, "bits")
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_length(seq: Any, size: int, what: str) -> None:
    if isinstance(seq, str):
        ensure(size, what)
    else:
        ensure(size, what, MAX_ITEMS, "items")


def _check_times(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        ensure(left.bit_length() + right.bit_length(), "'*'", MAX_INT_BITS, "bits")
        return
    seq, n = (left, right) if isinstance(right, int) else (right, left)
    if isinstance(seq, str | list | tuple) and isinstance(n, int):
        _check_length(seq, len(seq) * n, "'*'")


_SPEC = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)


def _check_percent(fmt: str, args: Any) -> None:
    """Estimate ``fmt % args`` before it runs: widths, precisions and the texts put in."""
    positional = args if isinstance(args, tuple) else (args,)
    size = len(fmt)
    index = 0
    for key, width, precision, conversion in _SPEC.findall(fmt):
        if conversion == "%":
            continue
        for n in (width, precision):
            if n == "*":
                raise limits.LimitExceeded("'*' widths are not allowed in % formatting")
            ensure(int(n or 0), "a width or precision in % formatting", MAX_WIDTH)
        if key and isinstance(args, Mapping):
            arg = args.get(key)
        elif index < len(positional):
            arg, index = positional[index], index + 1
        else:
            arg = None
        size += int(width or 0) + int(precision or 0) + text_size(arg) * (4 if conversion in "ra" else 1) + 32
        ensure(size, "% formatting")


# -- filters, capped ----------------------------------------------------------------


def _clocked(f: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(f)  # keeps Jinja2's pass_context / pass_environment marks
    def run(*args: Any, **kwargs: Any) -> Any:
        limits.clock()
        return f(*args, **kwargs)

    return run


def _text_input(value: Any, what: str) -> str:
    ensure(text_size(value), what)
    return str(value)


def _center(value: Any, width: int = 80) -> str:
    ensure(width, "|center", MAX_WIDTH * 100)
    return FILTERS["center"](_text_input(value, "|center"), width)  # type: ignore[no-any-return]


def _indent(s: Any, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    text = _text_input(s, "|indent")
    step = len(width) if isinstance(width, str) else width
    ensure(len(text) + (text.count("\n") + 1) * max(step, 0), "|indent")
    return FILTERS["indent"](s, width, first, blank)  # type: ignore[no-any-return]


@pass_environment
def _wordwrap(env: jinja2.Environment, s: Any, width: int = 79, break_long_words: bool = True,
              wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    text = _text_input(s, "|wordwrap")
    wrap = len(wrapstring) if wrapstring is not None else len(env.newline_sequence)
    ensure(len(text) + (len(text) // max(width, 1) + text.count("\n") + 2) * wrap, "|wordwrap")
    return FILTERS["wordwrap"](env, s, width, break_long_words, wrapstring, break_on_hyphens)  # type: ignore[no-any-return]


@pass_eval_context
def _replace(eval_ctx: Any, s: Any, old: str, new: str, count: int | None = None) -> str:
    text = _text_input(s, "|replace")
    old, new = str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, count)
    ensure(len(text) + times * max(len(new) - len(old), 0) * 6, "|replace")
    return FILTERS["replace"](eval_ctx, s, old, new, count)  # type: ignore[no-any-return]


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    if args and kwargs:
        raise limits.LimitExceeded("|format takes either positional or keyword arguments, not both")
    _check_percent(_text_input(value, "|format"), kwargs or args)
    return do_format(value, *args, **kwargs)


@pass_eval_context
def _join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
    items = list(value)
    if attribute is not None:
        items = list(map(make_attrgetter(eval_ctx.environment, attribute), items))
    size = len(str(d)) * max(len(items) - 1, 0)
    for item in items:
        size += text_size(item) * (1 if isinstance(item, Markup) else 6)
        ensure(size, "|join")
    return sync_do_join(eval_ctx, items, d)


def _batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Any:
    ensure(linecount, "|batch", MAX_ITEMS, "items")
    return FILTERS["batch"](value, linecount, fill_with)


def _slice(value: Any, slices: int, fill_with: Any = None) -> Any:
    ensure(slices, "|slice", MAX_ITEMS, "items")
    return FILTERS["slice"](value, slices, fill_with)


@pass_environment
def _sum(env: jinja2.Environment, iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    items = list(iterable)
    if attribute is not None:
        items = list(map(make_attrgetter(env, attribute), items))
    if not all(isinstance(x, int | float) for x in [start, *items]):
        raise limits.LimitExceeded("|sum adds numbers only")
    return sum(items, start)


def _checked_text_filter(name: str, factor: int = 1, per_line: bool = False) -> Callable[..., Any]:
    """A filter that turns its value into text: the value may not be too large as text.

    Its text arguments (``truncate``'s end, ``urlize``'s target…) add to the size
    once, or once per word with *per_line*.
    """
    original = FILTERS[name]
    # the value is the first argument after any context/environment Jinja2 passes
    skip = 1 if getattr(original, "jinja_pass_arg", None) is not None else 0

    @wraps(original)
    def run(*args: Any, **kwargs: Any) -> Any:
        if len(args) > skip:
            size = text_size(args[skip]) * factor
            ensure(size, f"|{name}")
            extras = sum(len(x) for x in (*args[skip + 1 :], *kwargs.values()) if isinstance(x, str))
            ensure(size + extras * (size // 2 + 1 if per_line else 1), f"|{name}")
        return original(*args, **kwargs)

    return run


_CAPPED: dict[str, Callable[..., Any]] = {
    "center": _center,
    "indent": _indent,
    "wordwrap": _wordwrap,
    "replace": _replace,
    "format": _format,
    "join": _join,
    "batch": _batch,
    "slice": _slice,
    "sum": _sum,
    **{name: _checked_text_filter(name) for name in (
        "capitalize", "e", "escape", "forceescape", "lower", "string", "striptags", "title", "trim",
        "truncate", "upper", "wordcount", "urlencode",
    )},
    "pprint": _checked_text_filter("pprint", 2),
    "tojson": _checked_text_filter("tojson", 6),
    "xmlattr": _checked_text_filter("xmlattr", 6),
    "urlize": _checked_text_filter("urlize", 10, per_line=True),
}
