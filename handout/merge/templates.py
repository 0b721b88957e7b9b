"""Merge a topic and a brand with the Jinja2 templates into layout markup.

Templates run in an allow-list sandbox (:mod:`handout.merge.sandbox`) with
``StrictUndefined``, a step, time and size budget (:mod:`handout.merge.limits`),
and receive plain read-only copies of the model (:mod:`handout.merge.view`): no
path, file or callable that reaches outside. A misspelt variable, a forbidden
attribute or a limit passed is an error naming the template and line, never an
empty string. Autoescaping is on, so every plain string (brand fields, a
client's name) is escaped; content text arrives as ``Markup`` that already holds
only ``<b>`` and ``<i>``.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from handout.errors import TemplateError
from handout.merge import limits
from handout.merge.loader import FolderLoader
from handout.merge.sandbox import Sandbox
from handout.merge.view import to_view

TEMPLATE_SUFFIX = ".xml.j2"
#: a template may print at most this much layout markup (the guide is about 20 KB)
MAX_OUTPUT = 2_000_000


def template_dirs(user_dir: Path | None) -> tuple[Path, ...]:
    from handout.resources import builtin_dir

    if user_dir is not None and not user_dir.is_dir():
        raise TemplateError("is not a folder", where=str(user_dir), hint="give --templates a folder that holds your .xml.j2 files")
    return (*([user_dir] if user_dir else []), builtin_dir("templates"))


@lru_cache(maxsize=8)
def environment(dirs: tuple[Path, ...], extensions: tuple[str, ...] = ()) -> Sandbox:
    """One compiled environment per set of folders, reused for every document.

    *extensions* are for ``check``, which marks template lines in the output.
    """
    env = Sandbox(
        extensions=list(extensions),
        loader=FolderLoader(dirs),
        autoescape=True,
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
    values = {key: to_view(value) for key, value in context.items()}
    budget = limits.start()
    try:
        template = env.get_template(filename)
        out: list[str] = []
        size = 0
        for chunk in template.generate(**values):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateError(f"the template printed more than {MAX_OUTPUT // 1_000_000} million characters", where=_template_frame(template_path(dirs, filename)), hint="check its loops")
            out.append(chunk)
        text = "".join(out)
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise TemplateError("the template printed a lone surrogate character", where=template_path(dirs, filename), hint="check its \\u escapes") from None
        return text
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or filename}:{exc.lineno}"
        raise TemplateError(f"template syntax error: {exc.message}", where=where, hint="check the {% %} and {{ }} tags on that line") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found", where=_template_frame(" or ".join(str(d) for d in dirs)), hint="name it like the built-in ones (see templates/README.md)") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{exc.message}", where=_template_frame(filename), hint="check the variable name against templates/README.md") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"not allowed in a template: {exc}", where=_template_frame(filename), hint="templates may only use the documented variables") from None
    except limits.LimitExceeded as exc:
        raise TemplateError(f"{exc}", where=_template_frame(filename), hint="a template may loop, call and print only so much; check its loops and sizes") from None
    except jinja2.TemplateRuntimeError as exc:
        raise TemplateError(f"{exc}", where=_template_frame(filename), hint="check that line of the template") from None
    except MemoryError:
        raise TemplateError("the template ran out of memory", where=_template_frame(filename), hint="check its loops and sizes") from None
    except RecursionError:
        raise TemplateError("a macro or include calls itself without end", where=_template_frame(filename), hint="check the macros and includes of that template") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError, OverflowError) as exc:
        raise TemplateError(f"{type(exc).__name__}: {exc}", where=_template_frame(filename), hint="check that line of the template") from None
    finally:
        limits.stop(budget)


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
