"""The built-in figures: one scene per routine.

World: centimetres, z up, floor at z = 0. A body lying on its back has its head
toward −x; a standing or seated body faces +x (side views) or −y (front views).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from handout.layout.figures.body import Body
from handout.layout.figures.geometry import Camera, Vec, combo, cross, dot, mul, norm, sub, unit
from handout.layout.figures.scene import Scene

UP: Vec = (0.0, 0.0, 1.0)
HEAD_WARD: Vec = (-1.0, 0.0, 0.0)


def _supine(pelvis: Vec = (0.0, 0.0, 13.0), front: Vec = UP) -> Body:
    return Body(pelvis, up=HEAD_WARD, front=front)


def _swing(a: Vec, b: Vec, p0: Vec, p1: Vec, *, grow: float = 1.2, start: float = 0.1, end: float = 0.95) -> list[Vec]:
    """Points on the circle a joint at *p0* follows round the axis *a*–*b* on its way to *p1*,
    at *grow* times its radius, from fraction *start* to *end* of the way."""
    axis = unit(sub(b, a))
    centre = combo(a, (axis, dot(sub(p0, a), axis)))
    u = sub(p0, centre)
    r = norm(u)
    u = unit(u)
    w = sub(p1, centre)
    w = unit(sub(w, mul(axis, dot(w, axis))))
    v = unit(sub(w, mul(u, dot(w, u))))
    angle = math.degrees(math.atan2(dot(w, v), dot(w, u)))
    return _arc(centre, mul(u, r * grow), mul(v, r * grow), angle * start, angle * end)


def _arc(centre: Vec, u: Vec, v: Vec, t0: float, t1: float, n: int = 12) -> list[Vec]:
    """Points on ``centre + u cos t + v sin t`` from *t0* to *t1* degrees."""
    return [combo(centre, (u, math.cos(math.radians(t))), (v, math.sin(math.radians(t))))
            for t in (t0 + (t1 - t0) * i / n for i in range(n + 1))]


# -- piriformis --------------------------------------------------------------

def ball_seated() -> Scene:
    s = Scene(Camera(azimuth=-18, elevation=8))
    s.chair(0.0, 0.0, back=True)
    b = Body((-2.0, 0.0, 59.5), up=(0.0, 0.1, 1.0), front=(1.0, 0.0, 0.0))
    b.spine(flex=6)
    for side, y in (("left", 11.0), ("right", -11.0)):
        b.leg(side, (44.0, y, 7.0), knee=(1.0, 0.0, 0.6))
        b.arm(side, (24.0, y * 1.3, 66.0), elbow=(0.0, y, -0.4), hand=(1.0, 0.0, -0.3))
    s.body(b)
    s.ball((-9.0, -12.0, 50.2), 4.2)
    s.floor(-40, 80)
    return s


def ball_lying() -> Scene:
    s = Scene(Camera(azimuth=10, elevation=40))
    s.mat(-118, 70, -44, 40)
    b = _supine((0.0, 0.0, 15.0), front=(0.0, 0.1, 1.0))
    b.head(flex=14)
    b.leg("left", (38.0, 11.0, 8.0), knee=UP)
    b.leg("right", (37.0, -12.0, 8.0), knee=UP)
    before = b.knee("right")
    s.ghost(b, "right leg")
    b.leg("right", (37.0, -12.0, 8.0), knee=(0.0, -1.0, 0.8), sole=(0.0, 0.4, -1.0))
    b.arm("left", (4.0, 22.0, 3.0), elbow=(0.0, 1.0, 0.0), hand=(1.0, 0.0, -0.1))
    b.arm("right", (-30.0, -48.0, 3.0), elbow=(0.0, -1.0, 0.0), hand=(0.3, -1.0, -0.1))
    s.body(b, far="left")
    s.ball((-6.0, -17.0, 4.4), 4.4)
    s.arrow(_swing(b.hip("right"), b.ankle("right"), before, b.knee("right"), grow=1.15, start=0.12, end=0.88))
    return s


def side_stretch() -> Scene:
    s = Scene(Camera(azimuth=170, elevation=60))
    s.mat(-118, 96, -40, 40)
    b = _supine()
    b.head(flex=14)
    b.leg("left", (86.0, 9.0, 6.0), knee=UP)
    foot = (36.0, 24.0, 8.0)
    b.leg("right", foot, knee=UP)
    before = b.knee("right")
    s.ghost(b, "right leg")
    b.leg("right", foot, knee=(0.0, 1.0, 0.55))
    knee = b.knee("right")
    b.arm("left", combo(knee, ((0.0, -1.0, 0.0), 6.5), (UP, 3.0)), elbow=(0.0, 1.0, -0.3), hand=(0.3, 0.6, -0.6))
    b.arm("right", (-5.0, -18.0, 20.0), elbow=(0.0, -1.0, 0.2), hand=(0.8, 0.4, -0.5))
    s.body(b, far=None, light=("right arm",), bias={"left arm": -30.0})
    s.arrow(_swing(b.hip("right"), foot, before, knee, grow=1.3, start=0.15, end=1.0))
    return s


def belly_dancer() -> Scene:
    s = Scene(Camera(azimuth=16, elevation=18))
    b = Body((4.0, 0.0, 93.0), up=(0.0, 0.0, 1.0), front=(0.0, -1.0, 0.0))
    b.spine(side=-8)
    for side, x in (("left", 13.0), ("right", -13.0)):
        b.leg(side, (x, 0.0, 7.0), knee=(0.0, -1.0, 0.0))
        sign = 1.0 if side == "left" else -1.0
        b.arm(side, b.hips.at(sign * 15.5, 3.0, 12.0), elbow=(sign, 0.6, 0.0), hand=(0.0, -0.7, -1.0))
    s.body(b, far=None, merge=("left leg", "right leg"))
    s.ring_arrow(b.hips.at(0, 0, 6), (32.0, 0.0, 0.0), (0.0, 26.0, 0.0), 60, 330)
    s.floor(-40, 45, 10)
    return s


# -- low back pain -----------------------------------------------------------

def knee_to_chest() -> Scene:
    s = Scene(Camera(azimuth=-14, elevation=16))
    s.mat(-110, 100, -32, 32)
    b = _supine()
    b.head(flex=14)
    b.leg("right", (12.0, -11.0, 36.0), knee=(-0.7, 0.0, 1.0))
    b.leg("left", (88.0, 10.0, 7.0), knee=UP)
    knee = b.knee("right")
    shin = unit(sub(b.ankle("right"), knee))
    for side, dy in (("right", -7.0), ("left", 5.0)):
        b.arm(side, combo(knee, (shin, 10.0), ((0.0, 1.0, 0.0), dy), (UP, 3.0)), elbow=(0.3, dy, -0.8), hand=(0.2, -dy, 0.4))
    s.body(b, split=("right leg",), bias={"right arm": -40.0})
    hip = b.hip("right")
    s.arrow(_swing(hip, combo(hip, ((0.0, 1.0, 0.0), 10.0)), combo(knee, (UP, 8.0)), combo(hip, ((-1.0, 0.0, 0.0), 20.0)),
                   grow=1.0, start=-0.35, end=0.1))
    return s


def pelvic_tilt() -> Scene:
    s = Scene(Camera(azimuth=-8, elevation=14))
    s.mat(-110, 72, -32, 32)
    b = _supine()
    b.head(flex=8)
    for side, y in (("left", 10.0), ("right", -10.0)):
        b.leg(side, (38.0, y, 8.0), knee=UP)
        b.arm(side, (-2.0, y * 2.3, 3.5), elbow=(0.0, y, 0.0))
    s.body(b)
    s.arrow([(-18.0, -30.0, 50.0), (-18.0, -30.0, 30.0)], width=4.4, head=10.0)
    return s


def bridge() -> Scene:
    s = Scene(Camera(azimuth=-8, elevation=14))
    s.mat(-110, 72, -32, 32)
    b = Body((0.0, 0.0, 31.0), up=(-0.9, 0.0, -0.43), front=(-0.43, 0.0, 0.9))
    b.head(flex=30)
    for side, y in (("left", 10.0), ("right", -10.0)):
        b.leg(side, (40.0, y, 8.0), knee=(0.5, 0.0, 1.0))
        b.arm(side, (-4.0, y * 2.4, 3.5), elbow=(0.0, y, 0.0))
    s.body(b)
    s.arrow([(-6.0, -30.0, 3.0), (-6.0, -30.0, 22.0)], width=4.4, head=10.0)
    return s


# -- heel pain -----------------------------------------------------------------

def calf_stretch_wall() -> Scene:
    s = Scene(Camera(azimuth=-10, elevation=6))
    s.wall(46.0, -45.0, 45.0, 185.0)
    b = Body((-12.0, 0.0, 89.0), up=(0.4, 0.0, 1.0), front=(1.0, 0.0, 0.0))
    b.head(flex=-20)
    b.leg("right", (-60.0, -10.0, 7.0), knee=(1.0, 0.0, 0.0), toes=(1.0, 0.0, 0.0))
    b.leg("left", (22.0, 10.0, 7.0), knee=(1.0, 0.0, 0.4))
    for side, y in (("left", 18.0), ("right", -18.0)):
        b.arm(side, (43.5, y, 134.0), elbow=(0.0, y, -1.0), hand=(0.0, 0.0, 1.0))
    s.body(b)
    s.floor(-90, 46)
    s.arrow([(-64.0, -12.0, 34.0), (-64.0, -12.0, 14.0)], width=4.0, head=9.0)
    return s


def plantar_fascia_stretch() -> Scene:
    s = Scene(Camera(azimuth=138, elevation=14))
    s.chair(0.0, 0.0, back=True)
    b = Body((-2.0, 0.0, 57.0), up=UP, front=(1.0, 0.0, 0.0))
    b.spine(flex=18)
    b.head(flex=24, twist=16)
    b.leg("left", (46.0, 12.0, 7.0), knee=(1.0, 0.0, 0.6))
    lk = b.knee("left")
    b.leg("right", combo(lk, ((-1.0, 0.0, 0.0), 6.0), (UP, 10.0), ((0.0, 1.0, 0.0), 2.0)), knee=(0.3, -1.0, 0.2),
          toes=(0.5, 0.0, 1.0), sole=(0.1, 1.0, -0.2))
    toes, ankle = b.toes("right"), b.ankle("right")
    b.arm("left", combo(toes, ((0.0, 1.0, 0.0), 5.0), (UP, -8.0)), elbow=(0.3, 1.0, -0.6), hand=(-0.1, -0.3, 1.0))
    b.arm("right", combo(ankle, (UP, 6.0), ((0.0, -1.0, 0.0), 6.0)), elbow=(0.0, -1.0, -0.5), hand=(0.3, 0.4, -0.7))
    s.body(b, far=None)
    shin = unit(sub(b.knee("right"), ankle))
    s.arrow(_swing(ankle, combo(ankle, (unit(cross(shin, sub(toes, ankle))), 10.0)), toes,
                   combo(ankle, (shin, 20.0)), grow=1.45, start=0.0, end=0.45))
    return s


def foot_roll() -> Scene:
    s = Scene(Camera(azimuth=-30, elevation=14))
    s.chair(0.0, 0.0, back=True)
    b = Body((-2.0, 0.0, 57.0), up=UP, front=(1.0, 0.0, 0.0))
    b.spine(flex=8)
    b.head(flex=18)
    b.leg("right", (40.0, -10.0, 15.0), knee=(1.0, 0.0, 0.6))
    b.leg("left", (44.0, 11.0, 7.0), knee=(1.0, 0.0, 0.6))
    for side, y in (("left", 12.0), ("right", -12.0)):
        b.arm(side, (26.0, y * 1.3, 66.0), elbow=(0.0, y, -0.4), hand=(1.0, 0.0, -0.3))
    s.body(b)
    s.bottle((47.0, -30.0, 4.2), (47.0, 0.0, 4.2), 4.2)
    s.arrow([(22.0, -36.0, 1.0), (74.0, -36.0, 1.0)], width=3.8, head=9.0, both=True)
    s.floor(-40, 90, 10)
    return s


SCENES: dict[str, Callable[[], Scene]] = {
    "ball-seated": ball_seated,
    "ball-lying": ball_lying,
    "side-stretch": side_stretch,
    "belly-dancer": belly_dancer,
    "knee-to-chest": knee_to_chest,
    "pelvic-tilt": pelvic_tilt,
    "bridge": bridge,
    "calf-stretch-wall": calf_stretch_wall,
    "plantar-fascia-stretch": plantar_fascia_stretch,
    "foot-roll": foot_roll,
}
