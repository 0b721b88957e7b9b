"""Merge a topic and a brand with the Jinja2 templates into layout markup.

Templates run in Jinja2's sandbox with ``StrictUndefined``: a template cannot
reach Python internals, and a misspelt variable is an error naming the template
and line rather than an empty string. Autoescaping is on, so every plain string
(brand fields, a client's name) is escaped; content text arrives as ``Markup``
that already holds only ``<b>`` and ``<i>``.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from handout.errors import TemplateError

TEMPLATE_SUFFIX = ".xml.j2"
#: a template may print at most this much layout markup (the guide is about 20 KB)
MAX_OUTPUT = 2_000_000
#: and no string or list it builds with * may be longer than this
MAX_REPEAT = 100_000


class _Sandbox(SandboxedEnvironment):
    """The sandbox, plus a cap on ``"x" * n`` so a template cannot eat all memory."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            seq, n = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT:
                raise jinja2.exceptions.SecurityError(f"'*' would build something {len(seq) * n} long (at most {MAX_REPEAT})")
        if operator == "**" and isinstance(right, int) and right > 100:
            raise jinja2.exceptions.SecurityError("'**' with such a large power is not allowed")
        return super().call_binop(context, operator, left, right)


def template_dirs(user_dir: Path | None) -> tuple[Path, ...]:
    from handout.resources import builtin_dir

    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError("is not a folder", where=str(user_dir), hint="give --templates a folder that holds your .xml.j2 files")
    return (*([user_dir] if user_dir else []), builtin_dir("templates"))


@lru_cache(maxsize=8)
def environment(dirs: tuple[Path, ...], extensions: tuple[str, ...] = ()) -> _Sandbox:
    """One compiled environment per set of folders, reused for every document.

    Code compiled with *extensions* (``check`` marks template lines in the output)
    is never written to the bytecode cache.
    """
    from handout import cache

    env = _Sandbox(
        bytecode_cache=None if extensions else cache.template_bytecode(),
        extensions=list(extensions),
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["longdate"] = _longdate
    return env


def _longdate(value: dt.date) -> str:
    """``2026-11-26`` → ``November 26, 2026``."""
    return f"{value:%B} {value.day}, {value.year}"


def render(name: str, dirs: tuple[Path, ...], *, extensions: tuple[str, ...] = (), **context: Any) -> str:
    """Render template *name* (e.g. ``guide``) and return layout markup."""
    env = environment(dirs, extensions)
    filename = name + TEMPLATE_SUFFIX
    try:
        template = env.get_template(filename)
        out: list[str] = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateError(f"the template printed more than {MAX_OUTPUT // 1_000_000} million characters", where=template_path(dirs, filename), hint="check its loops")
            out.append(chunk)
        return "".join(out)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or filename}:{exc.lineno}"
        raise TemplateError(f"template syntax error: {exc.message}", where=where, hint="check the {% %} and {{ }} tags on that line") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found", where=" or ".join(str(d) for d in dirs), hint="name it like the built-in ones (see templates/README.md)") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{exc.message}", where=_template_frame(filename), hint="check the variable name against templates/README.md") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}", where=_template_frame(filename), hint="templates may only use the documented variables") from None
    except RecursionError:
        raise TemplateError("a macro or include calls itself without end", where=_template_frame(filename), hint="check the macros and includes of that template") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError) as exc:
        raise TemplateError(f"{type(exc).__name__}: {exc}", where=_template_frame(filename), hint="check that line of the template") from None


def template_path(dirs: tuple[Path, ...], filename: str) -> str:
    return next((str(d / filename) for d in dirs if (d / filename).is_file()), filename)


def _template_frame(fallback: str) -> str:
    """Template file and line from the traceback of the error being handled."""
    tb = sys.exc_info()[2]
    where = fallback
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".j2"):
            where = f"{code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
