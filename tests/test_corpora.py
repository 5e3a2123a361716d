"""The project's corpora are well-formed and never repeat an evaluation text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tipguard.langid import TARGET_LANGUAGES
from tipguard.lexicons.cases import all_cases
from tipguard.models.stages import STAGES

ROOT = Path(__file__).resolve().parents[1]
TRAIN = sorted((ROOT / "corpora" / "train").glob("*.jsonl"))
TEST = sorted((ROOT / "corpora" / "test").glob("*.jsonl"))
EVERYDAY = sorted((ROOT / "corpora" / "everyday").glob("*.jsonl"))
GENERAL = sorted((ROOT / "corpora" / "general").glob("*.jsonl"))
INTERPERSONAL = sorted((ROOT / "corpora" / "interpersonal").glob("*.jsonl"))
LONGADS = sorted((ROOT / "corpora" / "longads").glob("*.jsonl"))
GUARD = sorted((ROOT / "corpora" / "guard").glob("*.jsonl"))
THREATS = sorted((ROOT / "corpora" / "threats").glob("*.jsonl"))
BOOST = sorted((ROOT / "corpora" / "boost").glob("*.jsonl"))
REGISTERS = {
    "chat",
    "sms",
    "social_post",
    "forum_comment",
    "news_snippet",
    "review",
    "notification",
    "classified_ad",
    "email",
    "blog",
    "qa",
}
CONVERSATIONS = ROOT / "corpora" / "conversations"
FAMILIES = {"recruitment", "control", "off_platform", "advert"}
KINDS = {"awareness", "news", "research", "honest_recruitment", "support", "family", "commerce"}


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", TRAIN, ids=[p.stem for p in TRAIN])
def test_training_file_is_well_formed(path: Path) -> None:
    assert path.stem in TARGET_LANGUAGES
    rows = _rows(path)
    positives = [r for r in rows if r["label"] == 1]
    negatives = [r for r in rows if r["label"] == 0]
    assert len(positives) >= 100 and len(negatives) >= 100
    assert all(r["family"] in FAMILIES for r in positives)
    assert all(r["kind"] in KINDS for r in negatives)
    assert all(isinstance(r["text"], str) and r["text"].strip() for r in rows)
    keys = [_key(r["text"]) for r in rows]
    assert len(set(keys)) == len(keys), "duplicate texts"


@pytest.mark.parametrize("path", TEST, ids=[p.stem for p in TEST])
def test_test_file_is_well_formed(path: Path) -> None:
    assert path.stem in TARGET_LANGUAGES
    rows = _rows(path)
    assert sum(r["label"] == 1 for r in rows) >= 30 and sum(r["label"] == 0 for r in rows) >= 30
    assert all(r["family"] in FAMILIES for r in rows if r["label"] == 1)
    assert all(r["kind"] in KINDS for r in rows if r["label"] == 0)
    keys = [_key(r["text"]) for r in rows]
    assert len(set(keys)) == len(keys), "duplicate texts"


def test_everyday_files_cover_every_language_and_are_benign() -> None:
    assert {p.stem for p in EVERYDAY} == set(TARGET_LANGUAGES)
    for path in EVERYDAY:
        rows = _rows(path)
        assert len(rows) >= 70, path.stem
        assert all(r["label"] == 0 and r["kind"] == "everyday" and r["text"].strip() for r in rows)


def test_general_files_cover_every_language_and_are_benign() -> None:
    assert {p.stem for p in GENERAL} == set(TARGET_LANGUAGES)
    for path in GENERAL:
        rows = _rows(path)
        assert len(rows) >= 150, path.stem
        assert all(r["label"] == 0 and r["kind"] == "general" and r["text"].strip() for r in rows)
        assert all(r["register"] in REGISTERS for r in rows), path.stem
        keys = [_key(r["text"]) for r in rows]
        assert len(set(keys)) == len(keys), f"duplicate texts in {path.stem}"


def test_interpersonal_files_cover_every_language_and_are_benign() -> None:
    assert {p.stem for p in INTERPERSONAL} == set(TARGET_LANGUAGES)
    for path in INTERPERSONAL:
        rows = _rows(path)
        assert len(rows) >= 80, path.stem
        assert all(r["label"] == 0 and r["kind"] == "interpersonal" and r["text"].strip() for r in rows)
        assert len({_key(r["text"]) for r in rows}) == len(rows), f"duplicate texts in {path.stem}"


def test_long_advert_files_pair_lures_with_honest_look_alikes() -> None:
    assert {p.stem for p in LONGADS} == set(TARGET_LANGUAGES)
    for path in LONGADS:
        rows = _rows(path)
        lures = [r for r in rows if r["label"] == 1]
        honest = [r for r in rows if r["label"] == 0]
        assert len(lures) >= 10 and len(honest) >= 10, path.stem
        assert all(r["family"] == "recruitment" and r["kind"] == "polished_lure" for r in lures)
        assert all(r["kind"] == "honest_recruitment" for r in honest)
        assert all(len(r["text"]) >= 400 for r in rows), path.stem
        assert len({_key(r["text"]) for r in rows}) == len(rows), f"duplicate texts in {path.stem}"


def test_threat_files_pair_threats_with_look_alikes() -> None:
    assert {p.stem for p in THREATS} == set(TARGET_LANGUAGES)
    for path in THREATS:
        rows = _rows(path)
        threats = [r for r in rows if r["label"] == 1]
        assert len(threats) >= 30 and len(rows) - len(threats) >= 30, path.stem
        assert all(r["family"] == "control" and r["kind"] == "threat" for r in threats)
        assert len({_key(r["text"]) for r in rows}) == len(rows), f"duplicate texts in {path.stem}"


def test_boost_files_are_like_the_training_corpus() -> None:
    assert {p.stem for p in BOOST} >= {"zh", "ko", "lo", "si", "ta", "km"}
    for path in BOOST:
        rows = _rows(path)
        assert sum(r["label"] == 1 for r in rows) >= 40 and sum(r["label"] == 0 for r in rows) >= 40
        assert all(r["family"] in FAMILIES for r in rows if r["label"] == 1)
        assert all(r["kind"] in KINDS for r in rows if r["label"] == 0)
        assert len({_key(r["text"]) for r in rows}) == len(rows), f"duplicate texts in {path.stem}"


@pytest.mark.parametrize("name", ["train", "test"])
def test_conversation_files_are_well_formed(name: str) -> None:
    rows = _rows(CONVERSATIONS / f"{name}.jsonl")
    assert sum(r["label"] == 1 for r in rows) >= (100 if name == "train" else 30)
    assert sum(r["label"] == 0 for r in rows) >= (100 if name == "train" else 30)
    for r in rows:
        assert r["messages"] and all(m["stage"] in STAGES and m["text"].strip() for m in r["messages"])
    assert len({r["id"] for r in rows}) == len(rows)


def test_no_training_conversation_message_repeats_a_test_one() -> None:
    def long_messages(name: str) -> set[str]:
        rows = _rows(CONVERSATIONS / f"{name}.jsonl")
        return {_key(m["text"]) for r in rows for m in r["messages"] if len(m["text"]) > 25}

    assert not long_messages("train") & long_messages("test")


def test_no_training_text_repeats_an_evaluation_text() -> None:
    held_out = {_key(r["text"]) for p in (ROOT / "eval").rglob("*.jsonl") for r in _rows(p) if "text" in r}
    held_out |= {_key(r["text"]) for p in TEST for r in _rows(p)}
    train = {
        _key(r["text"])
        for p in [*TRAIN, *EVERYDAY, *GENERAL, *INTERPERSONAL, *LONGADS, *GUARD, *THREATS, *BOOST]
        for r in _rows(p)
    }
    assert not held_out & train
    assert not {_key(c.text) for c in all_cases()} & held_out
