"""Pictures in handouts: a built-in figure for every routine on its card and in the guide,
a clinic's own picture files (for a routine or a step) with alt text, and clear mistakes."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import ContentStream

from conftest import ROOT, make_png
from handout.build import Request, load_inputs, merge, render
from handout.errors import HandoutError, TemplateError
from handout.layout.figures import BUILTIN_FIGURES

TOPICS = {
    "piriformis": {"tennis-ball-seated": "ball-seated", "tennis-ball-lying": "ball-lying", "side-stretch": "side-stretch",
                   "belly-dancer": "belly-dancer"},
    "low-back-pain": {"knee-to-chest": "knee-to-chest", "pelvic-tilt": "pelvic-tilt", "bridge": "bridge"},
    "heel-pain": {"calf-stretch-wall": "calf-stretch-wall", "plantar-fascia-stretch": "plantar-fascia-stretch", "foot-roll": "foot-roll"},
}
ROUTINES = [(t, r) for t, rs in TOPICS.items() for r in rs]
#: a built-in figure draws well over this many Bézier curves; a page of text draws none
FIGURE_CURVES = 40


def page_ops(data: bytes) -> list[dict[str, int]]:
    """Per page: how many curves (``c``) and images (``Do``) are drawn."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    out = []
    for page in reader.pages:
        ops = ContentStream(page.get_contents(), reader).operations
        out.append({"c": sum(op == b"c" for _, op in ops), "Do": sum(op == b"Do" for _, op in ops)})
    return out


def page_texts(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize(("topic", "routine"), ROUTINES)
def test_each_built_in_routine_names_its_figure_with_alt_text(topic: str, routine: str) -> None:
    inputs = load_inputs(Request("card", topic, routine=routine))
    pic = inputs.topic.routines[routine].picture
    assert pic is not None and pic.figure == TOPICS[topic][routine]
    assert pic.alt == BUILTIN_FIGURES[pic.figure].alt
    markup, _ = merge(Request("card", topic, routine=routine), inputs)
    assert f'name="{pic.figure}"' in markup
    assert f'alt="{pic.alt}"' in markup


@pytest.mark.parametrize(("topic", "routine"), ROUTINES)
def test_a_figure_on_each_card(topic: str, routine: str) -> None:
    data = render(Request("card", topic, routine=routine, card_size="half-letter"))
    ops = page_ops(data)
    assert ops[-1]["c"] >= FIGURE_CURVES, f"no picture on the {routine} card: {ops}"


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_a_figure_beside_each_routine_in_the_guide(topic: str) -> None:
    data = render(Request("guide", topic))
    inputs = load_inputs(Request("guide", topic))
    texts = page_texts(data)
    ops = page_ops(data)
    for rid in TOPICS[topic]:
        title = " ".join(re.sub(r"<[^>]+>", "", str(inputs.topic.routines[rid].title)).split())
        pages = [i for i, t in enumerate(texts) if title in t]
        assert pages, f"{title!r} is not in the guide"
        on_page = sum(1 for r in TOPICS[topic] if str(inputs.topic.routines[r].title) in texts[pages[0]])
        assert ops[pages[0]]["c"] >= FIGURE_CURVES * on_page, f"{title!r}: page {pages[0] + 1} draws {ops[pages[0]]}"
    # pictures add little: the whole guide stays small
    assert len(data) < 120_000


def test_cards_without_room_for_a_picture_still_print(tmp_path: Path) -> None:
    """The card's picture takes the room that is left; a tight card keeps its text and fits."""
    data = render(Request("card", "piriformis", routine="belly-dancer", card_size="4x6"))
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1


# -- a clinic's own pictures ------------------------------------------------------------------

def clinic_topic(tmp_path: Path, routine_picture: str, step_picture: str = "") -> Path:
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    text = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")
    text = text.replace("    picture: belly-dancer\n", routine_picture)
    if step_picture:
        text = text.replace("      - Put your hands on your hips.\n", step_picture, 1)
    (folder / "piriformis.md").write_text(text, encoding="utf-8")
    return folder


def test_a_clinic_picture_replaces_the_built_in_one(tmp_path: Path) -> None:
    folder = clinic_topic(tmp_path, "    picture:\n      file: pictures/belly.png\n      alt: Our client circling her hips.\n")
    (folder / "pictures").mkdir()
    make_png(folder / "pictures" / "belly.png", (900, 1200))
    req = Request("card", "piriformis", routine="belly-dancer", content=folder)
    inputs = load_inputs(req)
    pic = inputs.topic.routines["belly-dancer"].picture
    assert pic is not None and pic.figure is None and pic.alt == "Our client circling her hips."
    assert pic.file == folder / "pictures" / "belly.png"
    markup, _ = merge(req, inputs)
    assert 'src="pictures/belly.png"' in markup and 'alt="Our client circling her hips."' in markup
    ops = page_ops(render(req))
    assert ops[0]["Do"] >= 2, "the clinic's picture is drawn on the front, beside the logo"
    assert ops[0]["c"] < FIGURE_CURVES, "and the built-in figure is not"
    guide = page_ops(render(Request("guide", "piriformis", content=folder)))
    assert sum(p["Do"] for p in guide) >= 2  # the logo on every page and the picture


def test_a_step_picture_sits_next_to_its_step(tmp_path: Path) -> None:
    step = "      - text: Put your hands on your hips.\n        picture:\n          file: hands.png\n          alt: Hands resting on the hips.\n"
    folder = clinic_topic(tmp_path, "    picture: belly-dancer\n", step)
    make_png(folder / "hands.png", (400, 400))
    req = Request("card", "piriformis", routine="belly-dancer", content=folder, card_size="5x8")
    inputs = load_inputs(req)
    r = inputs.topic.routines["belly-dancer"]
    assert r.steps[1] == "Put your hands on your hips."
    assert r.step_pictures[1] is not None and r.step_pictures[1].alt == "Hands resting on the hips."
    assert [p is None for p in r.step_pictures] == [True, False, True, True]
    data = render(req)
    images_before = page_ops(render(Request("card", "piriformis", routine="belly-dancer", card_size="5x8")))
    assert sum(p["Do"] for p in page_ops(data)) == sum(p["Do"] for p in images_before) + 1
    assert "Put your hands on your hips." in " ".join(page_texts(data))


@pytest.mark.parametrize(("picture", "message"), [
    ("    picture: belly-dancing\n", "no built-in picture 'belly-dancing'; did you mean 'belly-dancer'"),
    ("    picture: me.png\n", "looks like a file: a picture file needs alt text"),
    ("    picture:\n      file: missing.png\n      alt: Hips.\n", "'missing.png' does not exist"),
    ("    picture:\n      file: notes.txt\n      alt: Hips.\n", "is not a PNG, JPEG or SVG file"),
    ("    picture:\n      file: /etc/hosts.png\n      alt: Hips.\n", "is not a path relative to the topic file"),
    ("    picture:\n      file: hips.png\n", "a picture file needs alt text"),
    ("    picture:\n      figure: bridge\n      file: hips.png\n      alt: Hips.\n", "either 'figure:'"),
    ("    picture:\n      file: hips.png\n      alt: Hips.\n      size: big\n", "is not a known key"),
])
def test_picture_mistakes_are_located(tmp_path: Path, picture: str, message: str) -> None:
    folder = clinic_topic(tmp_path, picture)
    make_png(folder / "hips.png")
    with pytest.raises(HandoutError) as info:
        load_inputs(Request("card", "piriformis", routine="belly-dancer", content=folder))
    text = str(info.value.format_message())
    assert message in text
    assert re.search(r"piriformis\.md:\d+", text), text


def test_a_broken_picture_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = clinic_topic(tmp_path, "    picture:\n      file: hips.png\n      alt: Hips.\n")
    (folder / "hips.png").write_bytes(b"not a picture at all")
    with pytest.raises(HandoutError) as info:
        render(Request("card", "piriformis", routine="belly-dancer", content=folder))
    assert "hips.png" in info.value.format_message()


def test_a_template_cannot_reach_other_files(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    card = templates / "card.xml.j2"
    card.write_text(card.read_text().replace("</document>", '<figure src="/etc/hostname" alt="x"/></document>'))
    with pytest.raises(TemplateError, match="not a picture the topic names"):
        render(Request("card", "piriformis", routine="belly-dancer", templates=templates))


def test_a_figure_needs_alt_text(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    card = templates / "card.xml.j2"
    card.write_text(card.read_text().replace("</document>", '<figure name="bridge" alt=" "/></document>'))
    with pytest.raises(TemplateError, match="no alt text"):
        render(Request("card", "piriformis", routine="belly-dancer", templates=templates))


def test_a_picture_file_added_after_a_mistake_is_found(tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    """Whether a picture file exists is checked on every run, never remembered from the last one."""
    folder = clinic_topic(tmp_path, "    picture:\n      file: hips.png\n      alt: Hips.\n")
    result = run("check", str(folder / "piriformis.md"))
    assert result.exit_code != 0 and "'hips.png' does not exist" in result.output
    assert re.search(r"piriformis\.md:\d+: routines\.belly-dancer\.picture\.file", result.output), result.output
    make_png(folder / "hips.png")
    req = Request("card", "piriformis", routine="belly-dancer", content=folder)
    assert load_inputs(req).topic.routines["belly-dancer"].picture is not None
    assert sum(p["Do"] for p in page_ops(render(req))) >= 2
