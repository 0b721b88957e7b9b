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


def test_an_entry_is_plain_json_and_reads_back_equal(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from handout import cache
    from handout.errors import Problem
    from handout.load.content import _load_uncached
    from handout.model import Topic

    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path))
    cache.directory.cache_clear()
    path = ROOT / "content" / "piriformis.md"
    value = _load_uncached(path, path.stat().st_size)
    expect = tuple[Topic | None, tuple[Problem, ...], tuple[Problem, ...]]
    cache.store("topic", "k1", value)
    assert (tmp_path / "topic-k1.json").exists(), "a value the cache cannot store: teach handout/cache.py encode() and decode() its type"
    raw = (tmp_path / "topic-k1.json").read_text(encoding="utf-8")
    assert json.loads(raw)["value"]["$"] == "tuple"
    back = cache.load("topic", "k1", expect)
    assert back == value
    assert type(back[0].title) is type(value[0].title)  # Markup stays Markup
    assert cache.load("topic", "k1", tuple[int, int, int]) is None  # not what is expected: a miss
    assert cache.load("brand", "k1", expect) is None  # stored as another kind: a miss
    cache.directory.cache_clear()


def test_decode_refuses_what_the_model_does_not_hold() -> None:
    import pytest

    from handout import cache
    from handout.model import Source

    good = cache.encode(Source(title="T", url="https://example.com"))
    assert cache.decode(good, Source) == Source(title="T", url="https://example.com")
    bad = [
        {**good, "t": "Popen"},  # a class that is not a model record
        {"$": "record", "t": "Source", "v": {"title": "T"}},  # a field missing
        {"$": "record", "t": "Source", "v": {**good["v"], "extra": 1}},  # a field too many
        {"$": "record", "t": "Source", "v": {"title": 3, "url": "u"}},  # a field of the wrong type
        {"$": "path", "v": "/etc/passwd"},  # a path where a record belongs
    ]
    for data in bad:
        with pytest.raises(cache._Miss):
            cache.decode(data, Source)
