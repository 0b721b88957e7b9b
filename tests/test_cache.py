"""The on-disk cache never serves a stale topic and can be turned off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, read_pdf
from handout.build import Request, render

SCRIPT = """
import sys
from pathlib import Path
from handout.build import Request, render
sys.stdout.buffer.write(render(Request("guide", "piriformis", content=Path(sys.argv[1]))))
"""


def _fresh_process(content: Path, env: dict[str, str]) -> bytes:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(content)], capture_output=True, env=env, check=True)
    return out.stdout


def test_an_edited_topic_is_never_served_from_the_cache(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    source = (ROOT / "content" / "piriformis.md").read_text(encoding="utf-8")
    topic = content / "piriformis.md"
    topic.write_text(source, encoding="utf-8")
    env = {**os.environ, "HANDOUT_CACHE_DIR": str(tmp_path / "cache")}
    first = read_pdf(_fresh_process(content, env))
    assert "Hip and leg pain from the piriformis" in first.text
    assert list((tmp_path / "cache").glob("topic-*.json")), "the parsed topic was not cached"

    topic.write_text(source.replace("title: Hip and leg pain from the piriformis", "title: Edited title for the cache test"), encoding="utf-8")
    second = read_pdf(_fresh_process(content, env))
    assert "Edited title for the cache test" in second.text
    assert "Hip and leg pain from the piriformis" not in second.text


def test_cache_can_be_turned_off(tmp_path: Path) -> None:
    env = {**os.environ, "HANDOUT_CACHE_DIR": str(tmp_path / "cache"), "HANDOUT_NO_CACHE": "1"}
    data = _fresh_process(ROOT / "content", env)
    assert read_pdf(data).pages >= 3
    assert not (tmp_path / "cache").exists()


def test_cached_and_uncached_output_are_identical(tmp_path: Path) -> None:
    env = {**os.environ, "HANDOUT_CACHE_DIR": str(tmp_path / "cache")}
    cold = _fresh_process(ROOT / "content", env)
    warm = _fresh_process(ROOT / "content", env)
    off = _fresh_process(ROOT / "content", {**env, "HANDOUT_NO_CACHE": "1"})
    assert cold == warm == off
    assert cold == render(Request("guide", "piriformis"))
