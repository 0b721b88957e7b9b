"""Small 3-D and 2-D vector helpers and the camera that flattens a scene.

Points are plain tuples: fast to make, hashable, no dependency. The world is
in centimetres with z up and the floor at z = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Vec = tuple[float, float, float]
Pt = tuple[float, float]
Mat = tuple[Vec, Vec, Vec]  # rows


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def mul(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def norm(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    n = norm(a)
    return (a[0] / n, a[1] / n, a[2] / n) if n > 1e-9 else (0.0, 0.0, 1.0)


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


def combo(origin: Vec, *terms: tuple[Vec, float]) -> Vec:
    """``origin + Σ axis·k``: a point given in a local frame."""
    x, y, z = origin
    for axis, k in terms:
        x += axis[0] * k
        y += axis[1] * k
        z += axis[2] * k
    return (x, y, z)


def rotate(v: Vec, axis: Vec, degrees: float) -> Vec:
    """Rotate *v* about the unit vector *axis* (right-hand rule)."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    k = axis
    kv = cross(k, v)
    kd = dot(k, v) * (1 - c)
    return (v[0] * c + kv[0] * s + k[0] * kd, v[1] * c + kv[1] * s + k[1] * kd, v[2] * c + kv[2] * s + k[2] * kd)


def horizontal(v: Vec) -> Vec:
    return (v[0], v[1], 0.0)


def two_bone(root: Vec, target: Vec, a: float, b: float, pole: Vec) -> tuple[Vec, Vec]:
    """Middle joint and end point of a two-segment limb reaching from *root* toward *target*.

    The middle joint (knee, elbow) bends toward *pole*. A target out of reach
    is approached as far as the limb goes.
    """
    d_vec = sub(target, root)
    d = norm(d_vec)
    e = unit(d_vec)
    d = min(max(d, abs(a - b) + 1e-3), a + b - 1e-3)
    end = combo(root, (e, d))
    x = (a * a - b * b + d * d) / (2 * d)
    h = math.sqrt(max(a * a - x * x, 0.0))
    p = sub(pole, mul(e, dot(pole, e)))
    p = unit(p) if norm(p) > 1e-6 else unit(cross(e, (0.0, 0.0, 1.0)))
    return combo(root, (e, x), (p, h)), end


@dataclass(frozen=True)
class Camera:
    """An orthographic camera: *azimuth* turns it about the vertical axis,
    *elevation* raises it to look down (degrees). At 0/0 it looks along +y."""

    azimuth: float = 0.0
    elevation: float = 0.0

    @property
    def axes(self) -> tuple[Vec, Vec, Vec]:
        """Screen right, screen up and viewing direction (into the picture)."""
        el = math.radians(self.elevation)
        az = math.radians(self.azimuth)
        ca, sa = math.cos(az), math.sin(az)
        right = (ca, sa, 0.0)
        fwd0 = (0.0, math.cos(el), -math.sin(el))
        up0 = (0.0, math.sin(el), math.cos(el))
        fwd = (-sa * fwd0[1], ca * fwd0[1], fwd0[2])
        up = (-sa * up0[1], ca * up0[1], up0[2])
        return right, up, fwd

    def project(self, p: Vec) -> Pt:
        r, u, _ = self.axes
        return (dot(p, r), dot(p, u))

    def depth(self, p: Vec) -> float:
        return dot(p, self.axes[2])


# -- 2-D -------------------------------------------------------------------

def add2(a: Pt, b: Pt) -> Pt:
    return (a[0] + b[0], a[1] + b[1])


def sub2(a: Pt, b: Pt) -> Pt:
    return (a[0] - b[0], a[1] - b[1])


def mul2(a: Pt, k: float) -> Pt:
    return (a[0] * k, a[1] * k)


def dot2(a: Pt, b: Pt) -> float:
    return a[0] * b[0] + a[1] * b[1]


def len2(a: Pt) -> float:
    return math.hypot(a[0], a[1])


def unit2(a: Pt) -> Pt:
    n = len2(a)
    return (a[0] / n, a[1] / n) if n > 1e-9 else (1.0, 0.0)


def perp(a: Pt) -> Pt:
    """*a* turned a quarter turn anticlockwise."""
    return (-a[1], a[0])
