"""Shared helpers for the benchmark scripts (run from the repository root)."""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tipguard

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"


def stamp() -> dict[str, Any]:
    """Provenance for a report: version, commit, machine, time."""
    try:
        git = ["git", "rev-parse", "--short", "HEAD"]
        commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    return {
        "tipguard_version": tipguard.__version__,
        "commit": commit,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {_cpus()} CPU(s)",
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def write_report(name: str, data: dict[str, Any], markdown: str) -> None:
    """Write ``reports/<name>.json`` and ``reports/<name>.md``."""
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (REPORTS / f"{name}.md").write_text(markdown, "utf-8")
