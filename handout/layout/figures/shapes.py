"""2-D outlines: circles, tapered capsules, ellipses, smooth torsos and arrows.

Every outline is a closed path of ``("M", x, y)``, ``("L", x, y)``,
``("C", x1, y1, x2, y2, x, y)`` operations in screen centimetres; the
renderer scales them to points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from handout.layout.figures.geometry import (
    Camera,
    Pt,
    Vec,
    add2,
    dot,
    dot2,
    len2,
    mul2,
    perp,
    sub2,
    unit2,
)

Path = list[tuple[object, ...]]

#: Bézier handle length for a quarter circle
KAPPA = 0.5522847498


# -- ellipses (circles are ellipses with equal axes) ------------------------

def _arc(c: Pt, a: Pt, b: Pt, t0: float, t1: float, path: Path, start: bool) -> None:
    """Append the arc of ``c + a cos t + b sin t`` from *t0* to *t1* (radians, either way)."""
    n = max(1, math.ceil(abs(t1 - t0) / (math.pi / 2) - 1e-9))
    dt = (t1 - t0) / n
    k = 4 / 3 * math.tan(dt / 4)

    def at(t: float) -> Pt:
        return (c[0] + a[0] * math.cos(t) + b[0] * math.sin(t), c[1] + a[1] * math.cos(t) + b[1] * math.sin(t))

    def tangent(t: float) -> Pt:
        return (-a[0] * math.sin(t) + b[0] * math.cos(t), -a[1] * math.sin(t) + b[1] * math.cos(t))

    p = at(t0)
    if start:
        path.append(("M", *p))
    t = t0
    for _ in range(n):
        q = at(t + dt)
        d0, d1 = tangent(t), tangent(t + dt)
        path.append(("C", p[0] + k * d0[0], p[1] + k * d0[1], q[0] - k * d1[0], q[1] - k * d1[1], *q))
        p, t = q, t + dt


def ellipse(c: Pt, a: Pt, b: Pt) -> Path:
    path: Path = []
    _arc(c, a, b, 0.0, 2 * math.pi, path, True)
    path.append(("Z",))
    return path


def circle(c: Pt, r: float) -> Path:
    return ellipse(c, (r, 0.0), (0.0, r))


def _param(c: Pt, a: Pt, b: Pt, p: Pt) -> float:
    """The parameter of point *p* on the ellipse with orthogonal semi-axes *a*, *b*."""
    d = sub2(p, c)
    return math.atan2(dot2(d, b) / dot2(b, b), dot2(d, a) / dot2(a, a))


class Ellipse:
    """A projected ellipsoid: centre, principal semi-axes and its 2×2 shape matrix."""

    def __init__(self, c: Pt, s: tuple[float, float, float]) -> None:
        self.c = c
        self.s = s  # (sxx, sxy, syy)
        sxx, sxy, syy = s
        tr, det = sxx + syy, sxx * syy - sxy * sxy
        disc = math.sqrt(max(tr * tr / 4 - det, 0.0))
        l1, l2 = tr / 2 + disc, max(tr / 2 - disc, 1e-9)
        if abs(sxy) > 1e-12:
            v1 = unit2((l1 - syy, sxy))
        else:
            v1 = (1.0, 0.0) if sxx >= syy else (0.0, 1.0)
        self.a = mul2(v1, math.sqrt(l1))
        self.b = mul2(perp(v1), math.sqrt(l2))

    @classmethod
    def of(cls, camera: Camera, centre: Vec, axes: Sequence[Vec]) -> Ellipse:
        """The outline of the ellipsoid ``centre + Σ axesᵢ·xᵢ, |x| ≤ 1`` seen by *camera*."""
        r, u, _ = camera.axes
        m = [(dot(v, r), dot(v, u)) for v in axes]
        sxx = sum(x * x for x, _ in m)
        sxy = sum(x * y for x, y in m)
        syy = sum(y * y for _, y in m)
        return cls(camera.project(centre), (sxx, sxy, syy))

    def extreme(self, n: Pt) -> Pt:
        """The outline point farthest in direction *n*."""
        sxx, sxy, syy = self.s
        sn = (sxx * n[0] + sxy * n[1], sxy * n[0] + syy * n[1])
        k = math.sqrt(max(n[0] * sn[0] + n[1] * sn[1], 1e-12))
        return (self.c[0] + sn[0] / k, self.c[1] + sn[1] / k)

    def path(self) -> Path:
        return ellipse(self.c, self.a, self.b)

    def arc(self, p: Pt, q: Pt, through: Pt, path: Path) -> None:
        """Append the arc from *p* to *q* that passes the side of *through*."""
        t0 = _param(self.c, self.a, self.b, p)
        t1 = _param(self.c, self.a, self.b, q)
        tm = _param(self.c, self.a, self.b, through)
        up = (t1 - t0) % (2 * math.pi)
        if (tm - t0) % (2 * math.pi) <= up:
            _arc(self.c, self.a, self.b, t0, t0 + up, path, False)
        else:
            _arc(self.c, self.a, self.b, t0, t0 - (2 * math.pi - up), path, False)


# -- capsules: limbs --------------------------------------------------------

def capsule(c0: Pt, r0: float, c1: Pt, r1: float) -> Path:
    """A tapered tube with round ends: two circles and their outer tangents."""
    d_vec = sub2(c1, c0)
    d = len2(d_vec)
    if d + min(r0, r1) <= max(r0, r1) + 1e-6:
        return circle(c0, r0) if r0 >= r1 else circle(c1, r1)
    e = mul2(d_vec, 1 / d)
    n = perp(e)
    s = (r0 - r1) / d
    c = math.sqrt(max(1 - s * s, 0.0))
    m1 = (-s * e[0] + c * n[0], -s * e[1] + c * n[1])
    m2 = (-s * e[0] - c * n[0], -s * e[1] - c * n[1])
    path: Path = [("M", c0[0] + r0 * m1[0], c0[1] + r0 * m1[1]), ("L", c1[0] + r1 * m1[0], c1[1] + r1 * m1[1])]
    _circle_arc(c1, r1, m1, m2, e, path)
    path.append(("L", c0[0] + r0 * m2[0], c0[1] + r0 * m2[1]))
    _circle_arc(c0, r0, m2, m1, (-e[0], -e[1]), path)
    path.append(("Z",))
    return path


def _circle_arc(c: Pt, r: float, m_from: Pt, m_to: Pt, via: Pt, path: Path) -> None:
    t0 = math.atan2(m_from[1], m_from[0])
    t1 = math.atan2(m_to[1], m_to[0])
    tv = math.atan2(via[1], via[0])
    up = (t1 - t0) % (2 * math.pi)
    span = up if (tv - t0) % (2 * math.pi) <= up else -(2 * math.pi - up)
    _arc(c, (r, 0.0), (0.0, r), t0, t0 + span, path, False)


# -- smooth outlines --------------------------------------------------------

def hermite(points: Sequence[Pt], tangents: Sequence[Pt], path: Path) -> None:
    """Append cubic segments through *points* (the first is the current point)."""
    for i in range(len(points) - 1):
        p, q = points[i], points[i + 1]
        tp, tq = tangents[i], tangents[i + 1]
        path.append(("C", p[0] + tp[0] / 3, p[1] + tp[1] / 3, q[0] - tq[0] / 3, q[1] - tq[1] / 3, *q))


def torso(slices: Sequence[Ellipse]) -> Path:
    """One smooth outline round a chain of ellipsoid slices (pelvis to shoulders).

    Each side runs through the slices' extreme points across the projected
    spine; the ends are arcs of the first and last slice.
    """
    cs = [e.c for e in slices]
    n = len(cs)
    dirs = [unit2(sub2(cs[min(i + 1, n - 1)], cs[max(i - 1, 0)])) for i in range(n)]
    normals = [perp(d) for d in dirs]
    left = [e.extreme(m) for e, m in zip(slices, normals, strict=True)]
    right = [e.extreme((-m[0], -m[1])) for e, m in zip(slices, normals, strict=True)]

    def tangents(pts: list[Pt], ds: list[Pt]) -> list[Pt]:
        out = []
        for i, d in enumerate(ds):
            chord = len2(sub2(pts[min(i + 1, n - 1)], pts[max(i - 1, 0)])) / (2 if 0 < i < n - 1 else 1)
            out.append(mul2(d, chord))
        return out

    path: Path = [("M", *right[0])]
    hermite(right, tangents(right, dirs), path)
    top = slices[-1]
    top.arc(right[-1], left[-1], top.extreme(dirs[-1]), path)
    back = list(reversed(left))
    back_dirs = [(-d[0], -d[1]) for d in reversed(dirs)]
    hermite(back, tangents(back, back_dirs), path)
    bottom = slices[0]
    bottom.arc(left[0], right[0], bottom.extreme((-dirs[0][0], -dirs[0][1])), path)
    path.append(("Z",))
    return path


def polygon(points: Sequence[Pt], closed: bool = True) -> Path:
    path: Path = [("M", *points[0])]
    path.extend(("L", *p) for p in points[1:])
    if closed:
        path.append(("Z",))
    return path


def smooth_closed(points: Sequence[Pt]) -> Path:
    """A closed Catmull-Rom curve through *points*."""
    n = len(points)
    tans = [mul2(sub2(points[(i + 1) % n], points[i - 1]), 0.5) for i in range(n)]
    path: Path = [("M", *points[0])]
    hermite([*points, points[0]], [*tans, tans[0]], path)
    path.append(("Z",))
    return path


# -- arrows -----------------------------------------------------------------

def arrow(line: Sequence[Pt], width: float, head: float, *, start: bool = False, end: bool = True) -> Path:
    """A band along the polyline *line* with a triangular head at its end (and/or start).

    *head* is the head's length; the head is about as wide as it is long, and at
    least 2.4 times the band's width.
    """
    pts = list(line)
    head_w = max(head * 0.95, width * 2.4)

    def cut(pts: list[Pt]) -> tuple[list[Pt], Pt, Pt]:
        """Shorten the polyline by *head* at its end; return it, the tip and the head's direction."""
        tip = pts[-1]
        remaining = head
        while len(pts) > 2 and len2(sub2(pts[-1], pts[-2])) <= remaining:
            remaining -= len2(sub2(pts[-1], pts[-2]))
            pts = pts[:-1]
        a, b = pts[-2], pts[-1]
        seg = len2(sub2(b, a))
        if seg > remaining:
            b = add2(b, mul2(unit2(sub2(a, b)), remaining))
            pts = [*pts[:-1], b]
        direction = unit2(sub2(tip, pts[-1]))
        return pts, tip, direction

    start_tip = start_dir = end_tip = end_dir = None
    if end:
        pts, end_tip, end_dir = cut(pts)
    if start:
        rev, start_tip, start_dir = cut(list(reversed(pts)))
        pts = list(reversed(rev))
    half = width / 2
    lefts, rights = [], []
    for i, p in enumerate(pts):
        d = unit2(sub2(pts[min(i + 1, len(pts) - 1)], pts[max(i - 1, 0)]))
        m = perp(d)
        lefts.append(add2(p, mul2(m, half)))
        rights.append(add2(p, mul2(m, -half)))

    def head_pts(base: Pt, tip: Pt, d: Pt, first: Pt, second: Pt) -> list[Pt]:
        m = perp(d)
        return [first, add2(base, mul2(m, head_w / 2)), tip, add2(base, mul2(m, -head_w / 2)), second]

    outline: list[Pt] = []
    if start and start_tip is not None and start_dir is not None:
        sd = start_dir
        outline += head_pts(pts[0], start_tip, sd, rights[0], lefts[0])[1:4]
    outline += lefts
    if end and end_tip is not None and end_dir is not None:
        outline += head_pts(pts[-1], end_tip, end_dir, lefts[-1], rights[-1])[1:4]
    outline += list(reversed(rights))
    return polygon(outline)
