"""`handout program`: routines from several topics in one handout, read back as a client sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, plain, read_pdf
from handout.load.content import load_topic

PIRI = load_topic(ROOT / "content" / "piriformis.md")
BACK = load_topic(ROOT / "content" / "low-back-pain.md")
HEEL = load_topic(ROOT / "content" / "heel-pain.md")
PICKS = ["piriformis/side-stretch", "bridge", "heel-pain/calf-stretch-wall"]


def program(run, *args: str) -> object:
    refs = [a for ref in PICKS for a in ("-r", ref)]
    return run("program", *refs, *args)


def warning_lines(topic) -> list[str]:  # type: ignore[no-untyped-def]
    return [plain(i) for s in topic.sections if "alert" in s.classes for b in s.blocks if b.kind == "bullets" for i in b.items]


def test_a_programme_holds_every_picked_routine_with_the_clients_dose(run, tmp_path: Path) -> None:
    result = program(run, "--client", "Sam Lee", "--note", "Little and often", "--dose", "bridge.repeats=10",
                     "--dose", "side-stretch.hold=45s")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "sam-lee-program.pdf")
    text = facts.text
    assert "Prepared for Sam Lee" in text and "Little and often" in text
    chosen = [PIRI.routines["side-stretch"], BACK.routines["bridge"], HEEL.routines["calf-stretch-wall"]]
    positions = []
    for routine in chosen:
        assert plain(routine.title) in text
        for step in routine.steps:
            assert plain(step) in text, step
        positions.append(text.index(plain(routine.title), text.index("At a glance") + 200))
    assert positions == sorted(positions), "routines print in the order given"
    assert "45 seconds" in text and "10 times" in text
    assert text.count("FOR YOU") >= 2
    assert facts.outline[:3] == [plain(r.title) for r in chosen]


def test_warning_signs_of_every_topic_print_once(run, tmp_path: Path) -> None:
    assert program(run, "-o", "p.pdf").exit_code == 0
    text = read_pdf(tmp_path / "p.pdf").text
    lines = {line for topic in (PIRI, BACK, HEEL) for line in warning_lines(topic)}
    shared = set(warning_lines(PIRI)) & set(warning_lines(BACK))
    assert shared, "the piriformis and low back topics share warning signs"
    for line in shared:
        assert text.count(line) == 1, line
    # every sign of every topic is there, in its own words or in a line that says the same
    from handout.program import _same, _words

    printed = [_words(line).split() for line in lines if line in text]
    for line in lines:
        assert any(_same(_words(line).split(), other) for other in printed), line
    assert "Get help now" in text


def test_each_topics_sources_are_listed_once(run, tmp_path: Path) -> None:
    assert program(run, "-o", "p.pdf").exit_code == 0
    text = read_pdf(tmp_path / "p.pdf").text.replace(" ", "")
    for topic in (PIRI, BACK, HEEL):
        for source in topic.sources:
            assert plain(source.title).replace(" ", "") in text, source.title
    shared = {s.url for s in PIRI.sources} & {s.url for s in BACK.sources}
    assert shared
    for url in shared:
        assert text.count(url.replace(" ", "")) == 1, url


def test_a_saved_programme_prints_the_same_pdf(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    first = program(run, "--title", "Hip, week 1", "--dose", "bridge.repeats=10", "--save", "hip-week-1.toml",
                    "--client", "Ana Ruiz", "-o", "first.pdf")
    assert first.exit_code == 0, first.output
    saved = (tmp_path / "hip-week-1.toml").read_text(encoding="utf-8")
    assert "Ana Ruiz" not in saved, "a saved programme names no client"
    again = run("program", "hip-week-1.toml", "--client", "Ana Ruiz", "-o", "again.pdf")
    assert again.exit_code == 0, again.output
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "again.pdf").read_bytes()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-r", "piriformis/side-strech"], "-r piriformis/side-strech: topic 'piriformis' has no routine 'side-strech'; did you mean 'side-stretch'?"),
        (["-r", "back/bridge"], "-r back/bridge: there is no topic 'back'"),
        (["-r", "bridg"], "-r bridg: there is no routine 'bridg' in any topic; did you mean 'bridge'?"),
        (["-r", "bridge", "--dose", "bridj.repeats=3"], "--dose bridj.repeats=3: the programme has no routine 'bridj'; did you mean 'bridge'?"),
        (["-r", "bridge", "--dose", "repeats=3"], "--dose repeats=3: does not say which routine"),
        (["-r", "bridge", "--dose", "bridge.reps=3"], "--dose bridge.reps=3: 'reps' is not a part of the dose"),
        ([], "-r: no routines given"),
        (["plan.toml", "-r", "bridge"], "give either a saved programme or -r routines, not both"),
    ],
)
def test_bad_references_are_located_errors(run, tmp_path: Path, args: list[str], expected: str) -> None:
    (tmp_path / "plan.toml").write_text('title = "x"\n[[routine]]\nref = "bridge"\n', encoding="utf-8")
    result = run("program", *args)
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob("*.pdf"))


def test_a_bad_saved_programme_is_located_and_nothing_is_written(run, tmp_path: Path) -> None:
    (tmp_path / "plan.toml").write_text('title = "Hip"\n\n[[routine]]\nref = "side-stretch"\nhold = "forever"\n', encoding="utf-8")
    result = run("program", "plan.toml")
    assert result.exit_code == 1
    assert "plan.toml:5: routine[1].hold: 'forever' is not a hold time" in result.output
    assert not list(tmp_path.glob("*.pdf"))


def test_save_never_overwrites_a_file_that_is_not_a_saved_programme(run, tmp_path: Path) -> None:
    (tmp_path / "notes.toml").write_text("my own notes\n", encoding="utf-8")
    result = run("program", "-r", "bridge", "--save", "notes.toml")
    assert result.exit_code == 1 and "notes.toml" in result.output and "--force" in result.output
    assert (tmp_path / "notes.toml").read_text(encoding="utf-8") == "my own notes\n"


def test_check_reads_a_saved_programme_and_lists_every_mistake(run, tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('title = "Hip"\n[[routine]]\nref = "bridge"\nrepeats = "10"\n', encoding="utf-8")
    assert run("check", "good.toml").exit_code == 0
    (tmp_path / "bad.toml").write_text('title = "Hip"\n[[routine]]\nref = "bridg"\nhold = "x"\n', encoding="utf-8")
    result = run("check", "bad.toml")
    assert result.exit_code == 1
    assert "bad.toml:3: routine[1].ref: there is no routine 'bridg' in any topic; did you mean 'bridge'?" in result.output
    assert "bad.toml:4: routine[1].hold: 'x' is not a hold time" in result.output


def test_a_batch_row_can_name_a_saved_programme(run, tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "hip.toml").write_text('title = "Hip, week 1"\n[[routine]]\nref = "side-stretch"\nrepeats = "5"\n'
                                     '[[routine]]\nref = "heel-pain/foot-roll"\n', encoding="utf-8")
    (folder / "bad.toml").write_text('title = "x"\n[[routine]]\nref = "bridg"\n', encoding="utf-8")
    (folder / "day.csv").write_text("client,program,note\nSam Lee,hip.toml,Gently\nAna Ruiz,missing.toml,\n"
                                    "Bo Chen,bad.toml,\nCy Dee,hip.toml,\n", encoding="utf-8")
    result = run("batch", str(folder / "day.csv"), "--out", "out", "--jobs", "1")
    assert result.exit_code == 1
    assert f"{folder / 'day.csv'}:3: column 'program': '{folder / 'missing.toml'}' is not a saved programme file" in result.output
    assert f"{folder / 'day.csv'}:4: {folder / 'bad.toml'}:3: routine[1].ref: there is no routine 'bridg'" in result.output
    assert "says neither" not in result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["cy-dee-program.pdf", "sam-lee-program.pdf"]
    text = read_pdf(tmp_path / "out" / "sam-lee-program.pdf").text
    assert "Prepared for Sam Lee" in text and "Hip, week 1" in text and "Gently" in text
    assert plain(PIRI.routines["side-stretch"].title) in text and plain(HEEL.routines["foot-roll"].title) in text
    assert "5 times" in text


def test_a_programme_prints_as_cards_one_per_routine_with_the_client_and_dose(run, tmp_path: Path) -> None:
    result = program(run, "--client", "Sam Lee", "--dose", "bridge.repeats=10", "--cards")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "sam-lee-program-cards.pdf")
    chosen = [PIRI.routines["side-stretch"], BACK.routines["bridge"], HEEL.routines["calf-stretch-wall"]]
    assert facts.outline == [plain(r.title) for r in chosen]
    starts = [i for i, page in enumerate(facts.texts) if any(page.find(plain(r.title)) != -1 for r in chosen)]
    assert len(starts) >= 3
    for routine in chosen:
        page = next(t for t in facts.texts if plain(routine.title) in t)
        assert "Prepared for Sam Lee" in page
    bridge_page = next(t for t in facts.texts if plain(BACK.routines["bridge"].title) in t)
    assert "10 times" in bridge_page and "FOR YOU" in bridge_page
    assert all(w == pytest.approx(5.5 * 72) and h == pytest.approx(8.5 * 72) for w, h in facts.sizes)


def test_programme_cards_go_on_sheets(run, tmp_path: Path) -> None:
    result = program(run, "--cards", "--per-sheet", "4", "-o", "sheet.pdf")
    assert result.exit_code == 0, result.output
    facts = read_pdf(tmp_path / "sheet.pdf")
    assert facts.sizes == [(pytest.approx(612), pytest.approx(792))] * facts.pages  # every page a Letter sheet
    assert facts.pages <= 2  # the three cards on one sheet (and the backs of those that need one)
    for title in ("Side stretch", plain(BACK.routines["bridge"].title), plain(HEEL.routines["calf-stretch-wall"].title)):
        assert title in facts.text


def test_card_options_need_cards(run, tmp_path: Path) -> None:
    result = program(run, "--per-sheet", "2")
    assert result.exit_code == 2 and "add --cards" in result.output
    assert not list(tmp_path.glob("*.pdf"))
