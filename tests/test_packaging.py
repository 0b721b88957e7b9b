"""The wheel ships the templates, content and assets, and works when installed for real."""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, read_pdf

#: pip output that means the build backend or a dependency could not be downloaded
OFFLINE = re.compile(
    r"No matching distribution found|Could not find a version that satisfies|"
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|"
    r"ConnectTimeout|ReadTimeout|Network is unreachable|ProxyError",
    re.I,
)

SHIPPED = {
    "handout/_data/templates/guide.xml.j2": ROOT / "templates" / "guide.xml.j2",
    "handout/_data/templates/card.xml.j2": ROOT / "templates" / "card.xml.j2",
    "handout/_data/templates/_blocks.xml.j2": ROOT / "templates" / "_blocks.xml.j2",
    "handout/_data/content/piriformis.md": ROOT / "content" / "piriformis.md",
    "handout/assets/default-logo.png": ROOT / "handout" / "assets" / "default-logo.png",
    "handout/assets/default-brand.toml": ROOT / "handout" / "assets" / "default-brand.toml",
}


def _pip(args: list[str], python: str = sys.executable, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    return subprocess.run([python, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _pip(["wheel", "--no-deps", "--disable-pip-version-check", "-w", str(out), str(ROOT)])
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        if OFFLINE.search(log):
            pytest.skip(f"the build backend (hatchling) cannot be obtained: {log[-300:]}")
        pytest.fail(f"building the wheel failed:\n{log[-3000:]}")
    wheels = list(out.glob("handout-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def _dist_info(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        (member,) = [n for n in zf.namelist() if re.fullmatch(rf"handout-[^/]+\.dist-info/{name}", n)]
        return zf.read(member).decode("utf-8")


@pytest.mark.parametrize("member", list(SHIPPED))
def test_wheel_ships_the_data_files(wheel: Path, names: set[str], member: str) -> None:
    assert member in names, f"{member} is not in {wheel.name}"
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(member) == SHIPPED[member].read_bytes(), f"{member} differs from the source file"


def test_wheel_ships_the_package(names: set[str]) -> None:
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "handout").rglob("*.py") if "__pycache__" not in p.parts}
    assert package
    assert sorted(package - names) == []


def test_wheel_has_the_console_script(wheel: Path) -> None:
    parser = configparser.ConfigParser()
    parser.read_string(_dist_info(wheel, "entry_points.txt"))
    assert parser.has_section("console_scripts")
    assert parser.get("console_scripts", "handout").strip() == "handout.cli:main"
    import handout.cli

    assert callable(handout.cli.main)


def test_wheel_metadata_declares_the_dependencies(wheel: Path) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    meta = _dist_info(wheel, "METADATA")
    assert re.search(rf"^Version: {re.escape(project['version'])}$", meta, re.M)
    requires = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    for dep in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", dep).group(0).lower()  # type: ignore[union-attr]
        assert any(r.lower().startswith(name) and "extra ==" not in r for r in requires), f"{dep} not required by the wheel"


def test_installed_wheel_works_from_an_unrelated_folder(wheel: Path, tmp_path: Path) -> None:
    """Not editable: the templates and content must come from inside the installed package."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = str(bindir / "python")
    proc = _pip(["install", "--disable-pip-version-check", "-q", str(wheel)], python=python)
    if proc.returncode != 0:
        log = proc.stdout + proc.stderr
        if OFFLINE.search(log):
            pytest.skip(f"the dependencies cannot be downloaded: {log[-300:]}")
        pytest.fail(f"installing the wheel failed:\n{log[-3000:]}")

    work = tmp_path / "somewhere-else"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HANDOUT_BRAND", "SOURCE_DATE_EPOCH", "VIRTUAL_ENV")}
    where = subprocess.run([python, "-c", "import handout.resources as r; print(r.builtin_dir('templates'))"],
                           cwd=work, capture_output=True, text=True, env=env, check=True)
    templates_dir = Path(where.stdout.strip())
    assert env_dir.resolve() in templates_dir.resolve().parents, f"templates come from {templates_dir}, not the installed wheel"

    exe = str(bindir / "handout")
    result = subprocess.run([exe, "guide", "piriformis"], cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    facts = read_pdf(work / "piriformis-guide.pdf")
    assert facts.metadata.get("Title") == "Hip and leg pain from the piriformis"
    assert "Your Clinic" in facts.text
    assert facts.pages >= 3

    result = subprocess.run([exe, "card", "piriformis", "side-stretch"], cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert read_pdf(work / "piriformis-side-stretch-card.pdf").pages == 2  # front, and the tick-log on the back
