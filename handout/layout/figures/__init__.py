"""Built-in exercise pictures, drawn as vector graphics.

``figure("bridge", 108, ink=..., accent=...)`` gives a flowable 108 points wide
showing the key position of a routine: a posed 3-D body flattened by a camera,
props in pale outline, the ball and movement arrows in the accent colour. No
files, no raster images; the same name always draws the same bytes.
``BUILTIN_FIGURES`` lists every name with its alt text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from handout.layout.figures.library import SCENES
from handout.layout.figures.render import Flat, flatten, paint

#: a figure is never flatter or taller than these height / width ratios
MIN_ASPECT, MAX_ASPECT = 0.42, 1.5


@dataclass(frozen=True)
class FigureSpec:
    name: str
    alt: str


BUILTIN_FIGURES: dict[str, FigureSpec] = {name: FigureSpec(name, alt) for name, (alt, _) in SCENES.items()}


@lru_cache(maxsize=32)
def flat(name: str) -> Flat:
    """The flattened scene for *name* (built once per process)."""
    scene = SCENES[name][1]()
    return flatten(scene.parts, scene.marks)


def aspect(name: str) -> float:
    """Height / width of the figure's natural box."""
    x0, y0, x1, y1 = flat(name).box
    return min(max((y1 - y0) / (x1 - x0), MIN_ASPECT), MAX_ASPECT)


class Figure(Flowable):  # type: ignore[misc]
    """A built-in picture, *width* points wide (or fitted inside *width* × *height*)."""

    def __init__(self, name: str, width: float, *, ink: Color, accent: Color, height: float | None = None, alt: str = "") -> None:
        Flowable.__init__(self)
        if name not in SCENES:
            raise KeyError(name)
        self.name = name
        self.width = width
        self.height = height if height is not None else width * aspect(name)
        self.ink = ink
        self.accent = accent
        self.alt = alt or BUILTIN_FIGURES[name].alt

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        paint(self.canv, flat(self.name), 0, 0, self.width, self.height, self.ink, self.accent)


def figure(name: str, width: float, *, ink: Color, accent: Color, height: float | None = None) -> Figure:
    """The built-in figure *name* as a flowable *width* points wide (and at most *height* tall)."""
    return Figure(name, width, ink=ink, accent=accent, height=height)
