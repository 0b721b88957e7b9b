"""Load and validate a topic file (Markdown with a YAML front matter)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from handout.errors import ContentError, HandoutWarning, Problem, ValidationFailed
from handout.load.markdown import RawBlock, parse_body
from handout.load.pictures import PictureSpec, Step, missing_files
from handout.load.schema import (
    INVALID,
    SLUG_RE,
    Ctx,
    Date,
    ListOf,
    MapOf,
    Record,
    Seconds,
    Text,
    TextOrNumber,
    Url,
    describe_bad_char,
    did_you_mean,
    find_bad_char,
)
from handout.model import Block, Dose, Routine, Section, Source, Topic

MAX_FILE_BYTES = 512 * 1024

ROUTINE = Record(
    {
        "title": Text(max_len=60, inline=True),
        "purpose": Text(max_len=300, inline=True),
        "equipment": Text(max_len=200, inline=True, required=False),
        "steps": ListOf(Step(), min_items=1, max_items=12),
        "dose": Record(
            {
                "hold_seconds": Seconds(),
                "repeats": TextOrNumber(),
                "sides": Text(max_len=40, required=False),
                "how_often": Text(max_len=60, inline=True, hint="say how often, e.g. 'twice a day'"),
            }
        ),
        "stop_if": Text(max_len=300, inline=True, hint="say when to stop, e.g. 'Stop if the pain turns sharp.'"),
        "caution": Text(max_len=300, inline=True, required=False),
        "picture": PictureSpec(),
        "video": Url(schemes=("https",), required=False),
    }
)

FRONT_MATTER = Record(
    {
        "title": Text(max_len=80, inline=True),
        "subtitle": Text(max_len=120, inline=True, required=False),
        "summary": Text(max_len=300, inline=True, hint="add the one main message, in a sentence or two"),
        "reviewed": Date(),
        "language": Text(max_len=12, required=False),
        "disclaimer": Text(max_len=200, inline=True),
        "sources": ListOf(Record({"title": Text(max_len=150, inline=True), "url": Url(schemes=("https", "http"))}), max_items=20),
        "routines": MapOf(ROUTINE, max_items=30),
    }
)


def topic_dirs(user_dir: Path | None) -> list[Path]:
    from handout.resources import builtin_dir

    dirs = [user_dir] if user_dir else []
    return [*dirs, builtin_dir("content")]


def list_topics(dirs: Sequence[Path]) -> dict[str, Path]:
    """Every topic id and the file it comes from; earlier folders win."""
    stamps = []
    for folder in dirs:
        try:
            stamps.append((folder, folder.stat().st_mtime_ns))
        except OSError:
            stamps.append((folder, 0))
    return dict(_list_topics(tuple(stamps)))


@lru_cache(maxsize=16)
def _list_topics(stamps: tuple[tuple[Path, int], ...]) -> tuple[tuple[str, Path], ...]:
    """Keyed by each folder's modification time, which changes when a file is added or removed."""
    from handout.errors import warn
    from handout.load.files import regular_files

    dirs = [folder for folder, _ in stamps]
    found: dict[str, Path] = {}
    for folder in dirs:
        paths, skipped = regular_files(folder, ".md")
        for path, why in skipped:
            warn(str(path), f"{why}; skipped", "topics must be ordinary .md files")
        for path in paths:
            if path.name.lower() == "readme.md":
                continue
            found.setdefault(path.stem, path)
    return tuple(found.items())


def find_topic(topic_id: str, dirs: Sequence[Path]) -> Path:
    topics = list_topics(dirs)
    if topic_id in topics:
        return topics[topic_id]
    hint = did_you_mean(topic_id, topics) or f"known topics: {', '.join(topics) or 'none'} (see 'handout list')"
    raise ContentError(f"there is no topic '{topic_id}'", hint=hint)


def load_topic(path: Path) -> Topic:
    """Read and validate *path*; raise :class:`ValidationFailed` listing every problem."""
    from handout.load.files import NOT_TEXT, is_text, problem_with, stamp

    found = stamp(path)
    why = problem_with(path) if is_text(path) else NOT_TEXT
    if found is None or why is not None:
        raise ContentError(why or "cannot be read", where=str(path), hint="give the path of a topic .md file")
    topic, problems, notes = _load_cached(path, *found)
    if topic is not None and not problems:
        problems = tuple(missing_files(topic))
    if problems:
        raise ValidationFailed(list(problems))
    for note in notes:
        warnings.warn(str(note), HandoutWarning, stacklevel=2)
    assert topic is not None
    return topic


def check_topic(path: Path) -> list[Problem]:
    from handout.load.files import NOT_TEXT, is_text, problem_with, stamp

    found = stamp(path)
    why = problem_with(path) if is_text(path) else NOT_TEXT
    if found is None or why is not None:
        return [Problem(str(path), why or "cannot be read", "give the path of a topic .md file")]
    topic, problems, _ = _load_cached(path, *found)
    return list(problems) if topic is None else missing_files(topic)


_CODE = ("load/content.py", "load/markdown.py", "load/schema.py", "load/strict_yaml.py", "load/pictures.py",
         "layout/figures/catalog.py", "model.py")


@lru_cache(maxsize=32)
def _load_cached(path: Path, mtime: int, size: int) -> tuple[Topic | None, tuple[Problem, ...], tuple[Problem, ...]]:
    """Parse once per process, and once per edit across processes (see handout.cache)."""
    from handout import cache

    key = cache.key_for(path, *_CODE)
    hit = cache.load("topic", key, tuple[Topic | None, tuple[Problem, ...], tuple[Problem, ...]])
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    try:
        result = _load_uncached(path, size)
    except ContentError as exc:  # not read at all: nothing worth keeping for next time
        return None, (exc.problem,), ()
    cache.store("topic", key, result)
    return result


def _load_uncached(path: Path, size: int) -> tuple[Topic | None, tuple[Problem, ...], tuple[Problem, ...]]:
    file = str(path)
    if size > MAX_FILE_BYTES:
        return None, (Problem(file, f"is {size // 1024} KB; a topic file may be at most {MAX_FILE_BYTES // 1024} KB", "split it into several topics"),), ()
    from handout.load.files import read_text

    text = read_text(path, limit=MAX_FILE_BYTES, what="topic file", error=ContentError)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = find_bad_char(text)
    if bad:
        line = text.count("\n", 0, text.index(bad)) + 1
        return None, (Problem(f"{file}:{line}", f"contains {describe_bad_char(bad)}", "delete it (it often comes from copying out of a PDF or a word processor)"),), ()
    notes: list[Problem] = []
    topic, problems = _parse(path, text, notes)
    return topic, tuple(problems), tuple(notes)


def _split_front_matter(text: str, file: str) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError("does not start with a '---' line", where=f"{file}:1", hint="put the title, summary and routines between two '---' lines at the top (see content/README.md)")
    for n, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:n]), "\n".join(lines[n + 1 :]), n + 2
    raise ContentError("the front matter is never closed", where=f"{file}:1", hint="add a line with just '---' after the last key")


def _parse(path: Path, text: str, notes: list[Problem]) -> tuple[Topic | None, list[Problem]]:
    file = str(path)
    problems: list[Problem] = []
    if not SLUG_RE.match(path.stem):
        problems.append(Problem(file, f"'{path.stem}' is not a valid topic id", "name the file with lowercase letters, digits and hyphens, e.g. low-back.md"))
    try:
        head, body, body_line = _split_front_matter(text, file)
    except ContentError as exc:
        return None, [*problems, exc.problem]
    from handout.load import strict_yaml  # here, not at the top: a cached topic needs no YAML

    try:
        located = strict_yaml.load(head, first_line=2)
    except strict_yaml.YamlProblem as exc:
        return None, [*problems, Problem(f"{file}:{exc.line}" if exc.line else file, exc.message)]
    if not isinstance(located.value, dict):
        return None, [*problems, Problem(f"{file}:2", "the front matter must be 'key: value' lines")]
    ctx = Ctx(file, located.line)
    data: Any = FRONT_MATTER.check(located.value, (), ctx)
    problems.extend(ctx.problems)

    intro_raw, sections_raw, body_problems = parse_body(body, body_line, file)
    problems.extend(body_problems)
    if not sections_raw:
        problems.append(Problem(f"{file}:{body_line}", "the body has no '## ' sections", "add at least one section, e.g. '## Common symptoms'"))
    if data is INVALID or problems:
        return None, problems

    routines = {rid: _routine(rid, r) for rid, r in data["routines"].items()}
    placed: dict[str, int] = {}

    def block(raw: RawBlock) -> Block:
        if raw.kind != "routine":
            return Block(raw.kind, raw.line, raw.text, tuple(raw.items))
        rid = raw.routine_id
        if rid not in routines:
            hint = did_you_mean(rid, routines) or f"the routines are: {', '.join(routines)}"
            problems.append(Problem(f"{file}:{raw.line}", f"there is no routine '{rid}' in the front matter", hint))
        elif rid in placed:
            problems.append(Problem(f"{file}:{raw.line}", f"routine '{rid}' is placed twice (first on line {placed[rid]})", "place each routine once"))
        placed.setdefault(rid, raw.line)
        return Block("routine", raw.line, routine=routines.get(rid))

    intro = tuple(block(b) for b in intro_raw)
    sections = tuple(
        Section(s.id, s.title, s.line, s.classes, tuple(block(b) for b in s.blocks)) for s in sections_raw
    )
    for rid in routines:
        if rid not in placed:
            notes.append(Problem(ctx.where(("routines", rid)), f"routine '{rid}' is not placed in the body, so the guide leaves it out", f"add a line [[routine: {rid}]] where it belongs (its card still works)"))
    if problems:
        return None, problems
    topic = Topic(
        id=path.stem,
        path=path,
        title=data["title"],
        subtitle=data.get("subtitle"),
        summary=data["summary"],
        reviewed=data["reviewed"],
        language=data.get("language") or "en",
        disclaimer=data["disclaimer"],
        sources=tuple(Source(s["title"], s["url"]) for s in data["sources"]),
        routines=routines,
        intro=intro,
        sections=sections,
    )
    return topic, []


def _routine(rid: str, r: dict[str, Any]) -> Routine:
    d = r["dose"]
    return Routine(
        id=rid,
        title=r["title"],
        purpose=r["purpose"],
        equipment=r.get("equipment"),
        steps=tuple(text for text, _ in r["steps"]),
        dose=Dose(how_often=d["how_often"], hold_seconds=d.get("hold_seconds"), repeats=d.get("repeats"), sides=d.get("sides")),
        stop_if=r["stop_if"],
        caution=r.get("caution"),
        picture=r.get("picture"),
        step_pictures=tuple(p for _, p in r["steps"]) if any(p for _, p in r["steps"]) else (),
        video=r.get("video"),
    )
