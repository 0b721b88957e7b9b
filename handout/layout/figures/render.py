"""Paint a flattened scene on a ReportLab canvas, scaled into a box."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color, white
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfgen.pathobject import PDFPathObject

from handout.layout.figures.geometry import Pt
from handout.layout.figures.scene import ACCENT, FAR, FILLED, GHOST, NEAR, PROP, SEAM, SURFACE, Part
from handout.layout.figures.shapes import Path


def mix(c: Color, amount: float) -> Color:
    """*c* mixed with white: ``amount`` 1 is the colour, 0 is white."""
    return Color(1 - (1 - c.red) * amount, 1 - (1 - c.green) * amount, 1 - (1 - c.blue) * amount)


@dataclass(frozen=True)
class Flat:
    """A scene ready to paint: parts far to near and their bounding box (screen cm)."""

    parts: tuple[Part, ...]
    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    marks: tuple[tuple[str, Pt], ...] = ()

    def place(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float]:
        """Scale and offset that centre the scene in the box (*x*, *y*, *w*, *h*) in points."""
        x0, y0, x1, y1 = self.box
        s = min(w / (x1 - x0), h / (y1 - y0))
        return s, x + (w - (x1 - x0) * s) / 2 - x0 * s, y + (h - (y1 - y0) * s) / 2 - y0 * s

    def mark(self, name: str, x: float, y: float, w: float, h: float) -> Pt:
        """Where the named point (``"ball"``, ``"arrow"``, ``"body"``, ``"head"``) lands, in points."""
        s, ox, oy = self.place(x, y, w, h)
        px, py = dict(self.marks)[name]
        return ox + px * s, oy + py * s


def flatten(parts: list[Part], marks: dict[str, Pt] | None = None) -> Flat:
    ordered = sorted(parts, key=lambda p: -p.depth)
    xs: list[float] = []
    ys: list[float] = []
    for part in ordered:
        for _, paths in part.layers:
            for path in paths:
                for op in path:
                    coords = op[1:]
                    xs.extend(float(v) for v in coords[0::2])  # type: ignore[arg-type]
                    ys.extend(float(v) for v in coords[1::2])  # type: ignore[arg-type]
    return Flat(tuple(ordered), (min(xs), min(ys), max(xs), max(ys)), tuple(sorted((marks or {}).items())))


def paint(canvas: Any, flat: Flat, x: float, y: float, w: float, h: float, ink: Color, accent: Color) -> None:
    """Paint *flat* centred in the box (*x*, *y*, *w*, *h*) in points."""
    s, ox, oy = flat.place(x, y, w, h)
    halo = 0.75 + 0.9 * s
    thin = 0.35 + 0.3 * s
    fills = {NEAR: ink, FAR: mix(ink, 0.42), GHOST: mix(ink, 0.13), PROP: mix(ink, 0.10), SURFACE: mix(ink, 0.07), ACCENT: accent}

    def emit(path: Path) -> Any:
        p = canvas.beginPath()
        for op in path:
            kind = op[0]
            v = [round(ox + float(c) * s, 1) if i % 2 == 0 else round(oy + float(c) * s, 1) for i, c in enumerate(op[1:])]  # type: ignore[arg-type]
            if kind == "M":
                p.moveTo(*v)
            elif kind == "L":
                p.lineTo(*v)
            elif kind == "C":
                p.curveTo(*v)
            else:
                p.close()
        return p

    canvas.saveState()
    canvas.setLineJoin(1)
    canvas.setLineCap(1)
    for part in flat.parts:
        if part.halo:
            canvas.setStrokeColor(white)
            canvas.setFillColor(white)
            for role, paths in part.layers:
                if role in FILLED:
                    canvas.setLineWidth(2 * halo + (2 * thin if role == ACCENT else 0))
                    for path in paths:
                        canvas.drawPath(emit(path), stroke=1, fill=1)
        for role, paths in part.layers:
            if role == GHOST:
                # the union's outline, dashed: stroke every piece, then fill them all over the inner half
                canvas.setStrokeColor(mix(ink, 0.55))
                canvas.setLineWidth(2 * thin)
                canvas.setDash(2 * thin, 1.6 * thin)
                for path in paths:
                    canvas.drawPath(emit(path), stroke=1, fill=0)
                canvas.setDash()
            if role in FILLED:
                canvas.setFillColor(fills[role])
                outlined = role in (ACCENT, PROP, SURFACE)
                if outlined:
                    canvas.setStrokeColor(ink if role == ACCENT else mix(ink, 0.55))
                    canvas.setLineWidth(thin * (1.6 if role == ACCENT else 1.0))
                for path in paths:
                    canvas.drawPath(emit(path), stroke=1 if outlined else 0, fill=1)
            else:
                canvas.setStrokeColor(ink if role == SEAM else mix(ink, 0.7))
                canvas.setLineWidth(thin * 1.2 if role == SEAM else thin)
                for path in paths:
                    canvas.drawPath(emit(path), stroke=1, fill=0)
    canvas.restoreState()


class Recorder:
    """The few canvas calls :func:`paint` makes, written down as PDF operators.

    A figure is painted once per size and colours into a recorder, and its
    operators are then added to each page as they are (``canvas.addLiteral``):
    a batch of cards does not redo the geometry of the same figure every time.
    The painting is wrapped in ``q``/``Q``, so the canvas's own idea of its
    state stays true. Only opaque RGB colours are written (the brand's colours), and
    shapes are filled even-odd, as the canvas does by default.
    """

    def __init__(self) -> None:
        self._code: list[str] = []

    def code(self) -> str:
        return "\n".join(self._code)

    def saveState(self) -> None:  # noqa: N802 - ReportLab's names
        self._code.append("q")

    def restoreState(self) -> None:  # noqa: N802
        self._code.append("Q")

    def setLineJoin(self, mode: int) -> None:  # noqa: N802
        self._code.append(f"{int(mode)} j")

    def setLineCap(self, mode: int) -> None:  # noqa: N802
        self._code.append(f"{int(mode)} J")

    def setLineWidth(self, width: float) -> None:  # noqa: N802
        self._code.append(f"{fp_str(width)} w")

    def setDash(self, array: float | None = None, phase: float = 0) -> None:  # noqa: N802
        self._code.append(f"[{fp_str(array, phase)}] 0 d" if array is not None else "[] 0 d")

    def _rgb(self, c: Color) -> str:
        if getattr(c, "alpha", 1) not in (None, 1):
            raise ValueError("a figure's colours are opaque")
        return str(fp_str(c.red, c.green, c.blue))

    def setFillColor(self, c: Color) -> None:  # noqa: N802
        self._code.append(f"{self._rgb(c)} rg")

    def setStrokeColor(self, c: Color) -> None:  # noqa: N802
        self._code.append(f"{self._rgb(c)} RG")

    def beginPath(self) -> PDFPathObject:  # noqa: N802
        return PDFPathObject()

    def drawPath(self, path: PDFPathObject, stroke: int = 1, fill: int = 0) -> None:  # noqa: N802
        self._code.append(str(path.getCode()))
        self._code.append({(1, 1): "B*", (0, 1): "f*", (1, 0): "S"}.get((stroke, fill), "n"))
