"""The pipeline, end to end: load and validate → merge with templates → lay out → write.

``render(request)`` returns PDF bytes; ``make(request, path)`` also writes them
safely. Everything that can be reused between documents (the parsed topic, the
brand, compiled templates, fonts, the decoded logo) is cached per process, so a
batch pays for it once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from handout import kinds
from handout.dose import DEFAULT_LOG_DAYS, Setting
from handout.dose import apply as apply_dose
from handout.errors import ContentError, InputError, Problem, ValidationFailed
from handout.load.brand import load_brand
from handout.load.content import find_topic, load_topic, topic_dirs
from handout.load.schema import describe_bad_char, did_you_mean, find_bad_char
from handout.merge.templates import TEMPLATE_SUFFIX, template_dirs, template_path
from handout.merge.templates import render as render_template
from handout.model import Inputs, ProgramSpec

Kind = Literal["guide", "card", "program"]
MAX_CLIENT = 60
MAX_NOTE = 300


@dataclass(frozen=True)
class Request:
    """Everything that decides one document."""

    kind: Kind
    topic: str
    routine: str | None = None
    brand_file: Path | None = None
    paper: str | None = None
    card_size: str | None = None
    client: str | None = None
    note: str | None = None
    templates: Path | None = None
    content: Path | None = None
    dose: tuple[Setting, ...] = ()  # the client's own dose, from --dose or batch columns
    program: ProgramSpec | None = None  # the routines of a programme (kind "program")
    program_file: str = ""  # where the programme came from (read from there when program is None)
    log_days: int = DEFAULT_LOG_DAYS  # days of the tick-log; 0: no log
    large_print: bool = False  # 18 pt body text, one column, 1 in margins (--large-print)

    def default_output(self) -> Path:
        from handout.write.names import slug

        client = slug(self.client) if self.client else ""
        return Path(kinds.kind(self.kind).output_name(self.topic, self.routine or "", client))


def load_inputs(req: Request) -> Inputs:
    problems: list[Problem] = []
    client = _person_text(req.client, "--client", MAX_CLIENT, problems)
    note = _person_text(req.note, "--note", MAX_NOTE, problems)
    if problems:
        raise ValidationFailed(problems)
    if req.content is not None and not req.content.is_dir():
        raise ContentError("is not a folder", where=str(req.content), hint="give --content the folder that holds your topic .md files")
    kind = kinds.kind(req.kind)
    if kind.source == "program":
        return _program_inputs(req, client, note)
    topic = load_topic(find_topic(req.topic, topic_dirs(req.content)))
    brand = load_brand(req.brand_file)
    if req.paper:
        brand = replace(brand, paper=req.paper)
    routine = None
    if kind.needs_routine:
        if req.routine not in topic.routines:
            hint = did_you_mean(req.routine or "", topic.routines) or f"this topic's routines: {', '.join(topic.routines)}"
            raise ContentError(f"topic '{topic.id}' has no routine '{req.routine}'", where=str(topic.path), hint=hint)
    topic = apply_dose(topic, req.dose, default=req.routine if kind.needs_routine else None)
    if kind.needs_routine:
        routine = topic.routines[req.routine or ""]
    return Inputs(topic, brand, routine, client, note)


def _program_inputs(req: Request, client: str, note: str) -> Inputs:
    from handout.program import assemble

    dirs = topic_dirs(req.content)
    spec = req.program
    if spec is None:  # a saved programme named by a batch row: read it here
        from handout.load.program import load_program

        spec = load_program(Path(req.program_file), dirs)
    program = assemble(spec, dirs, req.dose, where=req.program_file)
    brand = load_brand(req.brand_file)
    if req.paper:
        brand = replace(brand, paper=req.paper)
    return Inputs(program.topics[0], brand, None, client, note or program.note, program=program)


def _person_text(value: str | None, option: str, limit: int, problems: list[Problem]) -> str:
    if value is None:
        return ""
    text, wrong, hint = person_text(value, limit, "type the text again (if it has accents, check that your terminal uses UTF-8)")
    if wrong:
        problems.append(Problem(option, wrong, hint))
    return text


def person_text(value: str, limit: int, retype: str) -> tuple[str, str, str]:
    """A client's name or note with its spaces tidied, and what is wrong with it and what to do ("" if nothing)."""
    text = " ".join(value.split())
    bad = find_bad_char(value)
    if bad:
        return text, f"contains {describe_bad_char(bad)}", retype
    if len(text) > limit:
        return text, f"is {len(text)} characters long, more than the {limit} allowed", "shorten it"
    return text, "", ""


def merge(req: Request, inputs: Inputs) -> tuple[str, str]:
    """Run the template; return the layout markup and the template's name."""
    dirs = template_dirs(req.templates)
    name = kinds.kind(req.kind).template
    markup = render_template(
        name,
        dirs,
        topic=inputs.topic,
        brand=inputs.brand,
        routine=inputs.routine,
        client=inputs.client or None,
        note=inputs.note or None,
        program=inputs.program,
        log_days=req.log_days,
    )
    return markup, template_path(dirs, name + TEMPLATE_SUFFIX)


def render(req: Request) -> bytes:
    """Build the PDF for *req* and return its bytes (nothing is written)."""
    _check_source_date_epoch()
    inputs = load_inputs(req)
    markup, template = merge(req, inputs)
    from handout.layout import render as layout

    return layout.lay_out(req.kind, markup, template, inputs, card_size=req.card_size, large_print=req.large_print)


def make(req: Request, output: Path | None = None, force: bool = False) -> Path:
    """Render *req* and write it to *output* (default: the request's default name)."""
    from handout.write.output import check_target, write_atomic

    path = output or req.default_output()
    check_target(path, force)
    data = render(req)
    write_atomic(path, data)
    return path


def _check_source_date_epoch() -> None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value and not value.isdigit():
        raise InputError(f"'{value}' is not a whole number of seconds", where="SOURCE_DATE_EPOCH", hint="set it to a Unix time such as 1764115200, or unset it")
