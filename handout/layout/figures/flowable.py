"""A built-in figure as a ReportLab flowable."""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from handout.layout.figures.catalog import ALT
from handout.layout.figures.library import SCENES
from handout.layout.figures.render import Flat, Recorder, flatten, paint

#: a figure is never flatter or taller than these height / width ratios
MIN_ASPECT, MAX_ASPECT = 0.3, 1.6


@lru_cache(maxsize=32)
def flat(name: str) -> Flat:
    """The flattened scene for *name* (built once per process)."""
    scene = SCENES[name]()
    return flatten(scene.parts, scene.marks)


@lru_cache(maxsize=128)
def operators(name: str, width: float, height: float, ink: tuple[float, float, float], accent: tuple[float, float, float]) -> str:
    """The PDF operators that paint *name* in a *width* × *height* box (made once per size and colours)."""
    rec = Recorder()
    paint(rec, flat(name), 0, 0, width, height, Color(*ink), Color(*accent))
    return rec.code()


def aspect(name: str) -> float:
    """Height / width of the figure's natural box."""
    x0, y0, x1, y1 = flat(name).box
    return min(max((y1 - y0) / (x1 - x0), MIN_ASPECT), MAX_ASPECT)


class Figure(Flowable):  # type: ignore[misc]
    """A built-in picture, *width* points wide (or fitted inside *width* × *height*)."""

    def __init__(self, name: str, width: float, *, ink: Color, accent: Color, height: float | None = None) -> None:
        Flowable.__init__(self)
        if name not in SCENES:
            raise KeyError(name)
        self.name = name
        self.alt = ALT[name]
        natural = width * aspect(name)
        self.width = width if height is None or natural <= height else height / aspect(name)
        self.height = min(natural, height) if height is not None else natural
        self.ink = ink
        self.accent = accent

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        ink, accent = self.ink, self.accent
        self.canv.addLiteral(operators(self.name, self.width, self.height, (ink.red, ink.green, ink.blue), (accent.red, accent.green, accent.blue)))
