"""Where templates come from: the user's folder first, then the built-in ones.

Every template is read through :func:`handout.load.files.read_text`: a regular
file, at most :data:`MAX_TEMPLATE_BYTES`, UTF-8. A name with ``..`` is not found,
and a file that is a link to somewhere outside its folder is refused, so an
``{% include %}`` can never pull another file of the computer into a handout.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from handout.errors import TemplateError
from handout.load.files import KB, read_text

#: a template is a page of markup; the built-in guide template is about 2 KB
MAX_TEMPLATE_BYTES = 256 * KB


class FolderLoader(jinja2.BaseLoader):
    """Loads ``name`` from the first of *dirs* that has it."""

    def __init__(self, dirs: tuple[Path, ...]) -> None:
        self.dirs = dirs

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..'
        for folder in self.dirs:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                continue
            try:
                inside = path.resolve().is_relative_to(folder.resolve())
            except (OSError, RuntimeError):
                inside = False
            if not inside:
                raise TemplateError("is a link to a file outside its templates folder", where=str(path),
                                    hint="copy the file itself into the folder")
            source = read_text(path, limit=MAX_TEMPLATE_BYTES, what="template", error=TemplateError,
                               hint=f"a template must be a UTF-8 text file of at most {MAX_TEMPLATE_BYTES // KB} KB")
            return source, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.dirs:
            found.update(p.name for p in folder.glob("*.j2"))
        return sorted(found)
