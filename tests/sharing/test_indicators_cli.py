"""``tipguard indicators export | match | index``, run in-process as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stix2
from click.testing import CliRunner
from sharing_synthetic import ARABIC_WA, ID_ADVERT, ID_ADVERT_REPOST, OTHER_SECRET, SECRET, THAI_LINE

from tipguard.cli.main import cli

ENV = {"TIPGUARD_SHARING_SECRET": SECRET}


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env=env if env is not None else ENV, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture
def bundle_file(tmp_path: Path) -> Path:
    source = _jsonl(
        tmp_path / "cases.jsonl",
        [
            {"id": "c1", "kind": "advert", "text": ID_ADVERT},
            {"id": "c2", "text": THAI_LINE},
            {"id": "c3", "text": ARABIC_WA},
        ],
    )
    out = tmp_path / "bundle.json"
    code, _, err = run(
        ["indicators", "export", str(source), "--org", "Example NGO", "--tlp", "green", "-o", str(out)]
    )
    assert code == 0, err
    assert "4 indicator(s) from 3 item(s)" in err
    return out


@pytest.mark.parametrize(
    "command", [["indicators"], ["indicators", "export"], ["indicators", "match"], ["indicators", "index"]]
)
def test_help(command: list[str]) -> None:
    code, out, _ = run([*command, "--help"])
    assert code == 0 and "Usage" in out


def test_export_writes_a_valid_green_bundle_without_raw_values(bundle_file: Path) -> None:
    text = bundle_file.read_text("utf-8")
    bundle = stix2.parse(text, allow_custom=False)
    assert sum(o.type == "indicator" for o in bundle.objects) == 4
    assert all(o.object_marking_refs == [stix2.TLP_GREEN.id] for o in bundle.objects if o.type == "indicator")
    for raw in ("6281234567890", "971501234567", "jobs_bkk99", "Lowongan", SECRET):
        assert raw not in text


def test_export_from_csv_to_stdout(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_text('id,text\nr1,"Escríbeme al wa.me/5215512345678"\n', "utf-8")
    code, out, _ = run(["indicators", "export", str(source), "--org", "Example NGO"])
    assert code == 0
    assert [o["type"] for o in json.loads(out)["objects"]].count("indicator") == 1


def test_match_prints_one_row_per_matching_item_with_spans_only(tmp_path: Path, bundle_file: Path) -> None:
    queries = _jsonl(
        tmp_path / "new.jsonl",
        [
            {"id": "q1", "kind": "advert", "text": ID_ADVERT_REPOST},
            {"id": "q2", "messages": [{"text": "halo"}, {"text": "add my line id: jobs_bkk99"}]},
            {"id": "q3", "text": "nothing to see"},
        ],
    )
    code, out, err = run(["indicators", "match", "--bundle", str(bundle_file), str(queries)])
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["q1", "q2"]
    assert rows[0]["matches"][0]["kind"] == "template" and rows[0]["matches"][0]["tlp"] == "green"
    handle = rows[1]["matches"][0]
    assert handle["kind"] == "handle" and handle["span"][2] == 1 and handle["partner_name"] == "Example NGO"
    assert "add my line id: jobs_bkk99"[handle["span"][0] : handle["span"][1]].endswith("jobs_bkk99")
    assert "jobs_bkk99" not in out and "Lowongan" not in out and "halo" not in out


def test_saved_index_matches_like_the_bundle(tmp_path: Path, bundle_file: Path) -> None:
    index_file = tmp_path / "index.json"
    assert run(["indicators", "index", "--bundle", str(bundle_file), "-o", str(index_file)])[0] == 0
    assert SECRET not in index_file.read_text("utf-8")
    queries = _jsonl(tmp_path / "q.jsonl", [{"id": "q", "text": ARABIC_WA}])
    code, out, _ = run(["indicators", "match", "--index", str(index_file), str(queries)])
    assert code == 0 and json.loads(out)["matches"][0]["kind"] == "phone"


def test_another_secret_matches_nothing(tmp_path: Path, bundle_file: Path) -> None:
    queries = _jsonl(tmp_path / "q.jsonl", [{"id": "q", "text": THAI_LINE}])
    code, out, err = run(
        ["indicators", "match", "--bundle", str(bundle_file), str(queries)],
        env={"TIPGUARD_SHARING_SECRET": OTHER_SECRET},
    )
    assert code == 0 and out == ""
    assert "4 made with another key" in err


def test_missing_secret_is_a_configuration_error(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "a.jsonl", [{"text": THAI_LINE}])
    code, _, err = run(
        ["indicators", "export", str(source), "--org", "x", "--secret-env", "NOT_SET_ANYWHERE"], env={}
    )
    assert code == 3 and "NOT_SET_ANYWHERE" in err


def test_malformed_bundle_fails_without_quoting_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle", "objects": [{"type": "indicator", "name": "CANARY-TEXT"', "utf-8")
    queries = _jsonl(tmp_path / "q.jsonl", [{"id": "q", "text": THAI_LINE}])
    code, out, err = run(["indicators", "match", "--bundle", str(bad), str(queries)])
    assert code == 4 and out == ""
    assert "not valid JSON" in err and "CANARY" not in err


def test_match_needs_a_bundle_or_an_index(tmp_path: Path) -> None:
    queries = _jsonl(tmp_path / "q.jsonl", [{"id": "q", "text": THAI_LINE}])
    code, _, err = run(["indicators", "match", str(queries)])
    assert code == 2 and "--bundle" in err
