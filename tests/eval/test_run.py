"""`tipguard eval` end to end on a small JSONL set written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tipguard import Analyzer
from tipguard.cli.main import cli
from tipguard.eval.run import dataset_hash, evaluate, load_dataset

ROWS = [
    {
        "text": "We keep your passport until you repay the ticket. If you run, your family pays.",
        "label": 1,
        "family": "control",
    },
    {
        "text": "Send me full body photos in underwear for the model job in Dubai, don't tell your parents",
        "label": 1,
        "family": "recruitment",
    },
    {
        "text": "Never pay a recruitment fee. If someone keeps your passport, call the hotline.",
        "label": 0,
        "kind": "awareness",
    },
    {"text": "Mum, my new passport arrived! Let's talk on WhatsApp tonight.", "label": 0, "kind": "family"},
]


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "en.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), "utf-8")
    return path


def test_evaluate_measures_and_stamps(jsonl: Path, analyzer: Analyzer) -> None:
    name, rows = load_dataset(str(jsonl), "all")
    result = evaluate(analyzer, name, rows, "all")
    assert result.overall.n == 4 and result.overall.positives == 2
    assert result.overall.recall == pytest.approx(1.0)
    assert result.overall.false_positive_rate == pytest.approx(0.0)
    assert set(result.by_family) == {"control", "recruitment"}
    assert set(result.by_kind) == {"awareness", "family"}
    assert set(result.by_language) == {"en"}  # the file name names the language
    assert result.dataset_hash == dataset_hash(rows) and len(result.config_hash) == 16
    assert result.calibrated is False


def test_bad_jsonl_and_unknown_sets_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', "utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_dataset(str(bad), "all")
    with pytest.raises(ValueError, match="unknown data set"):
        load_dataset("no-such-set", "test")


def test_cli_writes_markdown_json_and_plots(jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["eval", str(jsonl), "--split", "all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "en-all.json").read_text("utf-8"))
    assert report["overall"]["recall"] == pytest.approx(1.0)
    assert "data set hash" in (out / "en-all.md").read_text("utf-8")
    pytest.importorskip("matplotlib")
    assert (out / "en-all-pr.png").stat().st_size > 1000
    assert (out / "en-all-reliability.png").stat().st_size > 1000
    missing = CliRunner().invoke(cli, ["eval", "no-such-set"])
    assert missing.exit_code == 4


def test_a_folder_of_language_files_is_one_set(jsonl: Path, analyzer: Analyzer) -> None:
    (jsonl.parent / "fr.jsonl").write_text(json.dumps({"text": "Bonjour maman", "label": 0}) + "\n", "utf-8")
    name, rows = load_dataset(str(jsonl.parent), "all")
    assert name == jsonl.parent.name
    assert len(rows) == 5 and {r.language for r in rows} == {"en", "fr"}


def test_baseline_trains_on_train_split_and_reports_side_by_side(jsonl: Path, tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from tipguard.eval.baseline import train_baseline
    from tipguard.eval.datasets import canonical_split

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = []
    for n in range(120):
        lines.append({"text": f"we keep your passport until you pay the debt number {n}", "label": 1})
        lines.append({"text": f"see you at dinner tonight with grandma, table {n}", "label": 0})
    (corpus / "en.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")
    model = train_baseline(corpus)
    n_train = sum(canonical_split(r["text"]) == "train" for r in lines)
    assert model.trained_on == n_train and model.validated_on > 0
    assert model.flags(["we keep your passport until you pay the debt", "dinner with grandma"]) == [
        True,
        False,
    ]
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli, ["eval", str(jsonl), "--split", "all", "--out", str(out), "--baseline", str(corpus)]
    )
    assert result.exit_code == 0, result.output
    assert "TF-IDF + LR baseline" in (out / "en-all.md").read_text("utf-8")
    assert json.loads((out / "en-all.json").read_text("utf-8"))["baseline"]["overall"]["all"]["n"] == 4


def test_indicator_mode_scores_one_indicator_on_its_family_and_the_benign_rows() -> None:
    from tipguard.eval.datasets import Row

    rows = [
        Row(
            "hc",
            "all",
            "I am going to kill you and your whole family tonight.",
            "threat_dir_h",
            False,
            "en",
            "threat",
        ),
        Row("hc", "all", "Saying 'I will kill you' to someone is a crime.", "counter_quote_nh", True, "en"),
        Row("hc", "all", "I hate all of them.", "derog_neg_emote_h", False, "en"),  # neither: left out
    ]
    result = evaluate(Analyzer(), "hc", rows, "test", indicator="CTL_THREAT")
    assert result.overall.n == 2 and result.overall.positives == 1
    assert not result.calibrated and "CTL_THREAT" in result.decision
    plain = evaluate(Analyzer(), "hc", rows, "test")
    assert plain.overall.n == 3 and plain.decision == "level >= medium"
