"""``handout --help``, ``list`` and ``check`` must start without loading ReportLab or Pillow.

Each command runs in a fresh interpreter under ``python -X importtime``; every module
imported is listed on stderr, so the test sees exactly what the command loaded.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("reportlab", "PIL")


def imported_modules(args: list[str], cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    env = {k: v for k, v in os.environ.items() if k != "HANDOUT_BRAND"}
    code = "import sys; from handout.cli import main; sys.argv = ['handout', *sys.argv[1:]]; main()"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    modules = set()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", line)
        if m:
            modules.add(m.group(1))
    return modules, proc


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["list"], ["check"]], ids=["help", "list", "check"])
def test_light_commands_do_not_import_reportlab_or_pillow(args: list[str], tmp_path: Path) -> None:
    modules, proc = imported_modules(args, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "handout.cli" in modules  # the measurement itself works
    assert heavy(modules) == [], f"`handout {' '.join(args)}` imported {heavy(modules)[:10]}"


def test_guide_does_import_reportlab(tmp_path: Path) -> None:
    """The check above can fail: rendering does load ReportLab."""
    modules, proc = imported_modules(["guide", "piriformis", "-o", "g.pdf"], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF-")
    assert "reportlab" in modules
    assert any(m.startswith("reportlab.platypus") for m in modules)
