"""Built-in exercise pictures, drawn as vector graphics.

``figure("bridge", 108, ink=..., accent=...)`` gives a flowable 108 points wide
showing the key position of a routine: a posed 3-D body flattened by a camera,
props in pale outline, the ball and movement arrows in the accent colour. No
files, no raster images; the same name always draws the same bytes.
``BUILTIN_FIGURES`` lists every name with its alt text. Importing this package
is cheap (names and words only); ReportLab loads when a figure is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from handout.layout.figures.catalog import ALT

if TYPE_CHECKING:
    from reportlab.lib.colors import Color

    from handout.layout.figures.flowable import Figure


@dataclass(frozen=True)
class FigureSpec:
    name: str
    alt: str


BUILTIN_FIGURES: dict[str, FigureSpec] = {name: FigureSpec(name, alt) for name, alt in ALT.items()}


def figure(name: str, width: float, *, ink: Color, accent: Color, height: float | None = None) -> Figure:
    """The built-in figure *name* as a flowable *width* points wide (fitted inside *height* if given)."""
    from handout.layout.figures.flowable import Figure

    return Figure(name, width, ink=ink, accent=accent, height=height)
