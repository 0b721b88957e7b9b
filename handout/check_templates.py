"""``handout check --templates DIR``: render a clinic's templates before anything is printed.

Each template is compiled, then the guide and the card are rendered with every
built-in topic, a sample brand, a client and a note, and their layout markup is
read the way a build reads it. A misspelt variable, an unknown element or style,
or an unclosed tag is reported with the template's own file and line: while
checking, the renderer puts a ``<?at NAME LINE?>`` mark before every element a
template writes (:class:`LineMarks`), and the markup reader keeps the last mark
it saw for each element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from handout.check import Report
from handout.dose import DEFAULT_LOG_DAYS
from handout.errors import HandoutError, Problem, TemplateError
from handout.model import Brand, Topic

MARK = "at"
SAMPLE_BRAND = Brand(
    name="Sample Clinic",
    tagline="Massage therapy",
    practitioner="Alex Morgan, RMT",
    phone="+1 555 010 0199",
    email="hello@sample-clinic.example",
    website="https://sample-clinic.example",
    address="12 River Street, Springfield",
)
SAMPLE_CLIENT = "Sam Lee"
SAMPLE_NOTE = "Twice a day this week."


class LineMarks(Extension):
    """Before each element in a template's text, a mark naming the template and line."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        name = stream.name or ""
        for token in stream:
            if token.type != "data":
                yield token
                continue
            pieces = token.value.split("\n")
            for i, piece in enumerate(pieces):
                body = piece.lstrip()
                if body.startswith("<") and not body.startswith(("<?", "<!")):
                    pieces[i] = f"{piece[: len(piece) - len(body)]}<?{MARK} {name} {token.lineno + i}?>{body}"
            yield Token(token.lineno, "data", "\n".join(pieces))


EXTENSIONS = (f"{__name__}.LineMarks",)


def check_templates(folder: Path) -> Report:
    """Every problem in the templates of *folder*, each at its template file and line."""
    from handout.load.content import list_topics, load_topic, topic_dirs
    from handout.merge.templates import TEMPLATE_SUFFIX, template_dirs

    report = Report(files=len(list(folder.glob(f"*{TEMPLATE_SUFFIX}"))) if folder.is_dir() else 0)
    try:
        dirs = template_dirs(folder)
    except HandoutError as exc:
        report.errors += exc.problems
        return report
    report.errors += _syntax(folder, dirs)
    if report.errors:
        return report
    seen: set[str] = set()

    def add(problems: list[Problem]) -> None:
        for problem in problems:
            if str(problem) not in seen:
                seen.add(str(problem))
                report.errors.append(problem)

    topics = [load_topic(path) for path in list_topics(topic_dirs(None)).values()]
    for topic in topics:
        for kind, routine in [("guide", None), *(("card", r) for r in topic.routines)]:
            add(_render(kind, dirs, topic, routine, report))
    if any((d / f"program{TEMPLATE_SUFFIX}").is_file() for d in dirs):
        add(_render_program(dirs, topics, report))
    return report


def _render_program(dirs: tuple[Path, ...], topics: list[Topic], report: Report) -> list[Problem]:
    """The programme template, with the first routine of each built-in topic."""
    from handout.load.content import topic_dirs
    from handout.model import Pick, ProgramSpec
    from handout.program import assemble

    spec = ProgramSpec("Sample programme", tuple(Pick(f"{t.id}/{next(iter(t.routines))}") for t in topics[:3]), note=SAMPLE_NOTE)
    try:
        program = assemble(spec, topic_dirs(None))
    except HandoutError as exc:
        return exc.problems
    return _render("program", dirs, program.topics[0], None, report, program=program)


def _syntax(folder: Path, dirs: tuple[Path, ...]) -> list[Problem]:
    import jinja2

    from handout.load.files import read_text
    from handout.merge.templates import TEMPLATE_SUFFIX, environment

    env = environment(dirs)
    problems: list[Problem] = []
    for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
        try:
            env.parse(read_text(path, limit=1024 * 1024, what="template", error=TemplateError), name=path.name, filename=str(path))
        except jinja2.TemplateSyntaxError as exc:
            opened = _unclosed_block(env, exc.source or "") if "end of template" in (exc.message or "") else None
            if opened is not None:
                tag, line = opened
                problems.append(Problem(f"{path}:{line}", f"template syntax error: {{% {tag} %}} is never closed",
                                        f"add {{% end{tag} %}} where it ends"))
            else:
                problems.append(Problem(f"{path}:{exc.lineno}", f"template syntax error: {exc.message}", "check the {% %} and {{ }} tags on that line"))
        except HandoutError as exc:
            problems += exc.problems
    return problems


_BLOCK_TAGS = {"if", "for", "macro", "call", "filter", "block", "with", "set", "autoescape", "trans"}


def _unclosed_block(env: Any, source: str) -> tuple[str, int] | None:
    """The innermost block tag left open at the end of a template, and its line."""
    import jinja2

    stack: list[tuple[str, int]] = []
    try:
        tokens = list(env.lex(source))
    except jinja2.TemplateSyntaxError:
        return None
    for i, (line, kind, value) in enumerate(tokens):
        if kind != "name" or i == 0 or tokens[i - 1][1] not in ("block_begin", "whitespace"):
            continue
        if tokens[i - 1][1] == "whitespace" and (i < 2 or tokens[i - 2][1] != "block_begin"):
            continue
        if value in _BLOCK_TAGS:
            rest = [t for t in tokens[i + 1 :] if t[1] != "whitespace"]
            end = next((n for n, t in enumerate(rest) if t[1] == "block_end"), len(rest))
            if value == "set" and any(t[1] == "operator" and t[2] == "=" for t in rest[:end]):
                continue  # {% set x = … %} needs no end
            stack.append((value, line))
        elif value.startswith("end") and stack and stack[-1][0] == value[3:]:
            stack.pop()
    return stack[-1] if stack else None


def _render(kind: str, dirs: tuple[Path, ...], topic: Topic, routine_id: str | None, report: Report,
            program: Any = None) -> list[Problem]:
    """Render one template as a build would (the same variables), then read its markup."""
    from handout.merge.templates import TEMPLATE_SUFFIX, render, template_path

    routine = topic.routines[routine_id] if routine_id else None
    try:
        markup = render(kind, dirs, extensions=EXTENSIONS, topic=topic, brand=SAMPLE_BRAND, routine=routine,
                        client=SAMPLE_CLIENT, note=SAMPLE_NOTE, program=program, log_days=DEFAULT_LOG_DAYS)
    except HandoutError as exc:
        return exc.problems
    template = template_path(dirs, kind + TEMPLATE_SUFFIX)
    located = Located(dirs, template)
    try:
        root = located.parse(markup)
        located.lay_out(root)
    except HandoutError as exc:
        return exc.problems
    if kind == "guide":
        report.warnings += [p for p in _missing_parts(root, topic, template) if p not in report.warnings]
    return []


class Located:
    """Reads layout markup as a build does, remembering which template line wrote each element."""

    def __init__(self, dirs: tuple[Path, ...], template: str) -> None:
        self.dirs = dirs
        self.template = template
        self.places: dict[int, str] = {}

    def where(self, name: str, line: int) -> str:
        from handout.merge.templates import template_path

        return f"{template_path(self.dirs, name)}:{line}"

    def parse(self, markup: str) -> ET.Element:
        from xml.parsers import expat

        parser = expat.ParserCreate()
        builder = ET.TreeBuilder()
        last = [self.template]
        stack: list[tuple[str, str]] = []

        def pi(target: str, data: str) -> None:
            if target == MARK:
                name, _, line = data.rpartition(" ")
                last[0] = self.where(name, int(line))

        def start(tag: str, attrs: dict[str, str]) -> None:
            el = builder.start(tag, attrs)
            self.places[id(el)] = last[0]
            stack.append((tag, last[0]))

        def end(tag: str) -> None:
            builder.end(tag)
            stack.pop()

        parser.ProcessingInstructionHandler = pi
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = builder.data
        try:
            parser.Parse(markup, True)
        except expat.ExpatError as exc:
            reason = expat.ErrorString(exc.code)
            if reason == "mismatched tag" and stack:
                tag, opened = stack[-1]
                raise TemplateError(f"<{tag}> is not closed (the next closing tag, at {last[0]}, does not match it)",
                                    where=opened, hint=f"add </{tag}> where the element ends") from None
            if "no element found" in reason and stack:
                tag, opened = stack[-1]
                raise TemplateError(f"<{tag}> is never closed", where=opened, hint=f"add </{tag}> where the element ends") from None
            raise TemplateError(f"the template writes markup that cannot be read ({reason})", where=last[0],
                                hint="check the tags on that line; print text with {{ }} so it is escaped") from None
        root: ET.Element = builder.close()
        if root.tag != "document":
            raise TemplateError(f"the output starts with <{root.tag}>", where=self.places.get(id(root), self.template),
                                hint="wrap the template in <document> … </document>")
        return root

    def lay_out(self, root: ET.Element) -> None:
        """Turn the markup into flowables, as a build does; a mistake names its template line."""
        from handout.layout.fit import guide_kind
        from handout.layout.fonts import HELVETICA
        from handout.layout.markup import Builder
        from handout.layout.styles import theme

        places = self.places

        class _Builder(Builder):
            def fail(self, el: ET.Element, message: str, hint: str = "") -> NoReturn:
                raise TemplateError(message, where=places.get(id(el), self.template), hint=hint)

        th = theme(HELVETICA, SAMPLE_BRAND.primary, SAMPLE_BRAND.accent)
        _Builder(th, guide_kind("letter").content_w, self.template).story(root)


def _missing_parts(root: ET.Element, topic: Topic, template: str) -> list[Problem]:
    """The parts every guide must print: red flags, disclaimer, review date, sources."""
    from markupsafe import Markup

    from handout.merge.templates import _longdate

    text = " ".join("".join(root.itertext()).split())

    def shown(value: Any) -> bool:
        return " ".join(Markup(str(value)).striptags().split()) in text

    missing = []
    if any("alert" in s.classes for s in topic.sections) and not any(b.get("style") == "alert" for b in root.iter("box")):
        missing.append("the warning signs in a red-flag box (<box style=\"alert\">)")
    if not shown(topic.disclaimer):
        missing.append("the disclaimer (topic.disclaimer)")
    if _longdate(topic.reviewed) not in text and topic.reviewed.isoformat() not in text:
        missing.append("the review date (topic.reviewed)")
    if not any(shown(s.title) or s.url in text for s in topic.sources):
        missing.append("the sources (topic.sources)")
    return [Problem(template, f"the guide does not print {part}", "every guide needs it; see the built-in guide.xml.j2") for part in missing]
