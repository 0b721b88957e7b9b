"""Inputs built to exhaust time or memory are refused quickly, with a clear message."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT
from handout.build import Request, render
from handout.errors import HandoutError, TemplateError

SOURCE = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")


def _quick(fn, limit: float = 5.0) -> HandoutError:
    start = time.perf_counter()
    with pytest.raises(HandoutError) as info:
        fn()
    assert time.perf_counter() - start < limit, "refusing the input took too long"
    return info.value


def test_an_endless_word_in_the_body_is_refused(tmp_path: Path) -> None:
    (tmp_path / "piriformis.md").write_text(SOURCE.replace("Massage on these trigger points", "x" * 200_000 + " Massage"), encoding="utf-8")
    err = _quick(lambda: render(Request("guide", "piriformis", content=tmp_path)))
    assert "piriformis.md:" in str(err) and "200000 characters" in str(err)


@pytest.mark.parametrize(
    "body",
    [
        '{{ "x" * 100000000 }}',
        '{% for i in range(100000) %}{% for j in range(100000) %}<p>{{ i }} {{ j }}</p>{% endfor %}{% endfor %}',
        "{{ 2 ** 10000000 }}",
    ],
    ids=["string-repeat", "nested-loops", "huge-power"],
)
def test_a_template_cannot_print_without_end(tmp_path: Path, body: str) -> None:
    shutil.copy(ROOT / "templates" / "_blocks.xml.j2", tmp_path)
    (tmp_path / "guide.xml.j2").write_text(f"<document>{body}</document>", encoding="utf-8")
    err = _quick(lambda: render(Request("guide", "piriformis", templates=tmp_path)), limit=20)
    assert isinstance(err, TemplateError)
    assert "guide.xml.j2" in str(err)
