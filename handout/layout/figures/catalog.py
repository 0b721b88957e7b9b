"""Names and alt text of the built-in figures (no drawing code: cheap to import)."""

from __future__ import annotations

#: figure id -> alt text: what the picture shows, in words, for a screen reader or an HTML version
ALT: dict[str, str] = {
    "ball-seated": "Sitting on a hard chair with a ball under one buttock, feet flat on the floor.",
    "ball-lying": "Lying on the back, knees bent, a ball under one buttock; the knee on that side drops out to the side, as the arrow shows.",
    "side-stretch": "Lying on the back. The right foot is crossed over the outside of the left knee; the left hand pulls the right knee down toward the floor, as the arrow shows; the right hand rests on the front of the right hip.",
    "belly-dancer": "Standing with hands on hips. An arrow circles the hips.",
    "knee-to-chest": "Lying on the back, both hands hugging one knee to the chest; the other leg rests straight on the floor.",
    "pelvic-tilt": "Lying on the back, knees bent, feet flat. An arrow shows the low back pressing down flat to the floor.",
    "bridge": "Lying on the back, knees bent, feet flat, hips lifted off the floor, as the arrow shows.",
    "calf-stretch-wall": "Standing facing a wall, hands on the wall. The front knee is bent; the back leg is straight with the heel pressed down, as the arrow shows.",
    "plantar-fascia-stretch": "Sitting with one ankle resting across the other knee; one hand pulls the toes back toward the shin, as the arrow shows.",
    "foot-roll": "Sitting on a chair, rolling the arch of one foot back and forth over a frozen water bottle, as the arrow shows.",
}
