"""Markdown body of a topic file → sections of blocks.

Only a small part of Markdown is accepted (paragraphs, ``##``/``###`` headings,
bullet and numbered lists, ``**bold**`` and ``*italic*``), parsed with
markdown-it-py's "zero" preset so raw HTML is never let through. Every text run
is escaped; the only tags that come out are ``<b>`` and ``<i>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from handout.errors import Problem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

ROUTINE_RE = re.compile(r"^\[\[\s*routine\s*:\s*([^\]\s]*)\s*\]\]$")
_ATTRS_RE = re.compile(r"\s*\{([^{}]*)\}\s*$")
SECTION_CLASSES = ("alert", "columns")
#: longer "words" (pasted links, a stuck key) cannot be laid out well and take ReportLab very long
MAX_WORD = 100
MAX_BLOCK = 3000
_LONG_WORD_RE = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("zero").enable(["heading", "list", "emphasis"])


def inline(text: str) -> Markup:
    """Escape *text*, turning ``**x**`` into ``<b>x</b>`` and ``*x*`` into ``<i>x</i>``."""
    text = " ".join(text.split())
    if "*" not in text and "_" not in text:
        return escape(text)
    tokens = _md().parseInline(text)
    return _render_inline(tokens[0].children or []) if tokens else escape(text)


_TAGS = {"strong_open": "<b>", "strong_close": "</b>", "em_open": "<i>", "em_close": "</i>"}


def _render_inline(children: list[Token]) -> Markup:
    out: list[str] = []
    for tok in children:
        if tok.type in _TAGS:
            out.append(_TAGS[tok.type])
        else:
            out.append(str(escape(tok.content)))
    return Markup(" ".join("".join(out).split()))


@dataclass
class RawBlock:
    kind: str
    line: int
    text: Markup | None = None
    items: list[Markup] = field(default_factory=list)
    routine_id: str = ""


@dataclass
class RawSection:
    id: str
    title: Markup
    line: int
    classes: tuple[str, ...]
    blocks: list[RawBlock] = field(default_factory=list)


def slugify(text: str) -> str:
    """An id from heading words; accented letters keep their base letter (``Síntomas`` → ``sintomas``)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())) or "section"


def parse_body(text: str, first_line: int, file: str) -> tuple[list[RawBlock], list[RawSection], list[Problem]]:
    """Split the body into intro blocks and sections; *first_line* is the body's line in the file."""
    problems: list[Problem] = []
    intro: list[RawBlock] = []
    sections: list[RawSection] = []
    tokens = _md().parse(text)
    current = intro
    seen_ids: dict[str, int] = {}

    def where(tok: Token) -> str:
        return f"{file}:{first_line + (tok.map[0] if tok.map else 0)}"

    for tok in tokens:
        if tok.type == "inline":
            long_word = _LONG_WORD_RE.search(tok.content)
            if long_word:
                problems.append(Problem(where(tok), f"has a 'word' of {len(long_word.group())} characters ('{long_word.group()[:20]}…')", f"break it up; words may be at most {MAX_WORD} characters"))
            elif len(tok.content) > MAX_BLOCK:
                problems.append(Problem(where(tok), f"this paragraph or item is {len(tok.content)} characters long", f"split it; at most {MAX_BLOCK} characters each"))
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = first_line + (tok.map[0] if tok.map else 0)
        if tok.type == "heading_open":
            content = tokens[i + 1].content
            if tok.tag == "h1":
                problems.append(Problem(where(tok), f"'# {content}' is a level-1 heading", "the title comes from 'title:' at the top; use '## ' for a section"))
            elif tok.tag == "h2":
                title, sec_id, classes, attr_problem = _heading_attrs(content)
                if attr_problem:
                    problems.append(Problem(where(tok), attr_problem, "write e.g. '## Get help now {#red-flags .alert}'"))
                if sec_id in seen_ids:
                    problems.append(Problem(where(tok), f"section id '{sec_id}' is used twice (first on line {seen_ids[sec_id]})", "give each section its own {#id}"))
                seen_ids[sec_id] = line
                section = RawSection(sec_id, inline(title), line, classes)
                sections.append(section)
                current = section.blocks
            elif tok.tag == "h3":
                current.append(RawBlock("heading", line, inline(content)))
            else:
                problems.append(Problem(where(tok), f"heading level {tok.tag[1]} is too deep", "use '## ' for sections and '### ' inside them"))
            i += 3
            continue
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            kind = "bullets" if tok.type == "bullet_list_open" else "numbers"
            items: list[Markup] = []
            parts: list[Markup] = []  # the paragraphs of the current item: one item, lines apart
            depth = 0
            hashes = ""  # an item such as "- # 1" parses as a heading: it is printed as written
            j = i
            while True:
                t = tokens[j]
                if t.type == "heading_open":
                    hashes = "#" * int(t.tag[1])
                elif t.type in ("bullet_list_open", "ordered_list_open"):
                    depth += 1
                    if depth == 2:
                        problems.append(Problem(where(t), "lists inside lists are not supported", "make it one flat list"))
                elif t.type in ("bullet_list_close", "ordered_list_close"):
                    depth -= 1
                    if depth == 0:
                        break
                elif t.type == "list_item_close" and depth == 1:
                    if parts:
                        items.append(Markup("<br/>").join(parts))
                    parts = []
                elif t.type == "inline" and depth == 1:
                    text = _render_inline(t.children or [])
                    parts.append(Markup(f"{hashes} {text}".strip()) if hashes else text)
                    hashes = ""
                j += 1
            current.append(RawBlock(kind, line, items=items))
            i = j + 1
            continue
        if tok.type == "paragraph_open":
            content = tokens[i + 1].content.strip()
            m = ROUTINE_RE.match(content)
            if m:
                current.append(RawBlock("routine", line, routine_id=m.group(1)))
            elif content.startswith("[[") and "routine" in content:
                problems.append(Problem(where(tok), f"'{content[:60]}' is not a routine line", "write it as [[routine: routine-id]] on a line of its own"))
            else:
                current.append(RawBlock("paragraph", line, _render_inline(tokens[i + 1].children or [])))
            i += 3
            continue
        i += 1
    return intro, sections, problems


def _heading_attrs(content: str) -> tuple[str, str, tuple[str, ...], str]:
    m = _ATTRS_RE.search(content)
    if not m:
        return content, slugify(content), (), ""
    title = content[: m.start()].strip()
    sec_id = slugify(title)
    classes: list[str] = []
    problem = ""
    for part in m.group(1).split():
        if part.startswith("#") and re.fullmatch(r"#[a-z0-9]+(?:-[a-z0-9]+)*", part):
            sec_id = part[1:]
        elif part.startswith(".") and part[1:] in SECTION_CLASSES:
            classes.append(part[1:])
        else:
            problem = f"'{part}' is not a section setting (allowed: #some-id, {', '.join('.' + c for c in SECTION_CLASSES)})"
    return title, sec_id, tuple(classes), problem
