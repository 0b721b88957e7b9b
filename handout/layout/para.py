"""Paragraphs whose inline markup is parsed once per process.

ReportLab parses a paragraph's markup (``<b>``, ``<font>``, links…) into
fragments every time a :class:`~reportlab.platypus.Paragraph` is made. A card is
made at two or three type sizes before it is laid out, and a batch makes the
same card for every client: the same text in the same style gives the same
fragments, so they are kept and reused. Paragraphs share the fragments but not
the list that holds them: once parsed, ReportLab only reads a fragment (and
marks its kind, always the same). Only the parse is kept; wrapping and drawing
run as usual, except that a paragraph wrapped again at the width it was last
wrapped at keeps its lines (a card is measured before it is laid out, and the
layout wraps every paragraph again).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.platypus import Paragraph

#: parsed paragraphs kept at most (a long batch names many clients)
MAX_KEPT = 4096

_Parsed = tuple[str, Any, list[Any], bool]  # text, style after the parse, fragments, whether the parse changed the style
_kept: OrderedDict[tuple[Any, ...], _Parsed] = OrderedDict()


#: each style's attributes as a small number, taken once per style (styles are made per theme and
#: never changed afterwards); styles with the same attributes get the same number
_style_keys: WeakKeyDictionary[Any, int | None] = WeakKeyDictionary()
_style_numbers: dict[tuple[Any, ...], int] = {}


def _style_key(style: Any) -> int | None:
    try:
        return _style_keys[style]
    except KeyError:
        pass
    attrs = tuple((k, v) for k, v in style.__dict__.items() if k not in ("name", "parent"))
    try:
        number: int | None = _style_numbers.setdefault(attrs, len(_style_numbers))
    except TypeError:  # an unhashable style value: parse as usual
        number = None
    _style_keys[style] = number
    return number


def _key(text: Any, style: Any, bullet: Any) -> tuple[Any, ...] | None:
    """What decides a parse: the text, every attribute of the style and the bullet."""
    if not isinstance(text, str) or style is None or not isinstance(bullet, (str, type(None))):
        return None
    number = _style_key(style)
    return None if number is None else (text, bullet, number)


class Para(Paragraph):  # type: ignore[misc]
    """A :class:`Paragraph` that reuses the parse of the same text in the same style."""

    def __init__(self, text: Any, style: Any = None, bulletText: Any = None, frags: Any = None, **kw: Any) -> None:  # noqa: N803 - ReportLab's name
        key = _key(text, style, bulletText) if frags is None and not kw else None  # (kw: a parse of another kind)
        if key is None:
            super().__init__(text, style, bulletText, frags, **kw)
            return
        hit = _kept.get(key)
        if hit is None:
            super().__init__(text, style, bulletText, None, **kw)
            if isinstance(self.bulletText, (str, type(None))):
                _kept[key] = (self.text, self.style, list(self.frags), self.style is not style)
                if len(_kept) > MAX_KEPT:
                    _kept.popitem(last=False)
            return
        _kept.move_to_end(key)
        clean, parsed_style, kept, changed = hit
        super().__init__(clean, parsed_style if changed else style, bulletText, list(kept), **kw)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
        """As :meth:`Paragraph.wrap`, which depends on the width only; the same width again costs nothing."""
        if availWidth == self.__dict__.get("_wrapped_at") and "blPara" in self.__dict__:  # (a split may drop the lines)
            return self.width, self.height
        w, h = super().wrap(availWidth, availHeight)
        if h != 0x7FFFFFFF:  # not the "cannot fit here" answer
            self._wrapped_at = availWidth
        return w, h
