"""Saved programmes: read back what was saved, and every mistake located to its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from handout.errors import ContentError, InputError, ValidationFailed
from handout.load.content import topic_dirs
from handout.load.program import dump_program, load_program, resolve
from handout.model import Pick, ProgramSpec

GOOD = """\
title = "Hip, week 1"
note = "Little and often"
log = 10

[[routine]]
ref = "piriformis/side-stretch"
hold = "30s"
repeats = "3"

[[routine]]
ref = "belly-dancer"
"""


def write(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, dirs: list[Path] | None = None) -> list[str]:
    with pytest.raises((ValidationFailed, InputError)) as info:
        load_program(path, dirs or topic_dirs(None))
    return [str(p) for p in info.value.problems]


def test_a_programme_is_read_with_bare_ids_resolved(tmp_path: Path) -> None:
    spec = load_program(write(tmp_path, GOOD), topic_dirs(None))
    assert spec == ProgramSpec(
        title="Hip, week 1",
        note="Little and often",
        log_days=10,
        picks=(Pick("piriformis/side-stretch", (("hold", "30s"), ("repeats", "3"))), Pick("piriformis/belly-dancer")),
    )


def test_saving_and_reading_back_gives_the_same_programme(tmp_path: Path) -> None:
    spec = ProgramSpec(
        title='Hip "week" 1 — Ünïcode',
        note="Twice a day\\ and rest",
        log_days=0,
        picks=(Pick("piriformis/tennis-ball-lying", (("how_often", "twice a day"),)), Pick("piriformis/side-stretch")),
    )
    again = load_program(write(tmp_path, dump_program(spec)), topic_dirs(None))
    assert again == spec
    assert dump_program(again) == dump_program(spec)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace('ref = "belly-dancer"', 'ref = "belly-dance"'), "plan.toml:11: routine[2].ref: there is no routine 'belly-dance' in any topic; did you mean 'belly-dancer'?"),
        (GOOD.replace("piriformis/side-stretch", "piriformus/side-stretch"), "plan.toml:6: routine[1].ref: there is no topic 'piriformus'; did you mean 'piriformis'?"),
        (GOOD.replace("piriformis/side-stretch", "piriformis/side-strech"), "plan.toml:6: routine[1].ref: topic 'piriformis' has no routine 'side-strech'; did you mean 'side-stretch'?"),
        (GOOD.replace("repeats =", "repeat ="), "plan.toml:8: routine[1].repeat: is not a known key; did you mean 'repeats'?"),
        (GOOD.replace("log = 10", "log = 400"), "plan.toml:3: log: 400 is out of range"),
        (GOOD.replace("log = 10", 'log = "lots"'), "plan.toml:3: log: 'lots' is not a whole number"),
        (GOOD.replace('title = "Hip, week 1"\n', ""), "plan.toml: title: is missing"),
        ('title = "x"\n', "plan.toml: routine: is missing"),
        (GOOD.replace('title = "Hip, week 1"', "title = Hip"), "plan.toml:1: not valid TOML"),
    ],
)
def test_mistakes_are_located(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(write(tmp_path, text))
    assert any(p.startswith(str(tmp_path / expected.split(":")[0]) + expected[len(expected.split(":")[0]):]) for p in found), found


def test_every_mistake_is_listed_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("log = 10", "log = 0").replace('ref = "belly-dancer"', 'ref = "nope"')
    found = problems(write(tmp_path, text))
    assert len(found) == 2, found


def test_a_routine_of_several_topics_must_name_its_topic(tmp_path: Path) -> None:
    mine = tmp_path / "content"
    mine.mkdir()
    shutil.copy(ROOT / "content" / "piriformis.md", mine / "hip.md")
    dirs = topic_dirs(mine)
    with pytest.raises(ContentError, match=r"several topics \(hip/side-stretch, piriformis/side-stretch\); write it as TOPIC/ROUTINE"):
        resolve("side-stretch", dirs)
    assert resolve("hip/side-stretch", dirs) == "hip/side-stretch"


@pytest.mark.parametrize("kind", ["folder", "fifo", "missing"])
def test_a_programme_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    import os

    path = tmp_path / "plan.toml"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    found = problems(path)
    assert found[0].startswith(f"{path}: ")
    assert {"folder": "is a folder", "fifo": "is a named pipe", "missing": "does not exist"}[kind] in found[0]
