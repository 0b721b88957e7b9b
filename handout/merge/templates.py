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


def template_dirs(user_dir: Path | None) -> tuple[Path, ...]:
    from handout.resources import builtin_dir

    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError("is not a folder", where=str(user_dir), hint="give --templates a folder that holds your .xml.j2 files")
    return (*([user_dir] if user_dir else []), builtin_dir("templates"))


@lru_cache(maxsize=8)
def environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    """One compiled environment per set of folders, reused for every document."""
    from handout import cache

    env = SandboxedEnvironment(
        bytecode_cache=cache.template_bytecode(),
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


def render(name: str, dirs: tuple[Path, ...], **context: Any) -> str:
    """Render template *name* (e.g. ``guide``) and return layout markup."""
    env = environment(dirs)
    filename = name + TEMPLATE_SUFFIX
    try:
        template = env.get_template(filename)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or filename}:{exc.lineno}"
        raise TemplateError(f"template syntax error: {exc.message}", where=where, hint="check the {% %} and {{ }} tags on that line") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found", where=" or ".join(str(d) for d in dirs), hint="name it like the built-in ones (see templates/README.md)") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{exc.message}", where=_template_frame(filename), hint="check the variable name against templates/README.md") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}", where=_template_frame(filename), hint="templates may only use the documented variables") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError) as exc:
        raise TemplateError(f"{type(exc).__name__}: {exc}", where=_template_frame(filename), hint="check that line of the template") from None


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
