"""``handout check``: errors and warnings, --strict, reading level, brand warnings, templates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BRAND_TOML, ROOT, make_png, write_brand

TOPIC = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")
GUIDE = (ROOT / "templates" / "guide.xml.j2").read_text(encoding="utf-8")
CARD = (ROOT / "templates" / "card.xml.j2").read_text(encoding="utf-8")
SOURCES = {name: (ROOT / "templates" / name).read_text(encoding="utf-8")
           for name in ("guide.xml.j2", "card.xml.j2", "program.xml.j2", "_blocks.xml.j2")}


def topic_file(folder: Path, text: str = TOPIC, name: str = "piriformis.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


def test_clean_topic_has_no_warnings(run, tmp_path: Path) -> None:
    result = run("check", topic_file(tmp_path))
    assert result.exit_code == 0, result.output
    assert "No problems in 1 file(s)." in result.output
    assert run("check", "--strict", topic_file(tmp_path)).exit_code == 0


def test_old_review_date_warns_and_strict_fails(run, tmp_path: Path) -> None:
    path = topic_file(tmp_path, re.sub(r"^reviewed: .*$", "reviewed: 2024-01-15", TOPIC, count=1, flags=re.M))
    result = run("check", path)
    assert result.exit_code == 0, result.output
    line = line_of(path, "reviewed:")
    assert f"warning: {path}:{line}: was last reviewed on 2024-01-15" in result.output, result.output
    strict = run("check", "--strict", path)
    assert strict.exit_code == 1
    assert f"error: {path}:{line}: was last reviewed" in strict.output
    assert "1 warning(s)" in strict.output


def test_routine_never_placed_warns(run, tmp_path: Path) -> None:
    path = topic_file(tmp_path, TOPIC.replace("[[routine: side-stretch]]\n", ""))
    result = run("check", path)
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "routine 'side-stretch' is not placed" in result.output, result.output
    assert run("check", "--strict", path).exit_code == 1


def test_missing_red_flags_section_warns(run, tmp_path: Path) -> None:
    path = topic_file(tmp_path, TOPIC.replace("{#red-flags .alert}", "{#red-flags}"))
    result = run("check", path)
    assert result.exit_code == 0
    assert f"warning: {path}: has no warning-signs section" in result.output, result.output


def test_errors_still_exit_1(run, tmp_path: Path) -> None:
    path = topic_file(tmp_path, re.sub(r"^reviewed: .*$", "reviewed: someday", TOPIC, count=1, flags=re.M))
    result = run("check", path)
    assert result.exit_code == 1
    assert "error:" in result.output and "1 error(s)" in result.output


HARD = ("Piriformis syndrome constitutes a neuromuscular disorder characterised by compression "
        "of the sciatic nerve, precipitating radiating discomfort throughout the posterior thigh. "
        "Intermittent paraesthesia, accompanied by proprioceptive deterioration, occasionally necessitates "
        "comprehensive neurological investigation and interdisciplinary rehabilitation.")


def test_hard_section_names_its_hardest_sentence_offline(tmp_path: Path) -> None:
    """Runs in a fresh interpreter with every network connection refused: the reading-level
    library must work from what is installed (no data downloaded at run time)."""
    marker = "Pain mostly in the **sacroiliac** area"
    assert marker in TOPIC
    path = topic_file(tmp_path, TOPIC.replace("- " + marker, f"- {HARD}\n- {marker}", 1))
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n    raise OSError('network is off in this test')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from handout.cli import main\nsys.argv = ['handout', 'check', sys.argv[1]]\nmain()\n"
    )
    env = {**os.environ, "NLTK_DATA": str(tmp_path / "no-nltk"), "HOME": str(tmp_path)}
    env.pop("HANDOUT_BRAND", None)
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = line_of(path, "{#symptoms}")
    assert f"warning: {path}:{line}: section 'Common symptoms' reads at grade" in proc.stdout, proc.stdout
    assert "Piriformis syndrome constitutes a neuromuscular" in proc.stdout
    assert "Traceback" not in proc.stderr


# -- brand warnings -------------------------------------------------------------------------


def brand(folder: Path, text: str, logo: tuple[int, int] | None = (600, 200)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if logo:
        make_png(folder / "logo.png", logo)
    path = folder / "brand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pale_brand_colour_warns_with_the_colour_used_for_text(run, tmp_path: Path) -> None:
    path = brand(tmp_path, BRAND_TOML.format(paper="letter").replace("#7A1F3D", "#FFE800"))
    result = run("check", path)
    assert result.exit_code == 0, result.output
    line = line_of(path, "primary =")
    assert f"warning: {path}:{line}: colors.primary: #FFE800 is too pale for text on white (contrast 1.25:1" in result.output, result.output
    assert "fills and rules keep #FFE800" in result.output
    assert run("check", "--strict", path).exit_code == 1


def test_tiny_logo_and_lost_contact_details_warn(run, tmp_path: Path) -> None:
    text = BRAND_TOML.format(paper="letter").replace(
        '"12 River Street, Springfield"', '"Unit 12, The Old Mill Buildings, 1234 Riverside Industrial Estate Road, Springfield"')
    path = brand(tmp_path, text.replace('paper = "letter"', 'paper = "letter"\ncard_size = "3x5"'), logo=(60, 600))
    result = run("check", path)
    assert result.exit_code == 0, result.output
    assert "logo: 'logo.png' prints only" in result.output and "on a 3x5 card, too small to read" in result.output, result.output
    assert re.search(r"the footer of a 3x5 card has no room for: [a-z, ]*address", result.output), result.output


def test_check_names_handout_brand(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = brand(tmp_path / "env", BRAND_TOML.format(paper="letter").replace("#7A1F3D", "#FFE800"))
    monkeypatch.setenv("HANDOUT_BRAND", str(path))
    result = run("check")
    assert f"{path}:{line_of(path, 'primary =')}: colors.primary (from HANDOUT_BRAND)" in result.output, result.output
    bad = brand(tmp_path / "bad", 'name = "X"\nphone = 12\n', logo=None)
    monkeypatch.setenv("HANDOUT_BRAND", str(bad))
    result = run("check")
    assert result.exit_code == 1
    assert "(from HANDOUT_BRAND)" in result.output and "phone" in result.output, result.output


def test_full_brand_has_no_brand_warnings(run, tmp_path: Path) -> None:
    result = run("check", write_brand(tmp_path / "clinic"))
    assert result.exit_code == 0 and "No problems" in result.output, result.output


# -- templates ------------------------------------------------------------------------------

PLANTED = {
    # name: (file, text to find, replacement, what the message says)
    "misspelt-variable": ("guide.xml.j2", "{{ topic.summary }}", "{{ topic.sumary }}", "no attribute 'sumary'"),
    "unknown-element": ("guide.xml.j2", "<subtitle>{{ topic.subtitle }}</subtitle>", "<subtitel>{{ topic.subtitle }}</subtitel>", "<subtitel> is not a layout element"),
    "unknown-style": ("guide.xml.j2", '<p style="lead">', '<p style="leed">', "'leed' is not a paragraph style"),
    "unclosed-tag": ("guide.xml.j2", '<p style="lead">{{ topic.summary }}</p>', '<p style="lead">{{ topic.summary }}', "<p> is not closed"),
    "unclosed-block": ("guide.xml.j2", "{% if topic.subtitle %}", "{% if topic.subtitle %}{% if client %}", "{% if %} is never closed"),
    "broken-expression": ("guide.xml.j2", "<title>{{ topic.title }}</title>", "<title>{{ topic.title }</title>", "template syntax error"),
    "program-misspelt-variable": ("program.xml.j2", "<title>{{ program.title }}</title>", "<title>{{ program.titel }}</title>", "no attribute 'titel'"),
    "macro-unknown-style": ("_blocks.xml.j2", '<p style="purpose">{{ r.purpose }}</p>', '<p style="porpose">{{ r.purpose }}</p>', "'porpose' is not a paragraph style"),
    "card-unknown-attribute": ("card.xml.j2", '<p style="purpose">', '<p style="purpose" align="left">', "<p> has no attribute 'align'"),
}


@pytest.mark.parametrize("case", list(PLANTED), ids=list(PLANTED))
def test_check_templates_finds_planted_mistake_at_its_line(run, tmp_path: Path, case: str) -> None:
    name, find, replace, message = PLANTED[case]
    source = SOURCES[name]
    assert source.count(find) == 1
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / name).write_text(source.replace(find, replace), encoding="utf-8")
    line = line_of(folder / name, replace)
    result = run("check", "--templates", folder)
    assert result.exit_code == 1, result.output
    assert f"error: {folder / name}:{line}: " in result.output, result.output
    assert message in result.output, result.output
    assert "output line" not in result.output


def test_check_templates_warns_when_the_guide_leaves_out_a_required_part(run, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    text = "\n".join(line for line in GUIDE.splitlines() if "topic.disclaimer" not in line and "topic.reviewed" not in line)
    text = text.replace('<box style="alert">', '<box style="note">')
    (folder / "guide.xml.j2").write_text(text, encoding="utf-8")
    result = run("check", "--templates", folder)
    assert result.exit_code == 0, result.output
    for part in ("red-flag box", "the disclaimer", "the review date"):
        assert f"warning: {folder / 'guide.xml.j2'}: the guide does not print" in result.output
        assert part in result.output, result.output
    assert run("check", "--strict", "--templates", folder).exit_code == 1


def test_check_templates_passes_the_built_in_templates(run, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "guide.xml.j2").write_text(GUIDE, encoding="utf-8")
    (folder / "card.xml.j2").write_text(CARD, encoding="utf-8")
    result = run("check", "--strict", "--templates", folder)
    assert result.exit_code == 0, result.output


# -- review fixes -----------------------------------------------------------------------------


def test_verbose_after_the_command(run, tmp_path: Path) -> None:
    for args in (("guide", "no-such-topic", "--verbose"), ("--verbose", "guide", "no-such-topic"), ("card", "x", "y", "-v")):
        result = run(*args)
        assert result.exit_code == 1
        assert "Traceback" in result.output, (args, result.output)
    quiet = run("guide", "no-such-topic")
    assert "Traceback" not in quiet.output


def test_heading_ids_keep_accented_letters() -> None:
    from handout.load.markdown import slugify

    assert slugify("Síntomas") == "sintomas"
    assert slugify("Ćwiczenia rozciągające") == "cwiczenia-rozciagajace"
    assert slugify("Über Schmerzen") == "uber-schmerzen"


def test_reading_level_library_stays_out_of_other_commands(tmp_path: Path) -> None:
    """textstat and its word list load only for check, never for list or guide."""
    env = {k: v for k, v in os.environ.items() if k != "HANDOUT_BRAND"}
    code = "import sys; from handout.cli import main; sys.argv = ['handout', *sys.argv[1:]]; main()"
    for args, expect in ((["list"], False), (["guide", "piriformis", "-o", "g.pdf"], False), (["check"], True)):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        loaded = any(re.search(r"\|\s*textstat$", line) for line in proc.stderr.splitlines())
        assert loaded == expect, f"handout {' '.join(args)}: textstat loaded={loaded}"


def test_layout_stage_does_not_import_the_pipeline() -> None:
    """handout.layout reads shared records from handout.model, never from handout.build."""
    import ast

    offenders = []
    for path in sorted((ROOT / "handout" / "layout").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("handout.build", "handout.batch", "handout.cli"):
                offenders.append(f"{path.name}: from {node.module}")
            if isinstance(node, ast.Import) and any(a.name in ("handout.build", "handout.batch") for a in node.names):
                offenders.append(f"{path.name}: import")
    assert offenders == []
