"""``handout check``: every problem in topic, brand and template files, all at once.

A report has two severities. An *error* stops a file from printing at all; a
*warning* prints but will mislead or disappoint a reader (an old review date, a
section too hard to read, a brand colour too pale for text). ``--strict`` treats
warnings as errors, for CI.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from handout.errors import HandoutError, HandoutWarning, Problem

#: a topic not reviewed for this long gets a warning
REVIEW_MAX_AGE = dt.timedelta(days=365)
#: the highest US school grade a section may read at (Flesch-Kincaid)
MAX_GRADE = 8.0
#: how many of a hard section's sentences are named
HARDEST_SHOWN = 2


@dataclass
class Report:
    """What ``check`` found: errors, warnings, and how many files it looked at."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: int = 0

    def extend(self, other: Report) -> None:
        self.errors += other.errors
        self.warnings += other.warnings
        self.files += other.files


def check_paths(paths: list[Path], templates: Path | None = None) -> Report:
    """Check every file named (or, with none, the built-in topics and the brand in use)."""
    from handout.load.brand import locate
    from handout.load.content import list_topics, topic_dirs

    files: list[tuple[str, Path, str]] = []  # kind, path, why (for a brand: how it was found)
    report = Report()
    if not paths:
        files += [("topic", p, "") for p in list_topics(topic_dirs(None)).values()]
        brand, why = locate(None)
        files.append(("brand", brand, why))
    for path in paths:
        if _is_dir(path):
            found = [("topic", p, "") for p in list_topics([path]).values()]
            if os.path.lexists(path / "brand.toml"):  # a pipe there is reported, not skipped
                found.append(("brand", path / "brand.toml", "--brand"))
            if not found:
                report.errors.append(Problem(str(path), "holds no topic (.md) or brand.toml file", "give a topic file, a brand.toml, or a folder holding them"))
            files += found
        elif path.suffix.lower() == ".md":
            files.append(("topic", path, ""))
        elif path.suffix.lower() == ".toml":
            files.append(("program", path, "") if _is_program(path) else ("brand", path, "--brand"))
        elif not os.path.lexists(path):
            report.errors.append(Problem(str(path), "does not exist", "check the path"))
        else:
            report.errors.append(Problem(str(path), "is not a topic (.md), brand or saved programme (.toml) file"))
    for kind, path, why in files:
        report.extend(_check_one(kind, path, why))
    if templates is not None:
        from handout.check_templates import check_templates

        report.extend(check_templates(templates))
    return report


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):  # too long a name, a loop: the file's own check says which
        return False


def _check_one(kind: str, path: Path, why: str) -> Report:
    """One file's report; a file that cannot even be checked is one error, not the end of the list."""
    try:
        if kind == "program":
            return check_program_file(path)
        return check_topic_file(path) if kind == "topic" else check_brand_file(path, why)
    except RecursionError:
        problem = Problem(str(path), "is nested too deeply to read", "simplify the file")
    except MemoryError:
        problem = Problem(str(path), "is too large to read", "use a smaller file")
    except (OSError, ValueError) as exc:
        problem = Problem(str(path), f"could not be checked ({exc})", "check the file")
    return Report(errors=[problem], files=1)


def _is_program(path: Path) -> bool:
    """A .toml file is a saved programme when it has [[routine]] tables (a brand.toml never does)."""
    return re.search(r"^\s*\[\[\s*routine\s*\]\]", _read_quietly(path), re.M) is not None


def check_program_file(path: Path) -> Report:
    from handout.load.content import topic_dirs
    from handout.load.program import check_program

    return Report(errors=check_program(path, topic_dirs(None)), files=1)


def _caught(found: list[warnings.WarningMessage]) -> list[Problem]:
    """handout's own warnings, caught while loading, as problems."""
    return [Problem("", str(w.message)) for w in found if issubclass(w.category, HandoutWarning)]


# -- topics ---------------------------------------------------------------------------


def check_topic_file(path: Path, today: dt.date | None = None) -> Report:
    from handout.load.content import load_topic

    report = Report(files=1)
    with warnings.catch_warnings(record=True) as found:
        warnings.simplefilter("always")
        try:
            topic = load_topic(path)
        except HandoutError as exc:
            report.errors += exc.problems
            return report
    report.warnings += _caught(found)
    file = str(path)
    text = _read_quietly(path)
    today = today or dt.date.today()
    if today - topic.reviewed > REVIEW_MAX_AGE:
        months = (today.year - topic.reviewed.year) * 12 + today.month - topic.reviewed.month
        report.warnings.append(Problem(
            _key_line(file, text, "reviewed"),
            f"was last reviewed on {topic.reviewed.isoformat()}, {months} months ago",
            "read it again against its sources, then set reviewed: to today's date",
        ))
    if not any("alert" in s.classes for s in topic.sections):
        report.warnings.append(Problem(
            file,
            "has no warning-signs section: every handout needs one",
            "add a section such as '## Get help now {#red-flags .alert}' listing when to get urgent care",
        ))
    report.warnings += readability(topic)
    return report


def _read_quietly(path: Path) -> str:
    from handout.load.files import read_text

    try:
        return read_text(path, limit=1024 * 1024)
    except HandoutError:
        return ""


def _key_line(file: str, text: str, key: str) -> str:
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return f"{file}:{text.count(chr(10), 0, m.start()) + 1}" if m else file


def readability(topic: object) -> list[Problem]:
    """A warning for each section above grade 8, naming its hardest sentences."""
    from handout.model import Topic

    assert isinstance(topic, Topic)
    import textstat  # here, not at the top: only check measures reading level

    problems: list[Problem] = []
    for section in topic.sections:
        sentences = _sentences(section)
        if not sentences:
            continue
        grade = float(textstat.flesch_kincaid_grade(" ".join(sentences)))
        if grade <= MAX_GRADE:
            continue
        hardest = sorted(sentences, key=lambda s: -float(textstat.flesch_kincaid_grade(s)))[:HARDEST_SHOWN]
        named = "; ".join(f"\"{_short(s)}\"" for s in hardest)
        problems.append(Problem(
            f"{topic.path}:{section.line}",
            f"section '{_plain(section.title)}' reads at grade {grade:.1f} (aim for {MAX_GRADE:.0f} or lower); hardest: {named}",
            "use shorter sentences and everyday words",
        ))
    return problems


def _plain(text: object) -> str:
    from markupsafe import Markup

    return " ".join(Markup(str(text)).striptags().split())


def _sentences(section: object) -> list[str]:
    """The section's text as sentences; a list item or step counts as one sentence."""
    texts: list[str] = []
    for block in getattr(section, "blocks", ()):
        if block.text is not None and block.kind == "paragraph":
            texts += _split(_plain(block.text))
        for item in block.items:
            texts += _split(_plain(item))
        if block.routine is not None:
            r = block.routine
            texts += _split(_plain(r.purpose))
            for step in r.steps:
                texts += _split(_plain(step))
    return [t for t in texts if len(t.split()) >= 3]


def _split(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", text.strip())
    return [p if p.endswith((".", "!", "?")) else p + "." for p in parts if p]


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# -- brands ---------------------------------------------------------------------------


def check_brand_file(path: Path, why: str = "--brand") -> Report:
    from handout.load.brand import ENV_VAR, check_brand

    report = Report(files=1)
    with warnings.catch_warnings(record=True) as found:
        warnings.simplefilter("always")
        report.errors += check_brand(path, why)
        if not report.errors:
            report.warnings += brand_warnings(path, why)
    report.warnings += _caught(found)
    if why == ENV_VAR:
        report.errors = [_from_env(p, path) for p in report.errors]
        report.warnings = [_from_env(p, path) for p in report.warnings]
    return report


def _from_env(problem: Problem, path: Path) -> Problem:
    """Say that a brand file came from HANDOUT_BRAND, so a user knows where to look."""
    from handout.load.brand import ENV_VAR

    if ENV_VAR in str(problem):
        return problem
    where = problem.where or str(path)
    return Problem(f"{where} (from {ENV_VAR})", problem.message, problem.hint)


def brand_warnings(path: Path, why: str) -> list[Problem]:
    """What will print badly with this brand: pale text colours, tiny logos, lost contact details."""
    from handout.layout import fit
    from handout.load.brand import _toml_line, inspect_brand

    problems, brand = inspect_brand(path, why)
    if problems or brand is None:
        return []
    text = _read_quietly(path)

    def locate(key: str) -> str:
        line = _toml_line(text, tuple(key.split(".")))
        return f"{path}:{line}: {key}" if line else f"{path}: {key}"

    return fit.brand_problems(brand, locate=locate)
