"""The package stays lint-clean and type-clean, and exports exactly its public names."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tipguard

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return path


def test_ruff_is_clean() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "check", "src", "tests", "scripts", "benchmarks", "training"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_exported_members() -> None:
    public = {
        name
        for name in dir(tipguard)
        if not name.startswith("_") and not inspect.ismodule(getattr(tipguard, name))
    }
    assert set(tipguard.__all__) - {"__version__"} == public


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = [b.split("\n", 1)[1].strip() for b in readme.split("```")[1:4:2]]
    assert "tipguard scan --sample" in blocks[0]
    assert blocks[1] in (ROOT / ".ci" / "run").read_text("utf-8")
