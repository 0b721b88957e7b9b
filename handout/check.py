"""``handout check``: every problem in topic, brand and template files, all at once."""

from __future__ import annotations

import warnings
from pathlib import Path

from handout.errors import HandoutError, Problem


def check_paths(paths: list[Path], templates: Path | None = None) -> tuple[list[Problem], int]:
    """Return every problem found and how many files were looked at."""
    from handout.load.brand import check_brand, locate
    from handout.load.content import check_topic, list_topics, topic_dirs

    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    if not paths:
        files += [("topic", p) for p in list_topics(topic_dirs(None)).values()]
        brand, why = locate(None)
        files.append(("brand", brand))
    for path in paths:
        if path.is_dir():
            found = [("topic", p) for p in list_topics([path]).values()]
            if (path / "brand.toml").is_file():
                found.append(("brand", path / "brand.toml"))
            if not found:
                problems.append(Problem(str(path), "holds no topic (.md) or brand.toml file", "give a topic file, a brand.toml, or a folder holding them"))
            files += found
        elif path.suffix.lower() == ".md":
            files.append(("topic", path))
        elif path.suffix.lower() == ".toml":
            files.append(("brand", path))
        elif not path.exists():
            problems.append(Problem(str(path), "does not exist", "check the path"))
        else:
            problems.append(Problem(str(path), "is not a topic (.md) or brand (.toml) file"))
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        for kind, path in files:
            problems += check_topic(path) if kind == "topic" else check_brand(path)
    count = len(files)
    if templates is not None:
        problems += check_templates(templates)
        count += len(list(templates.glob("*.xml.j2")))
    return problems, count


def check_templates(folder: Path) -> list[Problem]:
    """Compile every template in *folder*: syntax errors with file and line."""
    from handout.merge.templates import TEMPLATE_SUFFIX, environment, template_dirs

    try:
        env = environment(template_dirs(folder))
    except HandoutError as exc:
        return [exc.problem]
    problems: list[Problem] = []
    for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
        import jinja2

        try:
            env.parse(path.read_text(encoding="utf-8"), name=path.name, filename=str(path))
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(f"{path}:{exc.lineno}", f"template syntax error: {exc.message}"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), f"cannot be read ({exc})"))
    return problems
