"""The ``picture:`` of a routine or of one step, as written in a topic file.

A picture is a built-in figure, named by its id (``picture: ball-seated``), or a
clinic's own PNG, JPEG or SVG file with its alt text::

    picture:
      file: pictures/seated.jpg       # relative to the topic file
      alt: Sitting on a hard chair with a ball under the right buttock.

A step is text, or a group with ``text:`` and its own ``picture:``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from handout.errors import Problem
from handout.layout.figures import BUILTIN_FIGURES
from handout.load.schema import INVALID, Ctx, PathT, Record, Spec, Text, did_you_mean
from handout.model import Picture, Topic

SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
_FILE_HINT = "write it as two lines under picture: 'file: pictures/NAME.png' and 'alt: what the picture shows'"
_ALT = Text(max_len=250, hint="say in a sentence what the picture shows, for readers who cannot see it")


class PictureSpec(Spec):
    """A built-in figure id, or a group with ``file`` (or ``figure``) and ``alt``."""

    required: bool = False
    hint: str = ""

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        if isinstance(value, str):
            return self._figure(value.strip(), None, path, ctx)
        if not isinstance(value, dict):
            return ctx.add(path, "must be a built-in picture's name, or 'file:' and 'alt:' lines", _FILE_HINT)
        fields = Record({"figure": Text(max_len=60, required=False), "file": Text(max_len=300, required=False), "alt": Text(max_len=250, required=False)})
        data = fields.check(value, path, ctx)
        if data is INVALID:
            return INVALID
        if ("figure" in data) == ("file" in data):
            return ctx.add(path, "needs either 'figure:' (a built-in picture) or 'file:' (your own), not both", _FILE_HINT)
        alt = data.get("alt")
        if "figure" in data:
            return self._figure(data["figure"], alt, (*path, "figure"), ctx)
        if alt is None:
            return ctx.add((*path, "alt"), "is missing: a picture file needs alt text", _ALT.hint)
        return self._file(data["file"], alt, (*path, "file"), ctx)

    def _figure(self, name: str, alt: str | None, path: PathT, ctx: Ctx) -> Any:
        if name in BUILTIN_FIGURES:
            return Picture(alt=alt or BUILTIN_FIGURES[name].alt, figure=name)
        if PurePosixPath(name).suffix.lower() in SUFFIXES or "/" in name:
            return ctx.add(path, f"'{name}' looks like a file: a picture file needs alt text", _FILE_HINT)
        hint = did_you_mean(name, BUILTIN_FIGURES) or f"the built-in pictures are: {', '.join(BUILTIN_FIGURES)}"
        return ctx.add(path, f"there is no built-in picture '{name}'", hint)

    def _file(self, src: str, alt: str, path: PathT, ctx: Ctx) -> Any:
        rel = PurePosixPath(src.replace("\\", "/"))
        if rel.is_absolute() or (rel.parts and ":" in rel.parts[0]):
            return ctx.add(path, f"'{src}' is not a path relative to the topic file", "put the picture next to the topic, e.g. pictures/seated.png")
        if rel.suffix.lower() not in SUFFIXES:
            return ctx.add(path, f"'{src}' is not a PNG, JPEG or SVG file", "save the picture as PNG or JPEG (or SVG)")
        full = Path(ctx.file).parent / Path(*rel.parts)
        return Picture(alt=alt, src=src, file=full, where=ctx.where(path))


def missing_files(topic: Topic) -> list[Problem]:
    """Picture files the topic names that are not there (checked on every load, never cached)."""
    from handout.load.files import problem_with

    problems = []
    for routine in topic.routines.values():
        for pic in routine.pictures:
            why = problem_with(pic.file) if pic.file is not None else None
            if why is not None:
                problems.append(Problem(pic.where, f"'{pic.src}' {why} (looked for {pic.file})", "check the file name and that it sits next to the topic file"))
    return problems


class Step(Spec):
    """A step: text, or a group with ``text:`` and ``picture:``. Gives (text, picture or None)."""

    required: bool = True
    hint: str = ""

    def check(self, value: Any, path: PathT, ctx: Ctx) -> Any:
        text = Text(max_len=300, inline=True)
        if not isinstance(value, dict):
            result = text.check(value, path, ctx)
            return INVALID if result is INVALID else (result, None)
        data = Record({"text": text, "picture": PictureSpec(required=True)}).check(value, path, ctx)
        return INVALID if data is INVALID else (data["text"], data["picture"])
