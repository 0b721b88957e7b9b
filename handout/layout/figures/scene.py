"""A scene: bodies, props and arrows in 3-D, flattened by a camera into painted parts.

Parts are painted far to near. Each filled part is first painted in white with
a wide stroke (a halo that separates it from whatever lies behind) and then
filled. The body is in the ink colour, its far-side limbs lighter; props are
pale with thin ink outlines; the ball, the bottle and arrows are in the accent
colour with their own dark outline so they still stand out in greyscale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from handout.layout.figures.body import Blob, Body, Capsule
from handout.layout.figures.geometry import (
    Camera,
    Pt,
    Vec,
    add,
    combo,
    cross,
    len2,
    mul,
    mul2,
    perp,
    sub,
    sub2,
    unit,
    unit2,
)
from handout.layout.figures.shapes import Ellipse, Path, arrow, capsule, circle, polygon, torso

# roles: how a layer is painted
NEAR, FAR, GHOST, PROP, SURFACE, ACCENT, LINE, SEAM = "near", "far", "ghost", "prop", "surface", "accent", "line", "seam"
FILLED = {NEAR, FAR, GHOST, PROP, SURFACE, ACCENT}


@dataclass
class Part:
    depth: float
    layers: list[tuple[str, list[Path]]]
    halo: bool = True
    name: str = ""


@dataclass
class Scene:
    camera: Camera
    parts: list[Part] = field(default_factory=list)
    #: named 2-D points (screen cm) worth checking in tests: the ball, an arrow, the body
    marks: dict[str, Pt] = field(default_factory=dict)

    # -- helpers ---------------------------------------------------------
    def p(self, v: Vec) -> Pt:
        return self.camera.project(v)

    def d(self, v: Vec) -> float:
        return self.camera.depth(v)

    def cap(self, c: Capsule) -> Path:
        return capsule(self.p(c.a), c.ra, self.p(c.b), c.rb)

    def blob(self, b: Blob) -> Ellipse:
        return Ellipse.of(self.camera, b.c, b.axes)

    def add(self, depth: float, role: str, paths: list[Path], *, halo: bool = True, name: str = "", extra: Sequence[tuple[str, list[Path]]] = ()) -> Part:
        part = Part(depth, [(role, paths), *extra], halo, name)
        self.parts.append(part)
        return part

    # -- the body ----------------------------------------------------------
    def body(self, b: Body, *, far: str | None = "auto", light: Sequence[str] = (), split: Sequence[str] = (),
             merge: Sequence[str] = (), bias: dict[str, float] | None = None) -> None:
        """Add a posed body. *far* names the side drawn lighter ("auto": the side away
        from the camera, when the body is seen from a side); *light* lists more limbs
        drawn lighter; *split* lists limbs
        (``"right leg"``) painted segment by segment, for a limb folded over itself;
        *merge* lists limbs painted as one shape with the torso (legs seen from the front);
        *bias* moves a part nearer (negative) or farther (positive), in cm."""
        bias = bias or {}
        if far == "auto":
            dl, dr = self.d(b.hip("left")) + self.d(b.shoulder("left")), self.d(b.hip("right")) + self.d(b.shoulder("right"))
            far = None if abs(dl - dr) < 8 else ("left" if dl > dr else "right")
        slices = b.slices()
        centre = combo(slices[0].c, (sub(slices[-1].c, slices[0].c), 0.5))
        tdepth = self.d(centre)
        self.marks["body"] = self.p(centre)
        torso_part = self.add(tdepth + bias.get("torso", 0.0), NEAR, [torso([self.blob(s) for s in slices]), self.cap(b.neck())], name="torso")
        skull, jaw = b.head_blobs()
        self.marks["head"] = self.p(skull.c)
        self.add(min(self.d(skull.c), tdepth - 0.5) + bias.get("head", 0.0), NEAR,
                 [self.blob(skull).path(), self.blob(jaw).path(), self.cap(b.nose())], name="head")
        for name, limb in b.limbs.items():
            if name in merge:
                torso_part.layers[0][1].extend(self.cap(c) for c in limb.capsules())
                continue
            role = FAR if limb.side == far or name in light else NEAR
            caps = limb.capsules()
            extra = bias.get(name, 0.0)
            if name in split:
                for i, c in enumerate(caps):
                    self.add(self.d(combo(c.a, (sub(c.b, c.a), 0.5))) + extra + bias.get(f"{name} {i}", 0.0), role, [self.cap(c)], name=f"{name} {i}")
            else:
                depth = sum(self.d(c.a) + self.d(c.b) for c in caps) / (2 * len(caps))
                self.add(depth + extra, role, [self.cap(c) for c in caps], name=name)

    def ghost(self, b: Body, limb: str) -> None:
        """A limb of *b* pale, with a dashed outline: where a movement starts. It is
        painted just behind the torso (in front of the far-side limbs)."""
        caps = b.limbs[limb].capsules()
        slices = b.slices()
        depth = self.d(combo(slices[0].c, (sub(slices[-1].c, slices[0].c), 0.5))) + 1.0
        self.add(depth, GHOST, [self.cap(c) for c in caps], name=f"ghost {limb}")

    # -- props -------------------------------------------------------------
    def ball(self, c: Vec, r: float = 3.4, *, seam: float = 30.0) -> None:
        """A ball (tennis ball size by default) with a curved seam."""
        pc = self.p(c)
        a = math.radians(seam)
        u, v = (math.cos(a), math.sin(a)), (-math.sin(a), math.cos(a))
        self.marks["ball"] = (pc[0] - 0.5 * r * v[0], pc[1] - 0.5 * r * v[1])  # clear of the seam
        # the seam: two gentle arcs, like a tennis ball's
        s1: Path = [("M", pc[0] - r * 0.8 * u[0] + r * 0.45 * v[0], pc[1] - r * 0.8 * u[1] + r * 0.45 * v[1]),
                    ("C", pc[0] - 0.2 * r * u[0] - 0.05 * r * v[0], pc[1] - 0.2 * r * u[1] - 0.05 * r * v[1],
                     pc[0] + 0.2 * r * u[0] - 0.05 * r * v[0], pc[1] + 0.2 * r * u[1] - 0.05 * r * v[1],
                     pc[0] + r * 0.8 * u[0] + r * 0.45 * v[0], pc[1] + r * 0.8 * u[1] + r * 0.45 * v[1])]
        self.add(self.d(c), ACCENT, [circle(pc, r)], name="ball", extra=[(SEAM, [s1])])

    def bottle(self, a: Vec, b: Vec, r: float = 3.6) -> None:
        """A water bottle lying from *a* (base) to *b* (cap end)."""
        axis = sub(b, a)
        neck = combo(a, (axis, 0.78))
        self.marks["ball"] = self.p(combo(a, (axis, 0.4)))
        body = capsule(self.p(a), r, self.p(neck), r)
        cap = capsule(self.p(neck), r * 0.55, self.p(b), r * 0.5)
        self.add(self.d(combo(a, (axis, 0.5))), ACCENT, [body, cap], name="bottle")

    def box(self, o: Vec, ax: Vec, ay: Vec, az: Vec, *, role: str = PROP, name: str = "box", bias: float = 0.0) -> None:
        """A box from corner *o* along three edge vectors; its faces that look at the camera."""
        view = self.camera.axes[2]
        faces = []
        for e1, e2, e3 in ((ax, ay, az), (ay, az, ax), (az, ax, ay)):
            for base, outward in ((o, mul(e3, -1.0)), (add(o, e3), e3)):
                if _dot(outward, view) < -1e-9:
                    corners = [base, add(base, e1), add(add(base, e1), e2), add(base, e2)]
                    faces.append(polygon([self.p(q) for q in corners]))
        centre = combo(o, (ax, 0.5), (ay, 0.5), (az, 0.5))
        self.add(self.d(centre) + bias, role, faces, name=name, halo=False)

    def mat(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """An exercise mat on the floor (a thin slab)."""
        self.box((x0, y0, -1.2), (x1 - x0, 0, 0), (0, y1 - y0, 0), (0, 0, 1.2), role=SURFACE, name="mat", bias=1e4)

    def floor(self, x0: float, x1: float, y: float = 0.0) -> None:
        """A floor line from *x0* to *x1* (the far edge of a strip of floor)."""
        self.add(1e4, LINE, [polygon([self.p((x0, y, 0)), self.p((x1, y, 0))], closed=False)], halo=False, name="floor")

    def wall(self, x: float, y0: float, y1: float, height: float) -> None:
        """A wall standing at *x*, facing −x, from *y0* to *y1*."""
        self.box((x, y0, 0), (6.0, 0, 0), (0, y1 - y0, 0), (0, 0, height), role=SURFACE, name="wall", bias=1e4 - 1)

    def chair(self, x: float, y: float, *, facing: Vec = (1.0, 0.0, 0.0), seat: float = 46.0, back: bool = True) -> Vec:
        """A plain hard chair with its seat centre at (*x*, *y*); returns the seat's top centre."""
        f = unit(facing)
        lat = cross((0.0, 0.0, 1.0), f)
        w, d, t = 42.0, 40.0, 3.0
        c = (x, y, seat)
        corner = combo(c, (f, -d / 2), (lat, -w / 2), ((0, 0, 1), -t))
        self.box(corner, mul(f, d), mul(lat, w), (0, 0, t), name="seat", bias=100.0)
        for i, j in ((0, 0), (1, 0), (0, 1), (1, 1)):
            top = combo(corner, (f, 2 + i * (d - 4)), (lat, 2 + j * (w - 4)))
            foot = (top[0], top[1], 0.0)
            self.add(self.d(combo(top, ((0, 0, -1), seat / 2))), PROP, [capsule(self.p(top), 1.4, self.p(foot), 1.2)], name="chair leg", halo=False)
        if back:
            rear = combo(c, (f, -d / 2 + 1.5), (lat, -w / 2))
            for j in (0, 1):
                post = combo(rear, (lat, 2 + j * (w - 4)))
                self.add(self.d(post) + 200.0, PROP, [capsule(self.p(post), 1.4, self.p(combo(post, ((0, 0, 1), 44))), 1.4)], name="chair post", halo=False)
            self.box(combo(rear, ((0, 0, 1), 26), (f, -1.2)), mul(f, 2.4), mul(lat, w), (0, 0, 18), name="chair back", bias=200.0)
        return (x, y, seat)

    def towel(self, a: Vec, b: Vec, r: float = 4.0) -> None:
        """A rolled towel from *a* to *b*, pale with a spiral end."""
        self.add(self.d(combo(a, (sub(b, a), 0.5))), PROP, [capsule(self.p(a), r, self.p(b), r)], name="towel",
                 extra=[(LINE, [circle(self.p(b), r * 0.55)])])

    def step(self, x0: float, x1: float, y0: float, y1: float, height: float = 18.0) -> None:
        """A single stair step or exercise step on the floor."""
        self.box((x0, y0, 0), (x1 - x0, 0, 0), (0, y1 - y0, 0), (0, 0, height), name="step", bias=50)

    # -- arrows --------------------------------------------------------------
    def arrow(self, points: Sequence[Vec], *, width: float = 3.2, head: float = 8.5, both: bool = False,
              depth: float | None = None, name: str = "arrow") -> None:
        """A movement arrow along 3-D *points*, drawn in front of everything unless *depth* is given."""
        line = [self.p(q) for q in points]
        self.marks[name] = _along(line, 0.4)
        self.add(-1e4 if depth is None else depth, ACCENT, [arrow(line, width, head, start=both)], name=name)

    def ring_arrow(self, centre: Vec, rx: Vec, ry: Vec, start: float, end: float, *, width: float = 3.2, head: float = 8.5,
                   behind: float = 0.0) -> None:
        """An arrow circling round *centre* on the ellipse ``centre + rx cos t + ry sin t`` (degrees);
        the part behind the body is painted before it, the part in front after it."""
        n = 36
        pts = [combo(centre, (rx, math.cos(math.radians(t))), (ry, math.sin(math.radians(t))))
               for t in (start + (end - start) * i / n for i in range(n + 1))]
        cd = self.d(centre)
        runs: list[list[Vec]] = [[pts[0]]]
        for q in pts[1:]:
            back = self.d(q) > cd + behind
            if (self.d(runs[-1][-1]) > cd + behind) != back:
                runs.append([runs[-1][-1]])
            runs[-1].append(q)
        for i, run in enumerate(runs):
            last = i == len(runs) - 1
            line = [self.p(q) for q in run]
            if len(line) < 2:
                continue
            back = self.d(run[len(run) // 2]) > cd + behind
            if last:
                self.marks["arrow"] = _along(line, 0.4)
            path = arrow(line, width, head, end=last) if last else _band(line, width)
            self.add(cd + 1e3 if back else -1e4, ACCENT, [path], name="ring arrow")


def _along(line: Sequence[Pt], t: float) -> Pt:
    """The point a fraction *t* of the way along a polyline."""
    lengths = [len2(sub2(b, a)) for a, b in zip(line, line[1:], strict=False)]
    goal = sum(lengths) * t
    for (a, b), seg in zip(zip(line, line[1:], strict=False), lengths, strict=True):
        if goal <= seg and seg > 0:
            k = goal / seg
            return (a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k)
        goal -= seg
    return line[-1]


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _band(line: Sequence[Pt], width: float) -> Path:
    """A band along *line* with square ends (the hidden-behind part of a ring arrow)."""
    lefts, rights = [], []
    for i, q in enumerate(line):
        d = unit2(sub2(line[min(i + 1, len(line) - 1)], line[max(i - 1, 0)]))
        m = mul2(perp(d), width / 2)
        lefts.append((q[0] + m[0], q[1] + m[1]))
        rights.append((q[0] - m[0], q[1] - m[1]))
    return polygon(lefts + list(reversed(rights)))
