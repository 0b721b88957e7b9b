"""A saved programme (``hip-week-1.toml``): routines picked from any topics, with their doses.

A programme names no client: it is a recipe a therapist keeps and prints for
anyone. Routine references are ``TOPIC/ROUTINE``; a routine id that only one
topic has may be given alone. Every mistake is reported with its file and line,
all at once, like the other files handout reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from handout.errors import ContentError, InputError, Problem, ValidationFailed
from handout.load.content import list_topics, load_topic
from handout.load.schema import INVALID, Ctx, ListOf, Number, Record, Spec, Text, did_you_mean
from handout.load.tomlfile import read_toml, toml_line
from handout.model import Pick, ProgramSpec

#: how every saved programme starts, so that --save never writes over some other file
MAGIC = b"# A saved programme"
DOSE_KEYS = ("hold", "repeats", "sides", "how_often")
MAX_PICKS = 12
DEFAULT_LOG_DAYS = 14
MAX_LOG_DAYS = 60


class LogDays(Spec):
    """``log = 14`` (days), or ``log = "none"``."""

    required: bool = False

    def check(self, value: Any, path: tuple[str | int, ...], ctx: Ctx) -> Any:
        if isinstance(value, str) and value.strip().lower() == "none":
            return 0
        return Number(lo=1, hi=MAX_LOG_DAYS, hint=f"give the number of days, 1 to {MAX_LOG_DAYS}, or \"none\"").check(value, path, ctx)


class Ref(Spec):
    """A routine reference, resolved against the topics in ``dirs``."""

    dirs: Sequence[Path] = ()
    required: bool = True
    hint: str = "name the routine, e.g. ref = \"piriformis/side-stretch\""

    def check(self, value: Any, path: tuple[str | int, ...], ctx: Ctx) -> Any:
        text = Text(max_len=120, hint=self.hint).check(value, path, ctx)
        if text is INVALID:
            return INVALID
        try:
            return resolve(text, self.dirs)
        except ContentError as exc:
            return ctx.add(path, exc.problem.message, exc.problem.hint)


class DoseValue(Spec):
    """One dose value (``hold = "30s"``), checked as ``--dose`` checks it; kept as written."""

    key: str = ""
    required: bool = False

    def check(self, value: Any, path: tuple[str | int, ...], ctx: Ctx) -> Any:
        from handout.dose import check_value

        text = Text(max_len=60).check(value, path, ctx)
        if text is INVALID:
            return INVALID
        _, problem = check_value(self.key, text, ctx.where(path))
        if problem is not None:
            ctx.problems.append(problem)
            return INVALID
        return text


def schema(dirs: Sequence[Path]) -> Record:
    pick = Record({"ref": Ref(dirs=dirs), **{key: DoseValue(key=key) for key in DOSE_KEYS}})
    return Record(
        {
            "title": Text(max_len=80, hint="give the programme a title, e.g. title = \"Hip, week 1\""),
            "note": Text(max_len=300, required=False),
            "log": LogDays(),
            "routine": ListOf(pick, min_items=1, max_items=MAX_PICKS),
        }
    )


def load_program(path: Path, topic_dirs: Sequence[Path]) -> ProgramSpec:
    """Read and validate a saved programme; every routine it names must exist."""
    raw, text = read_toml(path, InputError, "saved programme")
    ctx = Ctx(str(path), lambda p: toml_line(text, p))
    data = schema(topic_dirs).check(raw, (), ctx)
    if data is INVALID:
        raise ValidationFailed(ctx.problems)
    picks = tuple(Pick(item["ref"], tuple((k, item[k]) for k in DOSE_KEYS if item.get(k))) for item in data["routine"])
    log = data.get("log")
    return ProgramSpec(
        title=data["title"],
        picks=picks,
        note=data.get("note", ""),
        log_days=DEFAULT_LOG_DAYS if log is None else log,
    )


def check_program(path: Path, topic_dirs: Sequence[Path]) -> list[Problem]:
    try:
        load_program(path, topic_dirs)
    except (ValidationFailed, InputError) as exc:
        return exc.problems
    return []


def resolve(ref: str, topic_dirs: Sequence[Path]) -> str:
    """``TOPIC/ROUTINE`` for *ref*; a bare routine id must belong to exactly one topic."""
    topics = list_topics(topic_dirs)
    ref = ref.strip()
    if "/" in ref:
        topic_id, _, routine_id = ref.partition("/")
        if topic_id not in topics:
            raise ContentError(f"there is no topic '{topic_id}'", hint=did_you_mean(topic_id, topics) or f"known topics: {', '.join(topics)}")
        routines = load_topic(topics[topic_id]).routines
        if routine_id not in routines:
            hint = did_you_mean(routine_id, routines) or f"its routines: {', '.join(routines)}"
            raise ContentError(f"topic '{topic_id}' has no routine '{routine_id}'", hint=hint)
        return f"{topic_id}/{routine_id}"
    every = {f"{t}/{r}": r for t, path in topics.items() for r in load_topic(path).routines}
    owners = [full for full, r in every.items() if r == ref]
    if len(owners) == 1:
        return owners[0]
    if owners:
        raise ContentError(f"'{ref}' is a routine of several topics ({', '.join(owners)})", hint="write it as TOPIC/ROUTINE")
    hint = did_you_mean(ref, [*every.values(), *every]) or "see 'handout list' for every topic and routine"
    raise ContentError(f"there is no routine '{ref}' in any topic", hint=hint)


def dump_program(spec: ProgramSpec) -> str:
    """The programme as a TOML file a person can read and edit."""

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string

    lines = [
        MAGIC.decode() + ". Print it for a client with:",
        "#   handout program THIS-FILE.toml --client \"Name\"",
        f"title = {q(spec.title)}",
    ]
    if spec.note:
        lines.append(f"note = {q(spec.note)}")
    lines.append(f"log = {spec.log_days}" if spec.log_days else 'log = "none"')
    for pick in spec.picks:
        lines += ["", "[[routine]]", f"ref = {q(pick.ref)}"]
        lines += [f"{key} = {q(value)}" for key, value in pick.dose]
    return "\n".join(lines) + "\n"
