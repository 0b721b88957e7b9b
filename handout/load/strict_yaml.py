"""YAML read as plain text, with the line of every key.

PyYAML's ``safe_load`` silently turns ``no`` into False, ``1:30`` into 90 and
``01234`` into 668, and lets a duplicate key win quietly. Here every scalar stays
the text that was written (the schema decides what a value means), a duplicate
key is an error, and every value remembers its line so a message can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed YAML plus the 1-based line of each value, keyed by its path."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def load(text: str, first_line: int = 1) -> Located:
    """Parse *text*; line numbers are counted from *first_line*."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        raise YamlProblem(line, _plain_message(exc.problem or "")) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(_deepest_line(text, offset), TOO_DEEP) from None
    located = Located(value=None)
    if node is None:
        located.value = {}
        return located
    located.value = _build(node, (), located.lines, offset, set())
    return located


#: far deeper than any topic needs (a routine's dose is four levels down)
MAX_DEPTH = 16
TOO_DEEP = f"the values are nested more than {MAX_DEPTH} levels deep; write the keys as the guide shows"


def _deepest_line(text: str, offset: int) -> int | None:
    """The line where brackets or indentation first go too deep (PyYAML gives up before saying)."""
    depth = 0
    for n, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" "))
        if indent > 4 * MAX_DEPTH:
            return n + offset
        for ch in line:
            depth += ch in "[{"
            depth -= ch in "]}"
            if depth > MAX_DEPTH:
                return n + offset
    return None


def _plain_message(problem: str) -> str:
    """PyYAML's wording, said the way a non-programmer can act on it."""
    if "'\\t'" in problem or "\t" in problem:
        return "a tab is used to indent this line; indent with spaces only"
    if "mapping values are not allowed" in problem:
        return ("this line is indented further than the keys around it, or its value holds ': '; "
                "line the key up with its neighbours, or put the value in double quotes")
    if "could not find expected ':'" in problem:
        return "a line is missing the ':' after its key, or is indented wrongly"
    if "expected <block end>" in problem or "did not find expected" in problem:
        return "the indentation does not line up with the lines around it; indent with the same number of spaces"
    return f"{problem or 'not valid YAML'} (check the indentation and the ':' after each key)"


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], offset: int, seen: set[int]) -> Any:
    line = node.start_mark.line + 1 + offset
    if len(path) > MAX_DEPTH:
        raise YamlProblem(line, TOO_DEEP)
    if id(node) in seen:
        # the composer hands back the same node for every '*alias': refusing it stops
        # self-referencing values and "billion laughs" expansions before they start
        raise YamlProblem(line, "anchors and aliases ('&name', '*name') are not supported; write the text out in full")
    seen.add(id(node))
    lines[path] = line
    if node.tag not in _PLAIN_TAGS:
        raise YamlProblem(line, f"the tag {node.tag!r} is not allowed; write plain text without '!' tags")
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, offset, seen) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_line, "a key must be a plain word")
            key = str(key_node.value)
            if key == "<<":
                raise YamlProblem(key_line, "merge keys ('<<') are not supported; write the keys out")
            if key in result:
                first = lines.get((*path, key))
                raise YamlProblem(
                    key_line,
                    f"'{key}' appears twice (first on line {first}); keep one of them",
                )
            result[key] = _build(value_node, (*path, key), lines, offset, seen)
            lines[(*path, key)] = key_line
        return result
    raise YamlProblem(line, "unsupported YAML")  # pragma: no cover - composer yields only these
