"""Property tests: whatever text a user writes, handout either prints all of it or says why not.

For generated text in a topic file, a brand name, ``--client`` and ``--note``,
``render`` must either

* return a valid PDF whose extracted text holds every word of the input
  (markdown markers ``*`` and ``_`` aside), and only when every character is
  printable in the font (Helvetica: WinAnsi/cp1252) -- never a PDF where a
  character was silently dropped or drawn as a box; or
* raise a :class:`handout.errors.HandoutError` subclass -- never anything else.
"""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import assert_valid_pdf, make_png
from handout.build import Request, render
from handout.errors import HandoutError
from handout.load.brand import default_brand_path

SETTINGS = settings(max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

TOPIC = """\
---
title: {title}
summary: {summary}
reviewed: 2026-11-26
disclaimer: This handout supports, and does not replace, an assessment by a qualified practitioner.
sources:
  - title: Example source
    url: https://example.com/knee
routines:
  knee-bend:
    title: Knee bend
    purpose: Keeps the knee moving.
    steps:
{steps}
    dose:
      hold_seconds: 15
      how_often: twice a day
    stop_if: Stop if the pain turns sharp.
---
Intro line.

## Section {{#section}}

{body}

[[routine: knee-bend]]
"""


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar holding exactly *text*.

    JSON's escapes are valid YAML; characters YAML does not allow raw in a file
    (C1 controls, U+FFFE/U+FFFF) are escaped too, astral characters stay raw.
    """
    out = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if 0x7F <= ord(c) <= 0x9F or ord(c) in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) else c for c in out)


def topic_text(title: str = "Knee care", summary: str = "Move gently.", steps: list[str] | None = None, body: str = "Body text.") -> str:
    steps = steps or ["Sit on a chair."]
    return TOPIC.format(
        title=yaml_str(title),
        summary=yaml_str(summary),
        steps="\n".join(f"      - {yaml_str(s)}" for s in steps),
        body=body,
    )


def render_topic(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "knee.md").write_text(text, encoding="utf-8")
        return render(Request("guide", "knee", content=folder, brand_file=default_brand_path()))


# -- the oracle -------------------------------------------------------------------


def printable(ch: str) -> bool:
    """Helvetica (WinAnsi) can draw it; whitespace is fine, it is collapsed."""
    if ch.isspace():
        return True
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return ord(ch) >= 0x20 and ord(ch) != 0x7F


def squash(text: str) -> str:
    """Text as compared: no whitespace, no markdown markers, no soft hyphens."""
    for mark in ("*", "_", "\u00ad", "\ufffe", "\u2010", "\x02"):
        text = text.replace(mark, "")
    return "".join(text.split())


def words(text: str) -> list[str]:
    return [w for w in (squash(part) for part in text.split()) if w]


def pdf_text(data: bytes) -> str:
    assert_valid_pdf(data)
    doc = pdfium.PdfDocument(data)
    return " ".join(page.get_textpage().get_text_range() for page in doc)


def check(produce, *inputs: str) -> str | None:  # type: ignore[no-untyped-def]
    """Run *produce*; a HandoutError is an accepted outcome, a PDF must print every word of *inputs*."""
    try:
        data = produce()
    except HandoutError as exc:
        assert str(exc).strip(), "an error without a message"
        return None
    for text in inputs:
        bad = [ch for ch in text if not printable(ch)]
        assert not bad, f"a PDF was made although {bad[0]!r} (U+{ord(bad[0]):04X}) cannot be printed in Helvetica"
    got = squash(pdf_text(data))
    for text in inputs:
        for word in words(text):
            assert word in got, f"{word!r} of {text!r} is missing from the PDF text"
    return got


# -- strategies -------------------------------------------------------------------

MARKUP = st.sampled_from(["<", ">", "&", '"', "'", "&amp;", "&copy", "<b>", "</i>", "<br/>", "]]>", "<!--", "&#x41;", "%s", "{{ x }}", "{% if %}"])
#: characters Helvetica can print (WinAnsi), control characters excluded
WIN_ANSI = st.characters(codec="cp1252", min_codepoint=0x20).filter(lambda c: c != "\x7f")
WORD = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12),
    st.text(alphabet=WIN_ANSI, min_size=1, max_size=12),
    st.text(alphabet=WIN_ANSI, min_size=1, max_size=12),
    MARKUP,
    MARKUP,
    st.text(alphabet=st.characters(codec="cp1252"), min_size=1, max_size=6),  # control characters too
    st.text(min_size=1, max_size=6),  # any Unicode at all
)
LONG_WORD = st.text(alphabet=string.ascii_letters, min_size=40, max_size=290)


@st.composite
def styled_word(draw) -> str:  # type: ignore[no-untyped-def]
    w = draw(st.one_of(WORD, LONG_WORD) if draw(st.integers(0, 9)) == 0 else WORD)
    style = draw(st.sampled_from(["", "", "*", "**", "_"]))
    return f"{style}{w}{style}" if style and w.strip() else w


SENTENCE = st.lists(styled_word(), min_size=1, max_size=25).map(" ".join)
ANY_LINE = st.one_of(SENTENCE, SENTENCE, st.text(alphabet=WIN_ANSI, max_size=120), st.text(max_size=80), st.text(alphabet=st.characters(codec="cp1252"), max_size=120))


def one_line(text: str) -> str:
    return " ".join(text.splitlines())


# -- properties ---------------------------------------------------------------------


@SETTINGS
@given(text=ANY_LINE)
@example(text="Pain & <stiffness> in the hip")
@example(text="Press <b>firmly and Tom&Jerry &copy")
@example(text="a **bold** and *italic* and _under_ word")
@example(text="Ж")
@example(text="\U0001F600 smile")
def test_paragraph_text(text: str) -> None:
    line = one_line(text)
    check(lambda: render_topic(topic_text(body="Para " + line)), line)


@SETTINGS
@given(items=st.lists(ANY_LINE.map(one_line), min_size=0, max_size=60))
@example(items=["0", "#", "## two", "# **bold**"])
def test_bullet_lists(items: list[str]) -> None:
    body = "Para list:\n\n" + "\n".join(f"- {item}" for item in items) if items else "Para empty."
    check(lambda: render_topic(topic_text(body=body)), *items)


@SETTINGS
@given(summary=ANY_LINE, title=st.one_of(SENTENCE, st.text(alphabet=WIN_ANSI, min_size=1, max_size=60), st.text(max_size=30)), step=ANY_LINE)
@example(summary="no", title="1:30", step="01234")
@example(summary="yes: really # not a comment", title="[not a list]", step="{not: a map}")
def test_front_matter_text(summary: str, title: str, step: str) -> None:
    """Any text, properly quoted in YAML, is printed as written (or refused with a message)."""
    check(lambda: render_topic(topic_text(title=title, summary=summary, steps=[step])), title, summary, step)


@SETTINGS
@given(nesting=st.integers(1, 8), bullet=st.sampled_from(["-", "*", "+", "1."]), text=SENTENCE)
def test_deep_nesting_is_refused_or_printed(nesting: int, bullet: str, text: str) -> None:
    body = "Para nest:\n\n" + "\n".join(" " * (len(bullet) + 1) * i + f"{bullet} {text} {i}" for i in range(nesting))
    got = check(lambda: render_topic(topic_text(body=body)), one_line(text))
    if nesting > 1:
        assert got is None, "a nested list was accepted"


@SETTINGS
@given(name=st.one_of(SENTENCE, st.text(alphabet=WIN_ANSI, max_size=70), st.text(max_size=70), st.text(alphabet=st.characters(codec="cp1252"), max_size=70)))
@example(name="Smith & <Jones> \"Massage\"")
@example(name="Клиника")
@example(name="River\xadside Clinic")  # a soft hyphen, as pasted from a word processor
def test_brand_name(name: str) -> None:
    def produce() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            make_png(folder / "logo.png")
            (folder / "brand.toml").write_text(f'name = {json.dumps(name)}\nlogo = "logo.png"\n', encoding="utf-8")
            return render(Request("card", "piriformis", routine="side-stretch", brand_file=folder / "brand.toml"))

    check(produce, " ".join(name.split()))


@SETTINGS
@given(client=st.one_of(SENTENCE, st.text(alphabet=WIN_ANSI, max_size=70), st.text(max_size=70)), note=st.one_of(st.none(), SENTENCE, st.text(max_size=120)))
@example(client="Sam <b>Lee</b> & Co", note="Twice a day; ice &amp; rest")
@example(client="Zoë O'Brien", note=None)
@example(client="Ana\x1b[31m", note=None)
def test_client_and_note(client: str, note: str | None) -> None:
    inputs = [client] + ([note] if note is not None else [])
    check(lambda: render(Request("guide", "piriformis", client=client, note=note, brand_file=default_brand_path())), *inputs)
