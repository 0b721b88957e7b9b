"""The ``handout`` command line, driven through click's CliRunner in an empty folder."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

from conftest import ROOT, make_png, norm, plain, read_pdf
from handout.load.content import load_topic

TOPIC_FILE = ROOT / "content" / "piriformis.md"
GUIDE_TEMPLATE = ROOT / "templates" / "guide.xml.j2"


def flat(text: str) -> str:
    return re.sub(r"\s+", "", norm(text))


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def make_brand(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    make_png(folder / "logo.png")
    path = folder / "brand.toml"
    path.write_text(f'name = "{name}"\nlogo = "logo.png"\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def topic():
    return load_topic(TOPIC_FILE)


# ---------------------------------------------------------------- --version, --help, list


def test_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert importlib.metadata.version("handout") in result.output


def test_help_shows_examples(run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "handout guide piriformis" in result.output
    for command in ("guide", "card", "list", "init", "check"):
        assert re.search(rf"^\s+{command}\s", result.output, re.M), f"command {command} not listed"


def test_list_shows_the_topic_and_its_routines(run, topic) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "piriformis" in result.output
    assert plain(topic.title) in result.output
    assert len(topic.routines) == 4
    for rid in topic.routines:
        assert rid in result.output


# ---------------------------------------------------------------- output names


def test_guide_default_output_name(run, tmp_path: Path) -> None:
    result = run("guide", "piriformis")
    assert result.exit_code == 0, result.output
    out = tmp_path / "piriformis-guide.pdf"
    assert out.is_file()
    assert "piriformis-guide.pdf" in result.output
    assert read_pdf(out).pages >= 3


def test_card_default_output_name(run, tmp_path: Path) -> None:
    result = run("card", "piriformis", "side-stretch")
    assert result.exit_code == 0, result.output
    out = tmp_path / "piriformis-side-stretch-card.pdf"
    assert out.is_file()
    facts = read_pdf(out)
    assert facts.pages == 2  # the routine on the front, the tick-log on the back
    assert "Side stretch" in facts.texts[0] and "Your practice log" in facts.texts[1]


def test_output_option_is_respected(run, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    result = run("guide", "piriformis", "-o", "out/for-sam.pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "for-sam.pdf").is_file()
    assert not (tmp_path / "piriformis-guide.pdf").exists()
    result = run("card", "piriformis", "belly-dancer", "--output", "belly.pdf")
    assert result.exit_code == 0, result.output
    assert read_pdf(tmp_path / "belly.pdf").pages == 2  # front and back (the tick-log)
    assert not (tmp_path / "piriformis-belly-dancer-card.pdf").exists()


# ---------------------------------------------------------------- user mistakes


def test_unknown_topic_suggests(run, tmp_path: Path) -> None:
    result = run("guide", "pirformis")
    assert result.exit_code == 1
    assert "did you mean" in result.output
    assert "piriformis" in result.output
    assert error_lines(result.output)[0].startswith("error:")
    assert not list(tmp_path.glob("*.pdf"))


def test_unknown_routine_suggests(run, tmp_path: Path) -> None:
    result = run("card", "piriformis", "side-strech")
    assert result.exit_code == 1
    assert "did you mean" in result.output
    assert "side-stretch" in result.output
    assert not list(tmp_path.glob("*.pdf"))


def test_unknown_routine_far_off_lists_the_routines(run, topic) -> None:
    result = run("card", "piriformis", "zzzz")
    assert result.exit_code == 1
    assert "error:" in result.output
    for rid in topic.routines:
        assert rid in result.output


def test_bad_paper_is_a_usage_error(run, tmp_path: Path) -> None:
    result = run("guide", "piriformis", "--paper", "b5")
    assert result.exit_code == 2
    assert "--paper" in result.output
    assert not list(tmp_path.glob("*.pdf"))


def _broken_brand(tmp: Path) -> Path:
    path = tmp / "broken.toml"
    path.write_text('name = "Unclosed\n', encoding="utf-8")
    return path


MISTAKES = {
    "unknown topic": lambda tmp: ["guide", "nosuchtopic"],
    "unknown routine": lambda tmp: ["card", "piriformis", "nosuchroutine"],
    "bad paper": lambda tmp: ["guide", "piriformis", "--paper", "legal"],
    "bad size": lambda tmp: ["card", "piriformis", "side-stretch", "--size", "9x9"],
    "missing brand": lambda tmp: ["guide", "piriformis", "--brand", str(tmp / "nope.toml")],
    "broken brand": lambda tmp: ["guide", "piriformis", "--brand", str(_broken_brand(tmp))],
    "card too small": lambda tmp: ["card", "piriformis", "tennis-ball-lying", "--size", "3x5", "--note", "Go slowly. " * 27],
    "output not pdf": lambda tmp: ["guide", "piriformis", "-o", "notes.txt"],
    "output folder missing": lambda tmp: ["guide", "piriformis", "-o", "no/such/dir/x.pdf"],
    "templates not a folder": lambda tmp: ["guide", "piriformis", "--templates", "missing-templates"],
    "content not a folder": lambda tmp: ["guide", "piriformis", "--content", "missing-content"],
    "control char in client": lambda tmp: ["guide", "piriformis", "--client", "Sam\x07Lee"],
    "note too long": lambda tmp: ["guide", "piriformis", "--note", "x" * 400],
    "missing argument": lambda tmp: ["card", "piriformis"],
    "unknown command": lambda tmp: ["gide", "piriformis"],
    "check missing path": lambda tmp: ["check", "no-such-file.md"],
}


@pytest.mark.parametrize("name", list(MISTAKES))
def test_a_user_mistake_never_shows_a_traceback(run, tmp_path: Path, name: str) -> None:
    result = run(*MISTAKES[name](tmp_path))
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert "error" in result.output.lower()
    assert not [p for p in tmp_path.rglob("*.pdf")], "a PDF was written despite the mistake"


def test_bad_source_date_epoch_is_a_clean_error(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run("guide", "piriformis")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "SOURCE_DATE_EPOCH" in result.output


# ---------------------------------------------------------------- init


def test_init_writes_a_brand_and_never_overwrites(run, tmp_path: Path) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    brand, logo = tmp_path / "brand.toml", tmp_path / "logo.png"
    assert brand.is_file() and logo.is_file()
    assert logo.read_bytes().startswith(b"\x89PNG")

    # the starter brand is picked up from ./brand.toml and prints
    result = run("guide", "piriformis")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "piriformis-guide.pdf")
    assert "Riverside Massage Therapy" in facts.text
    assert facts.metadata.get("Author") == "Riverside Massage Therapy"
    assert facts.images >= facts.pages

    changed = brand.read_text(encoding="utf-8").replace("Riverside Massage Therapy", "My Own Clinic")
    brand.write_text(changed, encoding="utf-8")
    logo_before = logo.read_bytes()
    result = run("init")
    assert result.exit_code == 0, result.output
    assert brand.read_text(encoding="utf-8") == changed
    assert logo.read_bytes() == logo_before
    assert "kept" in result.output


def test_init_into_a_new_folder(run, tmp_path: Path) -> None:
    result = run("init", "clinic")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "clinic" / "brand.toml").is_file()
    assert (tmp_path / "clinic" / "logo.png").is_file()
    assert not (tmp_path / "brand.toml").exists()


# ---------------------------------------------------------------- brand lookup order


@pytest.fixture()
def three_brands(tmp_path: Path) -> dict[str, Path]:
    return {
        "flag": make_brand(tmp_path / "flag", "Flag Brand Clinic"),
        "env": make_brand(tmp_path / "env", "Env Brand Clinic"),
        "local": make_brand(tmp_path, "Local Brand Clinic"),  # ./brand.toml in the working folder
    }


def _author(tmp_path: Path, *extra: str, run) -> str:
    out = tmp_path / "g.pdf"
    if out.exists():
        out.unlink()
    result = run("guide", "piriformis", "-o", "g.pdf", *extra)
    assert result.exit_code == 0, result.output
    facts = read_pdf(out)
    names = [n for n in ("Flag Brand Clinic", "Env Brand Clinic", "Local Brand Clinic", "Your Clinic") if n in facts.text]
    assert len(names) == 1, names
    assert facts.metadata.get("Author") == names[0]
    return names[0]


def test_brand_flag_beats_everything(run, tmp_path: Path, three_brands, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUT_BRAND", str(three_brands["env"]))
    assert _author(tmp_path, "--brand", str(three_brands["flag"]), run=run) == "Flag Brand Clinic"


def test_env_beats_local_brand(run, tmp_path: Path, three_brands, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOUT_BRAND", str(three_brands["env"]))
    assert _author(tmp_path, run=run) == "Env Brand Clinic"


def test_local_brand_beats_built_in(run, tmp_path: Path, three_brands) -> None:
    assert _author(tmp_path, run=run) == "Local Brand Clinic"


def test_built_in_brand_last(run, tmp_path: Path) -> None:
    assert not (tmp_path / "brand.toml").exists()
    assert _author(tmp_path, run=run) == "Your Clinic"


# ---------------------------------------------------------------- check


def test_check_with_no_arguments(run) -> None:
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "No problems" in result.output


@pytest.mark.parametrize(
    ("find", "replace"),
    [
        ("reviewed: 2026-11-27", "reviewed: someday"),
        ("[[routine: side-stretch]]", "[[routine: side-strech]]"),
    ],
    ids=["bad-date", "unknown-routine-in-body"],
)
def test_check_reports_file_and_line(run, tmp_path: Path, find: str, replace: str) -> None:
    text = TOPIC_FILE.read_text(encoding="utf-8")
    assert text.count(find) == 1
    broken = text.replace(find, replace)
    line = broken.splitlines().index(replace) + 1
    path = tmp_path / "broken.md"
    path.write_text(broken, encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 1
    assert f"{path}:{line}" in result.output, result.output
    assert "error:" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- overrides


def test_template_override_takes_effect(run, tmp_path: Path) -> None:
    folder = tmp_path / "my-templates"
    folder.mkdir()
    source = GUIDE_TEMPLATE.read_text(encoding="utf-8")
    assert source.count("<document>") == 1
    (folder / "guide.xml.j2").write_text(source.replace("<document>", "<document>\n<p>OVERRIDE MARKER</p>"), encoding="utf-8")
    result = run("guide", "piriformis", "--templates", str(folder))
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "piriformis-guide.pdf")
    assert "OVERRIDE MARKER" in facts.texts[0]
    assert "Common symptoms" in facts.text  # the rest of the guide is still there

    # without the option the built-in template is used
    result = run("guide", "piriformis", "-o", "plain.pdf")
    assert result.exit_code == 0, result.output
    assert "OVERRIDE MARKER" not in read_pdf(tmp_path / "plain.pdf").text


def _retitled(title: str) -> str:
    text = TOPIC_FILE.read_text(encoding="utf-8")
    old = "title: Hip and leg pain from the piriformis\n"
    assert text.count(old) == 1
    return text.replace(old, f"title: {title}\n")


def test_content_override_adds_a_topic(run, tmp_path: Path) -> None:
    folder = tmp_path / "my-content"
    folder.mkdir()
    (folder / "deep-hip.md").write_text(_retitled("Deep hip pain, my version"), encoding="utf-8")

    result = run("list", "--content", str(folder))
    assert result.exit_code == 0, result.output
    assert "deep-hip" in result.output
    assert "Deep hip pain, my version" in result.output
    assert "piriformis" in result.output  # the built-in topic is still listed

    result = run("guide", "deep-hip", "--content", str(folder))
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "deep-hip-guide.pdf")
    assert facts.metadata.get("Title") == "Deep hip pain, my version"
    assert "Deep hip pain, my version" in facts.text


def test_content_override_replaces_a_built_in_topic(run, tmp_path: Path) -> None:
    folder = tmp_path / "my-content"
    folder.mkdir()
    (folder / "piriformis.md").write_text(_retitled("Piriformis, the clinic edition"), encoding="utf-8")
    result = run("guide", "piriformis", "--content", str(folder))
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "piriformis-guide.pdf")
    assert facts.metadata.get("Title") == "Piriformis, the clinic edition"
    assert "Piriformis, the clinic edition" in facts.text
    assert "Hip and leg pain from the piriformis" not in facts.text

    result = run("list", "--content", str(folder))
    assert result.exit_code == 0, result.output
    assert "Piriformis, the clinic edition" in result.output
    assert "Hip and leg pain from the piriformis" not in result.output
