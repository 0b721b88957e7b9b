"""What a template is given: plain, read-only copies of the model's records.

The model's dataclasses hold paths (a topic's file, a brand's logo and fonts)
and methods; a template must see neither a path nor anything that reaches the
file system. :func:`to_view` copies any value into plain data, recursively:

* strings (``Markup`` stays ``Markup``), numbers, booleans, ``None`` and dates stay
  as they are;
* lists, tuples and sets become tuples; mappings become read-only mappings;
* a dataclass becomes a :class:`Record`: its fields and properties as read-only
  attributes, its public methods as :class:`Method` wrappers whose results are
  converted the same way;
* a path, bytes, a file, a function or any other object is left out.

Nothing here names a model class, so a field added to the model later shows up
in templates as it is, and a path added anywhere never does.

The view of a frozen model record is kept for the next document: the loader
keeps a topic and a brand for the whole process, so a batch converts them once.
Views are read-only, so documents can share them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from collections import OrderedDict
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache, cached_property
from pathlib import PurePath
from types import MappingProxyType
from typing import Any

#: types a template may hold as they are (all immutable)
PLAIN: tuple[type, ...] = (str, int, float, dt.date, dt.time, type(None))

#: a value that a view leaves out
_DROP = object()


class Record:
    """A read-only record: named fields, nothing else.

    Templates read ``record.field``; the sandbox lets them read nothing but the
    names in :attr:`_fields` (see :mod:`handout.merge.sandbox`).
    """

    __slots__ = ("_kind", "_fields")
    _kind: str
    _fields: Mapping[str, Any]

    def __init__(self, kind: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_fields", MappingProxyType(fields))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(f"{self._kind} has no '{name}'") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} is read-only")

    def __repr__(self) -> str:
        return f"<{self._kind}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and other._kind == self._kind and dict(other._fields) == dict(self._fields)

    __hash__ = None  # type: ignore[assignment]


class Method:
    """A model method as a template may call it: plain arguments in, a view out."""

    __slots__ = ("_call", "_name")

    def __init__(self, name: str, call: Callable[..., Any]) -> None:
        self._name = name
        self._call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if not isinstance(value, PLAIN):
                raise TypeError(f"{self._name}() takes text or numbers")
        return to_view(self._call(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<{self._name}()>"


#: views of frozen records kept, with the record itself (so that its id is not reused)
MAX_KEPT = 32
_kept: OrderedDict[int, tuple[Any, Any]] = OrderedDict()


def to_view(value: Any) -> Any:
    """*value* as plain, read-only template data (``None`` if nothing of it may be shown)."""
    frozen = dataclasses.is_dataclass(value) and not isinstance(value, type) and type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
    if frozen:
        hit = _kept.get(id(value))
        if hit is not None and hit[0] is value:
            _kept.move_to_end(id(value))
            return hit[1]
    out = _convert(value, {})
    out = None if out is _DROP else out
    if frozen:
        _kept[id(value)] = (value, out)
        if len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return out


def _convert(value: Any, seen: dict[int, Any]) -> Any:
    if isinstance(value, PLAIN):  # bool is an int, Markup a str
        return value
    key = id(value)
    if key in seen:
        return seen[key]
    out: Any
    if isinstance(value, PurePath | bytes | bytearray | memoryview) or isinstance(value, type):
        out = _DROP
    elif isinstance(value, Enum):
        out = _convert(value.value, seen)
    elif dataclasses.is_dataclass(value):
        out = _record(value, seen)
    elif isinstance(value, Mapping):
        items = {}
        for k, v in value.items():
            k2, v2 = _convert(k, seen), _convert(v, seen)
            if k2 is not _DROP and v2 is not _DROP:
                items[k2] = v2
        out = MappingProxyType(items)
    elif isinstance(value, list | tuple | set | frozenset):
        out = tuple(x for x in (_convert(v, seen) for v in value) if x is not _DROP)
    else:
        out = _DROP  # a function, a file, a module, anything else
    seen[key] = out
    return out


def _record(obj: Any, seen: dict[int, Any]) -> Record:
    cls: type = obj.__class__
    fields: dict[str, Any] = {}
    record = Record(cls.__name__.lower(), fields)
    seen[id(obj)] = record  # a record that refers back to itself stays one record
    for name in _field_names(cls):
        value = _convert(getattr(obj, name), seen)
        if value is not _DROP:
            fields[name] = value
    for name in _property_names(cls):
        value = _convert(getattr(obj, name), seen)
        if value is not _DROP:
            fields[name] = value
    for name in _method_names(cls):
        fields[name] = Method(name, getattr(obj, name))
    return record


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))


@cache
def _property_names(cls: type) -> tuple[str, ...]:
    names = []
    for klass in reversed(cls.__mro__[:-1]):
        for name, attr in vars(klass).items():
            if not name.startswith("_") and isinstance(attr, property | cached_property):
                names.append(name)
    return tuple(dict.fromkeys(names))


@cache
def _method_names(cls: type) -> tuple[str, ...]:
    names = []
    for klass in reversed(cls.__mro__[:-1]):
        for name, attr in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(attr):
                names.append(name)
    return tuple(dict.fromkeys(names))

