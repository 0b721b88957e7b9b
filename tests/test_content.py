"""The built-in topics as a careful reviewer reads them.

- Own words: no text of a built-in topic shares a run of 8 or more words with the
  source handout the project started from (``../shared/reference``).
- Safety: the warning signs, cautions and referral wording each topic must carry
  are printed in the PDF a client gets, and so is the disclaimer, near the top and
  at the end.
- Plain language: every section reads at US grade 8 or below.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pypdf
import pytest

from conftest import ROOT, norm, plain
from handout.build import Request, render
from handout.load.content import load_topic
from handout.model import Routine, Topic

TOPICS = sorted(p.stem for p in (ROOT / "content").glob("*.md") if p.name.lower() != "readme.md")
SOURCE_NAME = "000_d5b1cb30d0ae0a47.txt"
RUN = 8  # words in a row that may not be shared with the source
MAX_GRADE = 8.0


def reference_file() -> Path | None:
    """The source handout: ``../shared/reference`` beside the repository (as in CI).

    A git worktree one level deeper finds it one folder further up;
    ``HANDOUT_REFERENCE_DIR`` points elsewhere.
    """
    candidates = [Path(os.environ["HANDOUT_REFERENCE_DIR"])] if os.environ.get("HANDOUT_REFERENCE_DIR") else []
    candidates += [ROOT.parent / "shared" / "reference", ROOT.parent.parent / "shared" / "reference"]
    return next((c / SOURCE_NAME for c in candidates if (c / SOURCE_NAME).is_file()), None)


def words(text: str) -> list[str]:
    """Lower case, apostrophes dropped (can't, can’t → cant), anything else not a letter or digit splits."""
    text = plain(text).lower().replace("\u2019", "'").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def runs(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@cache
def source_runs() -> frozenset[tuple[str, ...]]:
    path = reference_file()
    assert path is not None
    lines = path.read_text(encoding="utf-8").splitlines()
    # the handout's own title and its two source addresses are names, not sentences
    body = [ln for ln in lines[1:] if not re.match(r"\s*https?://", ln)]
    return frozenset(runs(words(" ".join(body))))


def topic_units(topic: Topic) -> Iterator[tuple[str, str]]:
    """Every piece of client-facing text, with where it comes from.

    A list is one unit (its items in order), so copying several items in the
    source's order is caught too. Source titles and addresses are left out.
    """
    yield "title", topic.title
    if topic.subtitle:
        yield "subtitle", topic.subtitle
    yield "summary", topic.summary
    yield "disclaimer", topic.disclaimer
    for b in topic.intro:
        if b.text is not None:
            yield "intro", b.text
    for s in topic.sections:
        yield f"{s.id} heading", s.title
        for b in s.blocks:
            if b.text is not None:
                yield s.id, b.text
            if b.items:
                yield f"{s.id} list", " ".join(b.items)
    for rid, r in topic.routines.items():
        yield from routine_units(rid, r)


def routine_units(rid: str, r: Routine) -> Iterator[tuple[str, str]]:
    for name in ("title", "purpose", "equipment", "caution", "stop_if"):
        value = getattr(r, name, None)
        if value:
            yield f"{rid} {name}", value
    yield f"{rid} steps", " ".join(r.steps)
    yield f"{rid} dose", " ".join(v for _, v in r.dose.items())


def shared_runs(text: str) -> list[str]:
    return sorted(" ".join(run) for run in runs(words(text)) & source_runs())


@cache
def topic_of(topic_id: str) -> Topic:
    return load_topic(ROOT / "content" / f"{topic_id}.md")


needs_reference = pytest.mark.skipif(
    reference_file() is None,
    reason=f"the source handout {SOURCE_NAME} is not in ../shared/reference beside the repository",
)


# ---------------------------------------------------------------- own words


@needs_reference
@pytest.mark.parametrize("topic_id", TOPICS)
def test_no_run_of_eight_words_from_the_source(topic_id: str) -> None:
    copied = {where: found for where, text in topic_units(topic_of(topic_id)) if (found := shared_runs(text))}
    assert copied == {}, f"{topic_id} shares runs of {RUN}+ words with the source handout: {copied}"


@needs_reference
def test_the_overlap_check_finds_copied_wording() -> None:
    """The check is not blind: the source's own sentence and reordered punctuation are caught."""
    copied = "So, what is the BEST way to relax your piriformis muscle? Massage!"
    assert len(shared_runs(copied)) == 5  # every 8-word window of its 12 words
    # the old wording of the referral, printed until this change
    assert shared_runs("you may need to consult a doctor such as a chiropractor, osteopathic physician")
    assert shared_runs("Rub your buttock. Stay for 15 seconds, then keep rolling.") == []


def test_words_normalise_case_quotes_and_punctuation() -> None:
    assert words("Can’t   get a <b>MASSAGE</b>, then…") == ["cant", "get", "a", "massage", "then"]


# ---------------------------------------------------------------- printed safety content

#: what a clinician expects each guide to say, as it must print
MARKERS: dict[str, list[str]] = {
    "piriformis": [
        "emergency department",
        "local emergency number",
        "genitals or anus",
        "cannot pass urine",
        "trouble starting to pass urine",
        "New sexual problems",
        "Numbness or weakness in both legs",
        "blood clot",
        "cold, pale or blue",
        "had cancer in the past",
        "lost weight without trying",
        "bad at night and rest does not ease it",
        "cannot put weight on your leg after a fall",
        "If the numbness is new or getting worse, or your foot starts to drag",
        "hip replacement? Ask your surgeon or therapist",
        "across your body, down toward the floor on your left side",
        "no bouncing",
        "counter or a sturdy chair",
        "cannot treat an infection",
        "Opening your legs wide during sex",
        "family doctor or a physiotherapist first",
        "more than 3 to 4 days",
        "unless your therapist sets otherwise",
    ],
    "low-back-pain": [
        "emergency department",
        "local emergency number",
        "genitals or anus",
        "cannot pass urine",
        "both legs",
        "getting worse",
        "fever",
        "had cancer in the past",
        "lost weight without trying",
        "fall or accident",
        "unless your therapist sets otherwise",
        "family doctor or a physiotherapist",
    ],
    "heel-pain": [
        "emergency department",
        "local emergency number",
        "pop",
        "red, hot or swollen",
        "numbness or tingling",
        "diabetes",
        "after an injury",
        "cannot walk",
        "unless your therapist sets otherwise",
        "family doctor",
    ],
}


@cache
def guide_pages(topic_id: str) -> tuple[str, ...]:
    reader = pypdf.PdfReader(io.BytesIO(render(Request("guide", topic_id))))
    return tuple(norm(page.extract_text() or "") for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_built_in_topic_has_markers() -> None:
    assert [t for t in TOPICS if t not in MARKERS] == []


@pytest.mark.parametrize("topic_id", TOPICS)
def test_safety_markers_are_printed(topic_id: str) -> None:
    text = flat(" ".join(guide_pages(topic_id)))
    absent = [m for m in MARKERS[topic_id] if flat(m) not in text]
    assert absent == []


@pytest.mark.parametrize("topic_id", TOPICS)
def test_warning_signs_sit_in_the_alert_section(topic_id: str) -> None:
    red = topic_of(topic_id).section("red-flags")
    assert red is not None and "alert" in red.classes
    items = [plain(i) for b in red.blocks for i in b.items]
    assert len(items) >= 6


@pytest.mark.parametrize("topic_id", TOPICS)
def test_disclaimer_near_the_top_and_at_the_end(topic_id: str) -> None:
    pages = guide_pages(topic_id)
    disclaimer = flat(plain(topic_of(topic_id).disclaimer))
    assert disclaimer in flat(pages[0]), "the disclaimer is not on page 1"
    first = flat(pages[0])
    assert first.index(disclaimer) < len(first) // 2, "the disclaimer is not near the top of page 1"
    assert disclaimer in flat(pages[-1]), "the disclaimer is not on the last page"
    assert flat(" ".join(pages)).count(disclaimer) == 2


@pytest.mark.parametrize("topic_id", TOPICS)
def test_every_routine_has_a_dose_and_a_stop_rule(topic_id: str) -> None:
    for rid, r in topic_of(topic_id).routines.items():
        labels = [label for label, _ in r.dose.items()]
        assert "How often" in labels, rid
        assert plain(r.stop_if).startswith("Stop if"), rid


@pytest.mark.parametrize("topic_id", TOPICS)
def test_sources_are_named_and_addressed(topic_id: str) -> None:
    topic = topic_of(topic_id)
    assert len(topic.sources) >= 2
    text = flat(" ".join(guide_pages(topic_id)))
    for s in topic.sources:
        assert flat(plain(s.title)) in text
        assert s.url.startswith(("https://", "http://"))


# ---------------------------------------------------------------- reading grade


def section_texts(topic: Topic) -> Iterator[tuple[str, str]]:
    """Each section as sentences: a list item without an end mark counts as one sentence."""

    def sentence(text: str) -> str:
        t = plain(text).strip()
        return t if t.endswith((".", "!", "?", ":")) else t + "."

    yield "summary", sentence(topic.summary)
    yield "intro", " ".join(sentence(b.text) for b in topic.intro if b.text is not None)
    for s in topic.sections:
        parts = [sentence(b.text) for b in s.blocks if b.text is not None and b.kind == "paragraph"]
        parts += [sentence(i) for b in s.blocks for i in b.items]
        for r in s.routines:
            parts += [sentence(x) for x in (r.purpose, r.caution, r.stop_if, *r.steps) if x]
        yield s.id, " ".join(parts)


@pytest.mark.parametrize("topic_id", TOPICS)
def test_reading_grade_is_eight_or_below(topic_id: str) -> None:
    import textstat  # pinned in the test extra to a release that counts syllables with no download
    grades = {where: textstat.flesch_kincaid_grade(text) for where, text in section_texts(topic_of(topic_id)) if text}
    hard = {where: g for where, g in grades.items() if g > MAX_GRADE}
    assert hard == {}, f"{topic_id}: sections above grade {MAX_GRADE}: {hard}"


# ---------------------------------------------------------------- routine caution


def test_a_caution_prints_before_the_steps_in_the_guide_and_on_the_card() -> None:
    r = topic_of("piriformis").routines["side-stretch"]
    assert r.caution is not None
    caution = flat(plain(r.caution))
    guide = flat(" ".join(guide_pages("piriformis")))
    assert flat("Take care:") + caution in guide
    assert guide.index(caution) < guide.index(flat(plain(r.steps[0])))
    card = "".join(norm(p.extract_text() or "") for p in pypdf.PdfReader(io.BytesIO(render(Request("card", "piriformis", routine="side-stretch")))).pages)
    assert caution in flat(card)
    assert flat(card).index(caution) < flat(card).index(flat(plain(r.steps[0])))


def test_a_routine_without_a_caution_prints_no_caution_label() -> None:
    card = render(Request("card", "piriformis", routine="tennis-ball-seated"))
    text = "".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(card)).pages)
    assert "Take care" not in text


def test_a_too_long_caution_is_a_located_error(tmp_path: Path) -> None:
    from handout.load.content import check_topic

    text = (ROOT / "tests" / "data" / "bad" / "knee.md").read_text(encoding="utf-8")
    marker = "    stop_if:"
    assert marker in text
    path = tmp_path / "knee.md"
    path.write_text(text.replace(marker, "    caution: " + "Go slowly. " * 30 + "\n" + marker, 1), encoding="utf-8")
    problems = [str(p) for p in check_topic(path)]
    assert len(problems) == 1 and "caution" in problems[0] and "knee.md:" in problems[0], problems


# ---------------------------------------------------------------- the built-in topics


def test_the_built_in_topics_and_their_routines() -> None:
    routines = {t: tuple(topic_of(t).routines) for t in TOPICS}
    assert routines == {
        "heel-pain": ("calf-stretch-wall", "plantar-fascia-stretch", "foot-roll"),
        "low-back-pain": ("knee-to-chest", "pelvic-tilt", "bridge"),
        "piriformis": ("tennis-ball-seated", "tennis-ball-lying", "side-stretch", "belly-dancer"),
    }


def test_list_shows_every_topic_and_routine(run) -> None:  # type: ignore[no-untyped-def]
    result = run("list")
    assert result.exit_code == 0, result.output
    for t in TOPICS:
        topic = topic_of(t)
        assert re.search(rf"^{re.escape(t)}\s+{re.escape(plain(topic.title))}$", result.output, re.M), t
        for rid, r in topic.routines.items():
            assert re.search(rf"^\s+{re.escape(rid)}\s+{re.escape(plain(r.title))}$", result.output, re.M), rid


@pytest.mark.parametrize("topic_id", TOPICS)
def test_check_finds_no_problem_in_a_built_in_topic(run, topic_id: str) -> None:  # type: ignore[no-untyped-def]
    result = run("check", str(ROOT / "content" / f"{topic_id}.md"))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output.lower(), result.output


@pytest.mark.parametrize("topic_id", ["low-back-pain", "heel-pain"])
@pytest.mark.parametrize("size", ["half-letter", "5x8", "a5"])
def test_every_new_routine_prints_on_a_card(topic_id: str, size: str) -> None:
    for rid, r in topic_of(topic_id).routines.items():
        pages = pypdf.PdfReader(io.BytesIO(render(Request("card", topic_id, routine=rid, card_size=size)))).pages
        text = flat("".join(p.extract_text() or "" for p in pages))
        assert flat(plain(r.title)) in text and flat(plain(r.steps[-1])) in text, (rid, size)
