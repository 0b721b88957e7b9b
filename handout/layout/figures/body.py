"""A posable human body in centimetres.

The pelvis is placed and turned in the world; the spine bends by joint angles
in three equal steps; the head nods, tilts and turns on the neck; arms and
legs reach for a wrist or ankle point with the elbow or knee bending toward a
given direction (a two-joint solve). The result is a list of 3-D primitives:
tapered capsules for limbs, ellipsoid slices for the torso, an ellipsoid
head with a nose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handout.layout.figures.geometry import (
    Vec,
    add,
    combo,
    cross,
    dot,
    horizontal,
    mul,
    norm,
    rotate,
    sub,
    two_bone,
    unit,
)

THIGH, SHIN, ANKLE_H = 44.0, 42.0, 7.0
UPPER_ARM, FOREARM, HAND = 29.0, 25.0, 9.0
HIP_W, SHOULDER_W = 9.0, 17.0
R_HIP, R_KNEE, R_CALF, R_ANKLE = 8.2, 5.4, 5.6, 3.4
R_SHOULDER, R_ELBOW, R_WRIST, R_HAND = 5.0, 3.9, 3.0, 2.6
SIDES = ("left", "right")


@dataclass
class Capsule:
    a: Vec
    ra: float
    b: Vec
    rb: float


@dataclass
class Blob:
    """An ellipsoid: centre and three semi-axis vectors."""

    c: Vec
    axes: tuple[Vec, Vec, Vec]


@dataclass
class Frame:
    """A body frame: origin and the unit vectors to the body's left, front and head."""

    o: Vec
    left: Vec
    front: Vec
    up: Vec

    def at(self, x: float, y: float, z: float) -> Vec:
        """The point *x* to the left, *y* to the front, *z* up from the origin."""
        return combo(self.o, (self.left, x), (self.front, y), (self.up, z))

    def turned(self, flex: float = 0.0, side: float = 0.0, twist: float = 0.0) -> Frame:
        """Bent forward by *flex*, toward the left by *side*, turned to the left by *twist* (degrees)."""
        left, front, up = self.left, self.front, self.up
        if flex:
            front, up = rotate(front, left, flex), rotate(up, left, flex)
        if side:
            left, up = rotate(left, front, -side), rotate(up, front, -side)
        if twist:
            left, front = rotate(left, up, twist), rotate(front, up, twist)
        return Frame(self.o, left, front, up)


@dataclass
class Limb:
    """Three segments (thigh, shin, foot or upper arm, forearm, hand) on one side."""

    side: str
    kind: str
    root: Vec
    joint: Vec
    end: Vec
    tip_a: Vec  # foot: heel; hand: wrist
    tip_b: Vec  # foot: toes; hand: fingertips

    def capsules(self) -> list[Capsule]:
        if self.kind == "leg":
            calf = add(self.joint, mul(sub(self.end, self.joint), 0.3))
            return [
                Capsule(self.root, R_HIP, self.joint, R_KNEE),
                Capsule(self.joint, R_KNEE, calf, R_CALF),
                Capsule(calf, R_CALF, self.end, R_ANKLE),
                Capsule(self.tip_a, 3.3, self.tip_b, 2.2),
                Capsule(self.end, R_ANKLE, self.tip_a, 3.3),
            ]
        return [
            Capsule(self.root, R_SHOULDER, self.joint, R_ELBOW),
            Capsule(self.joint, R_ELBOW, self.end, R_WRIST),
            Capsule(self.tip_a, R_WRIST, self.tip_b, R_HAND),
        ]


@dataclass
class Body:
    """A body posed step by step: ``Body(pelvis, up, front)``, then spine, head, legs, arms."""

    pelvis: Vec
    up: Vec
    front: Vec
    limbs: dict[str, Limb] = field(default_factory=dict)

    def __post_init__(self) -> None:
        up = unit(self.up)
        front = unit(sub(self.front, mul(up, dot(self.front, up))))
        self.hips = Frame(self.pelvis, cross(up, front), front, up)
        self.spine()
        self.head()

    # -- trunk --------------------------------------------------------------
    def spine(self, flex: float = 0.0, side: float = 0.0, twist: float = 0.0) -> Body:
        """Bend the spine (degrees, spread over three segments) and place the shoulders."""
        f = self.hips
        frames = [f]
        o = f.at(0, 0, 4)
        for length in (15.0, 15.0, 16.0):
            f = f.turned(flex / 3, side / 3, twist / 3)
            o = combo(o, (f.up, length))
            frames.append(Frame(o, f.left, f.front, f.up))
        self.trunk = frames
        self.chest = frames[-1]  # at the base of the neck
        self.head()
        return self

    def slices(self) -> list[Blob]:
        """Ellipsoid slices from the buttocks to the shoulders."""
        h, w, c, s = self.trunk
        return [
            _blob(h.at(0, -2.5, 0.5), h, 16.5, 11.5, 11.0),
            _blob(h.at(0, 0.5, 19), w, 13.5, 9.5, 5.0),
            _blob(c.at(0, 1.5, -2), c, 15.0, 10.5, 6.0),
            _blob(s.at(0, -0.5, -6), s, 18.0, 9.5, 6.5),
        ]

    def shoulder(self, side: str) -> Vec:
        return self.chest.at(SHOULDER_W if side == "left" else -SHOULDER_W, -1.5, -7)

    def hip(self, side: str) -> Vec:
        return self.hips.at(HIP_W if side == "left" else -HIP_W, 0, 0)

    def head(self, flex: float = 0.0, side: float = 0.0, twist: float = 0.0) -> Body:
        """Nod the head forward by *flex*, tilt it, turn it to the left by *twist* (degrees)."""
        base = getattr(self, "chest", None)
        if base is None:
            return self
        f = base.turned(flex, side, twist)
        self.neck_top = f.at(0, 0.5, 8)
        self.skull = Frame(f.at(0, 1.5, 18.5), f.left, f.front, f.up)
        return self

    # -- limbs --------------------------------------------------------------
    def leg(self, side: str, ankle: Vec, knee: Vec, *, toes: Vec | None = None, sole: Vec = (0.0, 0.0, -1.0)) -> Body:
        """Reach the ankle point; the knee bends toward direction *knee*; the foot points
        toward *toes* (default: the way the knee points, flat) with the sole facing *sole*."""
        hip = self.hip(side)
        joint, end = two_bone(hip, ankle, THIGH, SHIN, knee)
        if toes is None:
            toes = horizontal(knee)
            if norm(toes) < 0.3:
                toes = horizontal(sub(end, hip))
        sole = unit(sole)
        fwd = unit(sub(toes, mul(sole, dot(toes, sole))))
        heel = combo(end, (fwd, -3.0), (sole, 4.5))
        toe = combo(end, (fwd, 16.0), (sole, 5.2))
        self.limbs[f"{side} leg"] = Limb(side, "leg", hip, joint, end, heel, toe)
        return self

    def arm(self, side: str, wrist: Vec, elbow: Vec, *, hand: Vec | None = None) -> Body:
        """Reach the wrist point; the elbow bends toward direction *elbow*; the hand
        points along *hand* (default: straight on from the forearm)."""
        sh = self.shoulder(side)
        joint, end = two_bone(sh, wrist, UPPER_ARM, FOREARM, elbow)
        d = unit(hand) if hand is not None else unit(sub(end, joint))
        tip = combo(end, (d, HAND))
        self.limbs[f"{side} arm"] = Limb(side, "arm", sh, joint, end, end, tip)
        return self

    def knee(self, side: str) -> Vec:
        return self.limbs[f"{side} leg"].joint

    def ankle(self, side: str) -> Vec:
        return self.limbs[f"{side} leg"].end

    def toes(self, side: str) -> Vec:
        return self.limbs[f"{side} leg"].tip_b

    def head_blobs(self) -> list[Blob]:
        """Skull and jaw: an egg leaning back, so the face shows which way the head looks."""
        s = self.skull
        return [_blob(s.at(0, -0.8, 1.0), s, 7.6, 9.8, 11.0), _blob(s.at(0, 4.2, -5.2), s, 5.6, 6.0, 5.2)]

    def nose(self) -> Capsule:
        s = self.skull
        return Capsule(s.at(0, 7.6, -1.5), 2.0, s.at(0, 10.6, -3.6), 1.1)

    def neck(self) -> Capsule:
        return Capsule(self.chest.at(0, -1, -3), 6.2, self.neck_top, 5.4)


def _blob(c: Vec, f: Frame, lateral: float, depth: float, height: float) -> Blob:
    return Blob(c, (mul(f.left, lateral), mul(f.front, depth), mul(f.up, height)))
